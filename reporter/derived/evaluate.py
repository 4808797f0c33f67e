"""Derived values from a dataset: a number, or None with the reason (never a fake 0).

Account names are the period's totals as the report shows them (reach never summed over windows:
``dataset.totals``); media names are a post's lifetime values; ``followers`` is the count when the
data was fetched and ``days`` the period's length. An aggregate evaluates its expression per
media and skips media without a value, remembering how many it used ("12 of 14 reels").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from reporter.catalogue import Catalogue
from reporter.dataset import Dataset, MediaItem, totals
from reporter.dataset.totals import Coverage
from reporter.derived import Definition
from reporter.derived.best_time import best_time
from reporter.derived.formula import Aggregate, Binary, Expr, FormulaError, Num, Ref, Unary
from reporter.derived.resolve import Resolver
from reporter.derived.value import Value

_NOUNS = {"FEED": ("post", "posts"), "REELS": ("reel", "reels"), "STORY": ("story", "stories")}


def _na(reason: str) -> Value:
    return Value(None, reason)


class Evaluator:
    """Evaluates derived metrics over one dataset."""

    def __init__(
        self,
        ds: Dataset,
        definitions: Mapping[str, Definition],
        catalogue: Catalogue,
        *,
        rank_by: str | None = None,
    ) -> None:
        self.ds = ds
        self.defs = definitions
        self.cat = catalogue
        self.resolver = Resolver(definitions, catalogue)
        self.rank_by = rank_by
        self._account: dict[str, Value] = {}
        self._window: Coverage | None = None  # the days every account total is taken over

    # --- entry points --------------------------------------------------------------------------

    def account(self, name: str) -> Value:
        """An account-scope derived metric's value for the period."""
        if name not in self._account:
            self._account[name] = self._guarded(name, None, set())
        return self._account[name]

    def media(self, name: str, item: MediaItem) -> Value:
        """A media-scope derived metric's value for one post."""
        return self._guarded(name, item, set())

    # --- internals -----------------------------------------------------------------------------

    def _guarded(self, name: str, item: MediaItem | None, stack: set[str]) -> Value:
        definition = self.defs[name]
        if name in stack:
            return _na(f"{definition.title} depends on itself.")
        if definition.kind == "best_time":
            return best_time(self.ds, definition, self.rank_by or "views", self._rank_value)
        expr = self.resolver.expr(name)
        if isinstance(expr, FormulaError):
            return _na(f"The formula of {definition.title} cannot be read: {expr}.")
        if item is not None or self._window is not None:
            return self._eval(expr, item, stack | {name})
        window = self._shared_window(expr)
        if window is None:
            return self._eval(expr, item, stack | {name})
        # A unique count (reach) covers only part of the period (Meta's 30-day cap on a
        # quarter, a 31-day month): a ratio of it with a total over the whole period would be
        # inflated, so every total of the formula is taken over the same days.
        self._window = window
        try:
            return replace(self._eval(expr, item, stack | {name}), coverage=window)
        finally:
            self._window = None

    def _shared_window(self, expr: Expr) -> Coverage | None:
        """The window of the narrowest partial unique total the formula uses, if any."""
        found: list[Coverage] = []
        for ref in _refs(expr):
            metric = self.cat.get("account", ref.name)
            if ref.value is not None or metric is None or metric.additive:
                continue
            total = totals.account_total(self.ds, ref.name, additive=False)
            if total.value is not None and total.coverage.days is not None:
                found.append(total.coverage)
        period_days = (self.ds.until - self.ds.since).days + 1
        partial = [c for c in found if c.days is not None and c.days < period_days]
        return min(partial, key=lambda c: c.days or 0) if partial else None

    def _rank_value(self, item: MediaItem, rank_by: str) -> float | None:
        """A post's value of ``media.rank_by``: a derived media metric or a fetched one."""
        if rank_by in self.defs:
            return self.media(rank_by, item).value
        return self.ds.total(item.id, rank_by)

    def _eval(self, expr: Expr, item: MediaItem | None, stack: set[str]) -> Value:
        if isinstance(expr, Num):
            return Value(expr.value)
        if isinstance(expr, Ref):
            return self._ref(expr, item, stack)
        if isinstance(expr, Unary):
            inner = self._eval(expr.operand, item, stack)
            return inner if inner.value is None else replace(inner, value=-inner.value)
        if isinstance(expr, Binary):
            return self._binary(expr, item, stack)
        return self._aggregate(expr, stack)

    def _binary(self, expr: Binary, item: MediaItem | None, stack: set[str]) -> Value:
        left = self._eval(expr.left, item, stack)
        if left.value is None:
            return left
        right = self._eval(expr.right, item, stack)
        if right.value is None:
            return right
        sample = left.sample or right.sample
        a, b = left.value, right.value
        if expr.op == "/":
            if b == 0:
                return Value(None, f"Division by zero: {_describe(expr.right)} is 0.", sample)
            return Value(a / b, sample=sample)
        result = a + b if expr.op == "+" else a - b if expr.op == "-" else a * b
        return Value(result, sample=sample)

    def _ref(self, ref: Ref, item: MediaItem | None, stack: set[str]) -> Value:
        ds = self.ds
        if ref.value is None and ref.name == "days":
            return Value(float((ds.until - ds.since).days + 1))
        if ref.value is None and ref.name == "followers":
            count = ds.account.followers_count
            if count is None:
                return _na("Meta gave no follower count for the account.")
            return Value(float(count))
        definition = self.defs.get(ref.name)
        if definition is not None and ref.value is None:
            wanted = "media" if item is not None else "account"
            if definition.scope != wanted:
                return _na(f"{definition.title} is a {definition.scope} metric.")
            return self._guarded(ref.name, item, stack)
        if item is None:
            return self._account_metric(ref)
        return self._media_metric(ref, item)

    def _account_metric(self, ref: Ref) -> Value:
        ds, account = self.ds, self.ds.account.id
        metric = self.cat.get("account", ref.name)
        if metric is None:
            return _na(f"{ref.text} is not an account metric.")
        if ref.value is None:
            total = totals.account_total(ds, ref.name, additive=metric.additive)
            if self._window is not None and metric.additive:
                total = (
                    totals.account_total(ds, ref.name, additive=True, window=self._window)
                    if total.value is not None
                    else total
                )
            if total.value is None:
                return _na(f"{metric.title}: {total.reason or 'no value'}")
            return Value(total.value)
        key = self.resolver.breakdown_of(metric, ref.value)
        values, _ = totals.breakdown(
            ds.for_object(account, ref.name), [key or ""], additive=metric.additive
        )
        if not values:
            reason = totals.unavailable_reason(ds, account, ref.name)
            return _na(f"{metric.title} by {key}: {reason}")
        # Meta leaves out breakdown values with nothing in them: absent among present ones is 0.
        return Value(values.get((ref.value,), 0.0))

    def _media_metric(self, ref: Ref, item: MediaItem) -> Value:
        ds = self.ds
        if ref.value is None:
            value = ds.total(item.id, ref.name)
            if value is None:
                return _na(totals.unavailable_reason(ds, item.id, ref.name))
            return Value(value)
        observations = [
            o
            for o in ds.for_object(item.id, ref.name)
            if o.dimensions and any(v == ref.value for _, v in o.dimensions)
        ]
        if observations:
            return Value(sum(o.value for o in observations))
        if any(o.dimensions for o in ds.for_object(item.id, ref.name)):
            return Value(0.0)
        return _na(totals.unavailable_reason(ds, item.id, ref.name))

    def _aggregate(self, expr: Aggregate, stack: set[str]) -> Value:
        items = [
            m
            for m in self.ds.media
            if expr.product_type is None or m.product_type == expr.product_type
        ]
        one, many = _NOUNS.get(expr.product_type or "", ("post", "posts"))
        if expr.function == "count":
            return Value(
                float(len(items)), sample=f"{len(items)} {one if len(items) == 1 else many}"
            )
        if not items:
            return _na(f"No {many} in the period.")
        assert expr.operand is not None
        values: list[float] = []
        reasons: list[str] = []
        for item in items:
            got = self._eval(expr.operand, item, stack)
            if got.value is None:
                reasons.append(got.reason)
            else:
                values.append(got.value)
        if not values:
            return _na(f"No {one} of the period had {_describe(expr.operand)}: {reasons[0]}")
        sample = f"{len(values)} of {len(items)} {one if len(items) == 1 else many}"
        if expr.function == "sum":
            result = sum(values)
        elif expr.function == "avg":
            result = sum(values) / len(values)
        else:
            result = max(values) if expr.function == "max" else min(values)
        return Value(result, sample=sample)


def _refs(expr: Expr) -> list[Ref]:
    """The account references of a formula (not those inside aggregates over media)."""
    if isinstance(expr, Ref):
        return [expr]
    if isinstance(expr, Unary):
        return _refs(expr.operand)
    if isinstance(expr, Binary):
        return _refs(expr.left) + _refs(expr.right)
    return []


def _describe(expr: Expr) -> str:
    if isinstance(expr, Num):
        return f"{expr.value:g}"
    if isinstance(expr, Ref):
        return expr.text
    if isinstance(expr, Unary):
        return "-" + _describe(expr.operand)
    if isinstance(expr, Binary):
        return f"({_describe(expr.left)} {expr.op} {_describe(expr.right)})"
    inner = _describe(expr.operand) if expr.operand is not None else ""
    extra = f", {expr.product_type}" if expr.product_type else ""
    return f"{expr.function}({inner}{extra})"
