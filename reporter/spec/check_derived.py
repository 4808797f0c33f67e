"""Meaning checks of derived metrics, goals, commentary and roll-up (issue 7's spec keys).

Formulas are checked where they are defined (syntax, names with did-you-mean, scope, cycles) and
derived names where they are used (scope of the place, media the formula aggregates over).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from pathlib import Path

from reporter.catalogue import Catalogue, closest
from reporter.derived import SPECIAL_NAMES, Definition, definitions
from reporter.derived.resolve import Problem, Resolver
from reporter.periods import resolve
from reporter.spec.diagnostics import Diagnostic, KeyPath
from reporter.spec.models import Spec

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_PERCENT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$")
_NUMBER = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*$")
_AT_MOST = "at most "
COMMENTARY_PLACEHOLDERS = ("client", "account", "period", "year", "month")


def _q(value: object) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _error(code: str, message: str, path: KeyPath, *hints: str) -> Diagnostic:
    return Diagnostic("error", code, message, path=path, hints=tuple(h for h in hints if h))


def _from(problem: Problem, path: KeyPath) -> Diagnostic:
    return _error(problem.code, problem.message, path, *problem.hints)


@dataclass(frozen=True)
class GoalTarget:
    value: float  # in the metric's own terms
    at_most: bool = False  # a ceiling ("at most 20%": story exit rate, unfollows), not a floor


def goal_target(value: float | str, unit: str) -> GoalTarget:
    """A goal's target in the metric's own terms; raises ValueError with the message to show.

    ``unit``: ``ratio`` (derived percentages: "4%" → 0.04), ``percent`` (catalogue percentages,
    0-100: "4%" → 4.0), anything else takes plain numbers. A string starting "at most " is a
    ceiling: "at most 20%", "at most 50".
    """
    if isinstance(value, str) and value.strip().lower().startswith(_AT_MOST):
        rest = value.strip()[len(_AT_MOST) :]
        number = _NUMBER.match(rest)
        return GoalTarget(_target_value(float(number[1]) if number else rest, unit), at_most=True)
    return GoalTarget(_target_value(value, unit))


def _target_value(value: float | str, unit: str) -> float:
    if isinstance(value, str):
        match = _PERCENT.match(value)
        if match is None:
            raise ValueError(
                'expected a number, a percentage like "4%", or "at most" one of them; '
                f"got {_q(value)}"
            )
        if unit not in ("ratio", "percent"):
            raise ValueError(f"a percentage ({_q(value)}) for a metric that is not one")
        number = float(match[1])
        return number / 100 if unit == "ratio" else number
    if unit in ("ratio", "percent"):
        raise ValueError(f'a plain number ({value:g}) for a percentage; write "{value:g}%"')
    if value < 0:
        raise ValueError(f"a negative target ({value:g})")
    return float(value)


class _Check:
    def __init__(self, spec: Spec, catalogue: Catalogue) -> None:
        self.spec = spec
        self.cat = catalogue
        self.defs = definitions(spec)
        self.resolver = Resolver(self.defs, catalogue)
        self.out: list[Diagnostic] = []

    def definitions(self) -> None:
        cycles: list[set[str]] = []
        for name in self.spec.derived:
            path: KeyPath = ("derived", name)
            if not _NAME.match(name):
                self.out.append(
                    _error(
                        "derived-invalid-name",
                        f"derived metric name {_q(name)} cannot be used in formulas",
                        path,
                        "use lower-case letters, digits and _, starting with a letter",
                    )
                )
                continue
            if self.cat.named(name) or name in SPECIAL_NAMES:
                self.out.append(
                    _error(
                        "derived-shadows-metric",
                        f"{_q(name)} is already a metric; a derived metric needs its own name",
                        path,
                        f"rename it, e.g. {_q(name + '_derived')}",
                    )
                )
                continue
            for problem in self.resolver.problems(name):
                if problem.code == "derived-cycle":
                    members = set(self.resolver.cycle(name))
                    if members in cycles:
                        continue  # one error per circle, at its first definition
                    cycles.append(members)
                self.out.append(_from(problem, (*path, "formula")))

    def uses(self) -> None:
        section = self.spec.account_metrics
        for index, name in enumerate(section.metrics):
            if name in self.defs:
                self._use(name, "account", ("account_metrics", "metrics", index))
        for index, name in enumerate(section.time_series):
            if name in self.defs:
                self.out.append(
                    _error(
                        "derived-time-series",
                        f"{_q(name)} is a derived metric: one value per period, no daily values",
                        ("account_metrics", "time_series", index),
                        "list it in account_metrics.metrics",
                    )
                )
        media = self.spec.media
        if media is None:
            return
        for product_type, names in media.metrics.items():
            for index, name in enumerate(names):
                if name in self.defs:
                    self._use(name, "media", ("media", "metrics", product_type, index))
        if media.rank_by in self.defs:
            self._use(media.rank_by, "media", ("media", "rank_by"))

    def _use(self, name: str, scope: str, path: KeyPath) -> None:
        definition = self.defs[name]
        if definition.scope != scope:
            where = "account_metrics.metrics" if definition.scope == "account" else "media.metrics"
            self.out.append(
                _error(
                    "derived-wrong-scope",
                    f"{_q(name)} is {'an' if definition.scope == 'account' else 'a'} "
                    f"{definition.scope} derived metric, not {'an' if scope == 'account' else 'a'} "
                    f"{scope} one",
                    path,
                    f"list it under {where}",
                )
            )
            return
        self._media_needed(definition, path)

    def _media_needed(self, definition: Definition, path: KeyPath) -> None:
        if self.resolver.problems(definition.name) or self.resolver.cycle(definition.name):
            return  # reported at the definition
        wanted = self.resolver.needs([definition.name]).product_types
        if not wanted:
            return
        media = self.spec.media
        if media is None:
            self.out.append(
                _error(
                    "derived-needs-media",
                    f"{_q(definition.name)} is computed from the period's media, and the spec "
                    "has no [media] table",
                    path,
                    "add [media] with the product types it uses",
                )
            )
            return
        missing = sorted(p for p in wanted if p is not None and p not in media.product_types)
        if definition.kind == "best_time":
            missing = [] if set(media.product_types) & {"FEED", "REELS"} else ["FEED"]
        if missing:
            self.out.append(
                _error(
                    "derived-product-type",
                    f"{_q(definition.name)} uses {', '.join(missing)} media, which "
                    "media.product_types does not list",
                    path,
                    f"add {', '.join(_q(m) for m in missing)} to media.product_types",
                )
            )

    def goals(self) -> None:
        for name, value in self.spec.goals.items():
            path: KeyPath = ("goals", name)
            unit = self._goal_unit(name, path)
            if unit is None:
                continue
            try:
                goal_target(value, unit)
            except ValueError as error:
                example = "4%" if unit in ("ratio", "percent") else "50000"
                if isinstance(value, str) and value.strip().lower().startswith(_AT_MOST):
                    example = f'"at most {example}"'
                elif example.endswith("%"):
                    example = f'"{example}"'
                self.out.append(
                    _error(
                        "goal-invalid-value",
                        f"goal for {_q(name)}: {error}",
                        path,
                        f"write {name} = {example}",
                    )
                )

    def _goal_unit(self, name: str, path: KeyPath) -> str | None:
        definition = self.defs.get(name)
        if definition is not None and definition.scope == "account":
            if definition.kind == "best_time":
                self.out.append(
                    _error(
                        "goal-unknown-metric",
                        f"{_q(name)} is a weekday or hour, not a figure with a target",
                        path,
                    )
                )
                return None
            self._media_needed(definition, path)
            return definition.display_unit
        metric = self.resolver.metric("account", name)
        if metric is not None and not metric.demographic:
            return metric.unit
        if (definition is not None) or self.resolver.metric("media", name) is not None:
            self.out.append(
                _error(
                    "goal-wrong-scope",
                    f"{_q(name)} is a media metric; goals are per account and period",
                    path,
                    f"aggregate it in a derived metric, e.g. avg({name})",
                )
            )
            return None
        names = [m.name for m in self.cat.in_scope("account", current_only=True)]
        names += [d.name for d in self.defs.values() if d.scope == "account"]
        suggestion = closest(name, names)
        self.out.append(
            _error(
                "goal-unknown-metric",
                f"goal for unknown metric {_q(name)}",
                path,
                f"did you mean {_q(suggestion)}?" if suggestion else "",
                "goals name account metrics or account-scope derived metrics",
            )
        )
        return None

    def rollup(self) -> None:
        if self.spec.rollup is not None and len(self.spec.accounts) < 2:
            self.out.append(
                Diagnostic(
                    "warning",
                    "rollup-one-account",
                    "a roll-up over one account repeats its report",
                    path=("rollup",),
                    hints=("add the brand's other accounts, or remove [rollup]",),
                )
            )
        rollup = self.spec.rollup
        taken = [a for a in self.spec.accounts if rollup and _same_name(a.name, rollup.name)]
        if rollup is not None and taken:
            self.out.append(
                Diagnostic(
                    "error",
                    "rollup-name-taken",
                    f"the roll-up's name {_q(rollup.name)} is the name of an account",
                    path=("rollup", "name"),
                    hints=(
                        "their files would overwrite each other and `--account` could not tell "
                        'them apart: give the combined report its own name, e.g. "All accounts"',
                    ),
                )
            )


def _same_name(one: str, other: str) -> bool:
    return one.strip().casefold() == other.strip().casefold()


def check_derived(spec: Spec, catalogue: Catalogue) -> list[Diagnostic]:
    """Problems of the derived metrics, goals and roll-up of ``spec``."""
    check = _Check(spec, catalogue)
    check.definitions()
    check.uses()
    check.goals()
    check.rollup()
    return check.out


def commentary_path(spec: Spec, spec_dir: Path, *, period: str, account: str = "") -> Path | None:
    """The commentary file for a period (None when the spec asks for none)."""
    if spec.commentary is None:
        return None
    year, _, month = period.partition("-")
    text = spec.commentary.file.format(
        client=spec.report.client, account=account, period=period, year=year, month=month[:2]
    )
    return spec_dir / text


def check_commentary(spec: Spec, spec_dir: Path, today: dt.date) -> list[Diagnostic]:
    """Placeholders of ``commentary.file``; with ``required``, the file of the period the
    timeframe resolves to today, once that period has ended (one file per account when the
    pattern names the account)."""
    commentary = spec.commentary
    if commentary is None:
        return []
    path: KeyPath = ("commentary", "file")
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(commentary.file) if f is not None]
    except ValueError as error:
        return [_error("invalid-pattern", f"invalid pattern {_q(commentary.file)}: {error}", path)]
    unknown = [f for f in fields if f not in COMMENTARY_PLACEHOLDERS]
    if unknown:
        suggestion = closest(unknown[0], COMMENTARY_PLACEHOLDERS)
        return [
            _error(
                "unknown-placeholder",
                f"unknown placeholder {{{unknown[0]}}} in {_q(commentary.file)}",
                path,
                f"did you mean {{{suggestion}}}?" if suggestion else "",
                "placeholders: " + ", ".join("{" + p + "}" for p in COMMENTARY_PLACEHOLDERS),
            )
        ]
    if not commentary.required:
        return []
    period = resolve(spec.report.timeframe, today)
    if period.until >= today:
        return []
    accounts = [a.name for a in spec.accounts] if "account" in fields else [""]
    out = []
    for account in accounts:
        found = commentary_path(spec, spec_dir, period=period.label, account=account)
        if found is not None and not found.is_file():
            shown = found.relative_to(spec_dir) if found.is_relative_to(spec_dir) else found
            out.append(
                Diagnostic(
                    "warning",
                    "commentary-missing",
                    f"no commentary for {period.label}: {shown} does not exist",
                    path=path,
                    hints=("write it before the report goes out, or set required = false",),
                )
            )
    return out
