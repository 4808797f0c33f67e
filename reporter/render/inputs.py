"""Everything a section builder may read, in one frozen value: the spec, the datasets, the
catalogue, the formatter and the clock, all passed in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from reporter.catalogue import Catalogue, Metric, Scope
from reporter.dataset import Dataset, MediaItem, totals
from reporter.dataset.history import Month
from reporter.derived import Definition
from reporter.derived.evaluate import Evaluator
from reporter.derived.value import Value
from reporter.periods import Period
from reporter.render.charts import Theme
from reporter.render.formatting import Formatter
from reporter.spec.models import Account, Branding, Spec


@dataclass(frozen=True)
class Inputs:
    """Everything a section builder may read. No clock, no files: all passed in."""

    spec: Spec
    account: Account
    period: Period
    comparison: Period | None
    current: Dataset
    previous: Dataset | None
    catalogue: Catalogue
    fmt: Formatter
    theme: Theme
    branding: Branding
    thumbnails: Mapping[str, bytes]
    logo: str | None  # a data: URI
    now: dt.datetime
    derived: Mapping[str, Definition] = field(default_factory=dict)
    commentary: str | None = None  # the period's Markdown notes, read by the caller
    snapshot: str = ""  # when the archived dataset was first rendered, if re-rendered from it
    simulated: bool = False  # the sandbox's figures: the cover and every footer say so
    history: tuple[Month, ...] = ()  # the last months, oldest first (run/history.py)

    def metric(self, scope: Scope, name: str) -> Metric | None:
        return self.catalogue.get(scope, name)

    def definition(self, scope: Scope, name: str) -> Definition | None:
        found = self.derived.get(name)
        return found if found is not None and found.scope == scope else None

    def title(self, scope: Scope, name: str) -> str:
        if (definition := self.definition(scope, name)) is not None:
            return self.fmt.gettext(definition.title)
        metric = self.metric(scope, name)
        return self.fmt.gettext(metric.title) if metric else name.replace("_", " ").capitalize()

    def unit(self, scope: Scope, name: str) -> str:
        if (definition := self.definition(scope, name)) is not None:
            return definition.display_unit
        metric = self.metric(scope, name)
        return metric.unit if metric else "count"

    def additive(self, scope: Scope, name: str) -> bool:
        metric = self.metric(scope, name)
        return self.definition(scope, name) is None and bool(metric and metric.additive)

    # Values of plain and derived metrics alike.

    def evaluator(self, ds: Dataset) -> Evaluator:
        key = id(ds)
        cache: dict[int, Evaluator] = self.__dict__.setdefault("_evaluators", {})
        if key not in cache:
            rank_by = self.spec.media.rank_by if self.spec.media else None
            cache[key] = Evaluator(ds, self.derived, self.catalogue, rank_by=rank_by)
        return cache[key]

    def derived_value(self, ds: Dataset, name: str) -> Value:
        return self.evaluator(ds).account(name)

    def account_total(self, ds: Dataset, name: str) -> totals.Total:
        """The period's total of an account metric, or a derived metric's value."""
        if self.definition("account", name) is not None:
            got = self.derived_value(ds, name)
            coverage = got.coverage or totals.Coverage()
            return totals.Total(got.value, coverage, reason=got.reason or None, source="derived")
        metric = self.metric("account", name)
        if metric is not None and metric.net and metric.required_breakdown:
            return self.account_parts(ds, name)[0]
        return totals.account_total(ds, name, additive=self.additive("account", name))

    def account_parts(self, ds: Dataset, name: str) -> tuple[totals.Total, dict[str, float]]:
        """A metric answered only as parts (follows and unfollows): its net and the parts."""
        metric = self.metric("account", name)
        assert metric is not None and metric.required_breakdown
        return totals.parts_total(
            ds, name, metric.required_breakdown, metric.net, additive=metric.additive
        )

    def media_value(self, item: MediaItem, name: str) -> float | None:
        """A post's value of a media metric or media-scope derived metric."""
        if self.definition("media", name) is not None:
            return self.evaluator(self.current).media(name, item).value
        return self.current.total(item.id, name)

    @property
    def report_title(self) -> str:
        """``report.title``; the default ("Instagram report") in the report's language."""
        return self.fmt.gettext(self.spec.report.title)

    @property
    def period_label(self) -> str:
        return self.fmt.period(self.period)

    @property
    def comparison_label(self) -> str | None:
        return self.fmt.period(self.comparison) if self.comparison else None
