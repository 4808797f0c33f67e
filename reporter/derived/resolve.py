"""What a formula's names stand for, what is wrong with them, and what must be fetched.

One resolver serves the validator (problems: unknown name, wrong scope, cycle, bad breakdown
value) and the planner (the catalogue metrics, breakdowns and product types a derived metric
needs, so a spec listing only ``engagement_rate`` still fetches interactions and reach).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reporter.catalogue import Catalogue, Metric, Scope, closest
from reporter.derived import SPECIAL_NAMES, Definition
from reporter.derived.formula import Expr, FormulaError, Ref, aggregates, parse, refs


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    hints: tuple[str, ...] = ()


@dataclass
class Needs:
    """Catalogue inputs of one or more derived metrics."""

    account: set[str] = field(default_factory=set)
    account_breakdowns: set[tuple[str, str]] = field(default_factory=set)  # (metric, breakdown)
    media: set[tuple[str, str | None]] = field(default_factory=set)  # (metric, product type)
    media_breakdowns: set[tuple[str, str]] = field(default_factory=set)
    product_types: set[str | None] = field(default_factory=set)  # None: every product type


def _q(value: str) -> str:
    return f'"{value}"'


class Resolver:
    def __init__(self, definitions: Mapping[str, Definition], catalogue: Catalogue) -> None:
        self.defs = definitions
        self.cat = catalogue
        self._parsed: dict[str, Expr | FormulaError] = {}
        # The checks ask about a definition once for each use of it.
        self._problems: dict[str, list[Problem]] = {}
        self._cycles: dict[str, list[str]] = {}

    def expr(self, name: str) -> Expr | FormulaError:
        if name not in self._parsed:
            definition = self.defs[name]
            try:
                self._parsed[name] = parse(definition.formula)
            except FormulaError as error:
                self._parsed[name] = error
        return self._parsed[name]

    # --- names ---------------------------------------------------------------------------------

    def metric(self, scope: Scope, name: str) -> Metric | None:
        metric = self.cat.get(scope, name)
        return metric if metric is not None and metric.status == "current" else None

    def breakdown_of(self, metric: Metric, value: str) -> str | None:
        """The breakdown of ``metric`` that has ``value`` (FOLLOWER → follow_type)."""
        for key in metric.breakdowns:
            known = self.cat.breakdowns.get(key)
            if known is not None and value in known.values:
                return key
        return None

    def ref_problem(self, ref: Ref, scope: Scope) -> Problem | None:
        """Why ``ref`` cannot be used in ``scope``, or None."""
        name = ref.name
        if name in SPECIAL_NAMES and ref.value is None:
            return None
        definition = self.defs.get(name)
        if definition is not None and ref.value is None:
            return None if definition.scope == scope else self._wrong_scope(ref, scope, True)
        metric = self.metric(scope, name)
        if metric is not None:
            if ref.value is None or self.breakdown_of(metric, ref.value) is not None:
                return None
            values = [
                v for key in metric.breakdowns for v in self.cat.breakdowns[key].values
            ]  # fmt: skip
            if not values:
                return Problem(
                    "derived-breakdown-value",
                    f"{_q(ref.text)}: {_q(name)} has no breakdown",
                    (f"write {name} for its total",),
                )
            suggestion = closest(ref.value, values)
            return Problem(
                "derived-breakdown-value",
                f"{_q(ref.text)}: {_q(name)} has no breakdown value {_q(ref.value)}",
                (
                    f"did you mean {_q(name + '.' + suggestion)}?" if suggestion else "",
                    f"values: {', '.join(values[:8])}",
                ),
            )
        other: Scope = "media" if scope == "account" else "account"
        if self.metric(other, name) is not None or (
            definition is not None and definition.scope == other
        ):
            return self._wrong_scope(ref, scope, definition is not None)
        suggestion = closest(name, self.names(scope))
        return Problem(
            "derived-unknown-name",
            f"unknown name {_q(name)} in the formula",
            (
                f"did you mean {_q(suggestion)}?" if suggestion else "",
                f"run `reporter catalogue --scope {scope}` to list the {scope} metrics",
            ),
        )

    def _wrong_scope(self, ref: Ref, scope: Scope, derived: bool) -> Problem:
        what = "derived metric" if derived else "metric"
        if scope == "account":
            return Problem(
                "derived-wrong-scope",
                f"{_q(ref.name)} is a media {what}, and an account formula has one value per "
                "report",
                (f"aggregate it over the period's media: avg({ref.name}) or sum({ref.name})",),
            )
        return Problem(
            "derived-wrong-scope",
            f"{_q(ref.name)} is an account {what}, and a media formula is evaluated per post",
            ('use it in a formula with scope = "account"',),
        )

    def names(self, scope: Scope) -> list[str]:
        metrics = [m.name for m in self.cat.in_scope(scope, current_only=True)]
        derived = [d.name for d in self.defs.values() if d.scope == scope]
        return sorted({*metrics, *derived, *SPECIAL_NAMES})

    # --- problems of one definition ------------------------------------------------------------

    def problems(self, name: str) -> list[Problem]:
        if name not in self._problems:
            self._problems[name] = self._find_problems(name)
        return list(self._problems[name])

    def _find_problems(self, name: str) -> list[Problem]:
        definition = self.defs[name]
        if definition.kind != "formula":
            return []
        expr = self.expr(name)
        if isinstance(expr, FormulaError):
            return [
                Problem(
                    "derived-syntax",
                    f"cannot read the formula {_q(definition.formula)}: {expr}",
                    (
                        "write arithmetic over metric names, e.g. "
                        '"total_interactions / reach"; functions: sum, avg, max, min, count',
                    ),
                )
            ]
        out: list[Problem] = []
        if definition.scope == "media":
            for aggregate in aggregates(expr):
                out.append(
                    Problem(
                        "derived-wrong-scope",
                        f"{aggregate.function}() aggregates over media, and a media formula "
                        "is evaluated per post",
                        ('aggregate in a formula with scope = "account"',),
                    )
                )
        for ref, inside in refs(expr):
            scope: Scope = "media" if inside or definition.scope == "media" else "account"
            problem = self.ref_problem(ref, scope)
            if problem is not None and problem not in out:
                out.append(problem)
        if not out and (cycle := self.cycle(name)):
            out.append(
                Problem(
                    "derived-cycle",
                    f"{_q(name)} depends on itself: {' → '.join(cycle)}",
                    ("a derived metric may use other derived metrics, but not in a circle",),
                )
            )
        return out

    def uses(self, name: str) -> list[str]:
        """The derived metrics ``name``'s formula names directly."""
        expr = self.expr(name)
        if isinstance(expr, FormulaError):
            return []
        return list(
            dict.fromkeys(r.name for r, _ in refs(expr) if r.name in self.defs and r.value is None)
        )

    def cycle(self, start: str) -> list[str]:
        """A path start → … → start, or [] when there is none."""
        if start not in self._cycles:
            self._cycles[start] = self._find_cycle(start)
        return list(self._cycles[start])

    def _find_cycle(self, start: str) -> list[str]:
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        seen: set[str] = set()
        while stack:
            current, path = stack.pop()
            for used in self.uses(current):
                if used == start:
                    return [*path, start]
                if used not in seen:
                    seen.add(used)
                    stack.append((used, [*path, used]))
        return []

    # --- what must be fetched ------------------------------------------------------------------

    def needs(self, names: Iterable[str]) -> Needs:
        out = Needs()
        seen: set[str] = set()
        todo = [n for n in names if n in self.defs]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            definition = self.defs[name]
            if definition.kind == "best_time":
                out.product_types |= {"FEED", "REELS"}
                continue
            expr = self.expr(name)
            if isinstance(expr, FormulaError):
                continue
            for aggregate in aggregates(expr):
                out.product_types.add(aggregate.product_type)
            for ref, inside in _refs_with_product_type(expr):
                scope: Scope = "media" if inside[0] or definition.scope == "media" else "account"
                if ref.name in self.defs and ref.value is None:
                    todo.append(ref.name)
                    continue
                metric = self.metric(scope, ref.name)
                if metric is None:
                    continue
                breakdown = self.breakdown_of(metric, ref.value) if ref.value else None
                if scope == "account":
                    if breakdown:
                        out.account_breakdowns.add((ref.name, breakdown))
                    else:
                        out.account.add(ref.name)
                else:
                    out.media.add((ref.name, inside[1]))
                    if breakdown:
                        out.media_breakdowns.add((ref.name, breakdown))
        return out


def _refs_with_product_type(expr: Expr) -> Iterable[tuple[Ref, tuple[bool, str | None]]]:
    """Refs with (inside an aggregate, that aggregate's product type)."""
    from reporter.derived.formula import Aggregate, Binary, Unary

    if isinstance(expr, Ref):
        yield expr, (False, None)
    elif isinstance(expr, Unary):
        yield from _refs_with_product_type(expr.operand)
    elif isinstance(expr, Binary):
        yield from _refs_with_product_type(expr.left)
        yield from _refs_with_product_type(expr.right)
    elif isinstance(expr, Aggregate) and expr.operand is not None:
        for ref, _ in refs(expr.operand, inside_aggregate=True):
            yield ref, (True, expr.product_type)
