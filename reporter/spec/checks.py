"""Meaning: a well-shaped spec's metrics checked against the catalogue (scope, product types,
breakdowns, metric types, removals, demographic timeframes); plain values in `check_values.py`.

Each check returns diagnostics with a key path and no position; `validate.py` adds the file, line
and column. Messages quote the user's value and hints say what to write instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reporter.catalogue import Catalogue, Metric, Scope, closest
from reporter.derived import definitions
from reporter.spec.check_campaigns import check_campaigns
from reporter.spec.check_derived import check_derived
from reporter.spec.check_sections import check_sections
from reporter.spec.check_values import ValueChecker
from reporter.spec.check_wording import choices, q
from reporter.spec.check_wording import error as _error
from reporter.spec.check_wording import warning as _warning
from reporter.spec.diagnostics import Diagnostic, KeyPath
from reporter.spec.models import Spec


class _Checker:
    def __init__(self, spec: Spec, catalogue: Catalogue, today: dt.date) -> None:
        self.spec = spec
        self.cat = catalogue
        self.today = today
        self.version = spec.report.api_version
        self.out: list[Diagnostic] = []
        self._caveats_given: set[str] = set()
        self._in_development: list[tuple[str, KeyPath]] = []
        self.derived = set(definitions(spec))  # checked in check_derived.py
        self._logins = {a.login for a in spec.accounts}

    # Metrics ------------------------------------------------------------------------------

    def metric(self, name: str, scope: Scope, path: KeyPath) -> Metric | None:
        """The catalogue's metric, or None after saying why it cannot be used."""
        metric = self.cat.get(scope, name)
        if metric is None:
            self._not_found(name, scope, path)
            return None
        if self._removed(metric, path):
            return None
        if refused := sorted(self._logins - set(metric.login)):
            self.out.append(
                _error(
                    "login-unsupported",
                    f"{q(name)} is not available with {' or '.join(refused)} login",
                    path,
                    f"{q(name)} needs {' or '.join(metric.login)} login",
                )
            )
        self._notes(metric, path)
        return metric

    def _not_found(self, name: str, scope: Scope, path: KeyPath) -> None:
        other: Scope = "media" if scope == "account" else "account"
        if (elsewhere := self.cat.get(other, name)) is not None and elsewhere.status == "current":
            where = "account_metrics.metrics" if other == "account" else "media.metrics"
            hint = f"did you mean {q(s)}?" if (s := self.cat.suggest(scope, name)) else ""
            self.out.append(
                _error(
                    "wrong-scope",
                    f"{q(name)} is {'an' if other == 'account' else 'a'} {other} metric, "
                    f"not {'an' if scope == 'account' else 'a'} {scope} metric",
                    path,
                    hint,
                    f"list it under {where}",
                )
            )
            return
        suggestion = self.cat.suggest(scope, name)
        self.out.append(
            _error(
                "unknown-metric",
                f"unknown {scope} metric {q(name)}",
                path,
                f"did you mean {q(suggestion)}?" if suggestion else "",
                f"run `reporter catalogue` to list the {scope} metrics",
            )
        )

    def _removed(self, metric: Metric, path: KeyPath) -> bool:
        if not metric.removed_for(self.version, self.today):
            return False
        when = []
        if metric.deprecated_in:
            when.append(f"was removed in {metric.deprecated_in}")
        if metric.removed_on:
            when.append(f"fails on every API version since {metric.removed_on.isoformat()}")
        hint = ""
        if metric.replacement:
            hint = f"use {q(metric.replacement)} instead"
            if metric.replacement_breakdown:
                hint += f" with breakdown {q(metric.replacement_breakdown)}"
        self.out.append(
            _error("removed-metric", f"{q(metric.name)} {' and '.join(when)}", path, hint)
        )
        return True

    def _notes(self, metric: Metric, path: KeyPath) -> None:
        if metric.key in self._caveats_given:
            return
        self._caveats_given.add(metric.key)
        if metric.caveat:
            self.out.append(_warning("metric-caveat", f"{q(metric.name)} is {metric.caveat}", path))
        if metric.in_development:
            self._in_development.append((metric.name, path))

    def in_development(self) -> None:
        """One warning for all the metrics Meta still marks as in development."""
        if not self._in_development:
            return
        names = sorted({name for name, _ in self._in_development})
        self.out.append(
            _warning(
                "in-development",
                f"Meta marks {choices(names, limit=20)} as in development",
                self._in_development[0][1],
                "their definition or availability may still change",
            )
        )

    def breakdowns(self, metric: Metric, names: Sequence[str], path: KeyPath) -> None:
        for index, name in enumerate(names):
            where = (*path, index)
            if name not in self.cat.breakdowns:
                suggestion = closest(name, self.cat.breakdowns)
                self.out.append(
                    _error(
                        "unknown-breakdown",
                        f"unknown breakdown {q(name)}",
                        where,
                        f"did you mean {q(suggestion)}?" if suggestion else "",
                    )
                )
            elif name not in metric.breakdowns:
                supported = (
                    f"{q(metric.name)} supports: {choices(metric.breakdowns)}"
                    if metric.breakdowns
                    else f"{q(metric.name)} takes no breakdown"
                )
                self.out.append(
                    _error(
                        "unsupported-breakdown",
                        f"{q(metric.name)} does not support breakdown {q(name)}",
                        where,
                        supported,
                    )
                )

    # Sections -----------------------------------------------------------------------------

    def account_metrics(self) -> None:
        section = self.spec.account_metrics
        base: KeyPath = ("account_metrics",)
        totals = self._listed(
            section.metrics,
            "metrics",
            "total_value",
            "is only available as a time series",
            "time_series",
        )
        series = self._listed(
            section.time_series,
            "time_series",
            "time_series",
            "is not available as a time series, only as a total",
            "metrics",
        )
        for name, metric in totals.items():
            self._required_breakdown(metric, section.breakdowns.get(name, []))
        for name, wanted in section.breakdowns.items():
            path = (*base, "breakdowns", name)
            if name in totals:
                self.breakdowns(totals[name], wanted, path)
            elif name in series:
                self.out.append(
                    _error(
                        "breakdown-on-time-series",
                        f"{q(name)} is requested as a time series, and Meta returns no breakdown "
                        "for time series",
                        path,
                        f"add {q(name)} to account_metrics.metrics to get its breakdown",
                    )
                )
            elif self.cat.get("account", name) is not None:
                self.out.append(
                    _error(
                        "breakdown-without-metric",
                        f"breakdown given for {q(name)}, "
                        "which account_metrics.metrics does not list",
                        path,
                        f"add {q(name)} to account_metrics.metrics",
                    )
                )
            else:
                self.metric(name, "account", path)

    def _required_breakdown(self, metric: Metric, wanted: Sequence[str]) -> None:
        """follows_and_unfollows without breakdown=follow_type: Meta answers no total, so it is
        fetched with the breakdown anyway; say so, so the spec reads as what the report does."""
        key = metric.required_breakdown
        if key is None or key in wanted:
            return
        index = self.spec.account_metrics.metrics.index(metric.name)
        self.out.append(
            _warning(
                "required-breakdown",
                f"Meta answers {q(metric.name)} only with breakdown {q(key)} (without it there is "
                "no total); it is fetched with it and shown as its parts",
                ("account_metrics", "metrics", index),
                f"add {metric.name} = [{q(key)}] to account_metrics.breakdowns",
            )
        )

    def _listed(
        self, names: Sequence[str], key: str, metric_type: str, refusal: str, instead: str
    ) -> dict[str, Metric]:
        """The usable metrics of account_metrics.<key>, each asked as ``metric_type``."""
        usable: dict[str, Metric] = {}
        for index, name in enumerate(names):
            path: KeyPath = ("account_metrics", key, index)
            if name in self.derived:
                continue
            if (metric := self._account_metric(name, path)) is None:
                continue
            if metric_type not in metric.metric_types:
                self.out.append(
                    _error(
                        "unsupported-metric-type",
                        f"{q(name)} {refusal}",
                        path,
                        f"move it to account_metrics.{instead}",
                    )
                )
                continue
            if metric_type == "time_series" and metric.series_removed_for(self.version, self.today):
                self.out.append(
                    _error(
                        "removed-metric-type",
                        f"the daily series of {q(name)} was removed in {metric.series_removed_in}; "
                        "Meta still answers its total over the period",
                        path,
                        f"move it to account_metrics.{instead}",
                    )
                )
                continue
            self._duplicate(name, usable, path)
            usable[name] = metric
        return usable

    def _account_metric(self, name: str, path: KeyPath) -> Metric | None:
        metric = self.metric(name, "account", path)
        if metric is not None and metric.demographic:
            self.out.append(
                _error(
                    "demographic-metric",
                    f"{q(name)} is a demographic metric",
                    path,
                    "list it under audience.metrics",
                )
            )
            return None
        return metric

    def _duplicate(self, name: str, seen: dict[str, Metric], path: KeyPath) -> None:
        if name in seen:
            self.out.append(_warning("duplicate-metric", f"{q(name)} is listed twice", path))

    def audience(self) -> None:
        audience = self.spec.audience
        if audience is None:
            return
        metrics = []
        for index, name in enumerate(audience.metrics):
            path: KeyPath = ("audience", "metrics", index)
            metric = self.metric(name, "account", path)
            if metric is None:
                continue
            if not metric.demographic:
                self.out.append(
                    _error(
                        "not-demographic",
                        f"{q(name)} is not a demographic metric",
                        path,
                        "list it in account_metrics.metrics",
                    )
                )
                continue
            metrics.append(metric)
        for metric in metrics[:1]:
            self.breakdowns(metric, audience.breakdowns, ("audience", "breakdowns"))
        if metrics:
            self._demographic_timeframe(metrics[0], audience.timeframe)

    def _demographic_timeframe(self, metric: Metric, timeframe: str | None) -> None:
        path: KeyPath = ("audience", "timeframe")
        accepted = list(metric.timeframes)
        if timeframe is None:
            self.out.append(
                _error(
                    "missing-timeframe",
                    f"{q(metric.name)} needs a demographic timeframe",
                    ("audience",),
                    f"add timeframe = {q(accepted[-1])} (choices: {choices(accepted)})",
                )
            )
        elif metric.timeframe_refused(timeframe, self.version, self.today):
            when = (
                f"from {metric.timeframes_retired_in} on, and this spec uses {self.version}"
                if metric.timeframe_refused_by_version(timeframe, self.version)
                else f"on every API version since {metric.timeframes_retired_on}"
            )
            self.out.append(
                _error(
                    "retired-timeframe",
                    f"timeframe {q(timeframe)} is refused {when}",
                    path,
                    'use "this_month" (the last 30 days) or "this_week" (the last 7 days)',
                )
            )
        elif not metric.accepts_timeframe(timeframe, self.version, self.today):
            suggestion = closest(timeframe, accepted)
            self.out.append(
                _error(
                    "invalid-timeframe",
                    f"unknown demographic timeframe {q(timeframe)}",
                    path,
                    f"did you mean {q(suggestion)}?" if suggestion else "",
                    f"choices: {choices(accepted)}",
                )
            )

    def media(self) -> None:
        media = self.spec.media
        if media is None:
            return
        if "STORY" in media.product_types:
            self.out.append(
                _warning(
                    "story-window",
                    "story insights are only available for 24 hours after posting",
                    ("media", "product_types", media.product_types.index("STORY")),
                    "run `reporter collect` daily from cron so every story of the month is kept",
                )
            )
        requested: dict[str, Metric] = {}
        for product_type, names in media.metrics.items():
            base: KeyPath = ("media", "metrics", product_type)
            if product_type not in media.product_types:
                self.out.append(
                    _error(
                        "product-type-not-selected",
                        f"metrics given for {product_type}, "
                        "which media.product_types does not list",
                        base,
                        f'add "{product_type}" to media.product_types',
                    )
                )
            for index, name in enumerate(names):
                path = (*base, index)
                if name in self.derived:
                    continue
                metric = self.metric(name, "media", path)
                if metric is None:
                    continue
                if product_type not in metric.product_types:
                    self.out.append(
                        _error(
                            "unsupported-product-type",
                            f"{q(name)} is not available for {product_type} media",
                            path,
                            f"{q(name)} is available for: {', '.join(metric.product_types)}",
                        )
                    )
                    continue
                requested[name] = metric
        for name, wanted in media.breakdowns.items():
            path = ("media", "breakdowns", name)
            if name in requested:
                self.breakdowns(requested[name], wanted, path)
            elif (metric := self.metric(name, "media", path)) is not None:
                self.out.append(
                    _error(
                        "breakdown-without-metric",
                        f"breakdown given for {q(name)}, which media.metrics does not list",
                        path,
                        f"add {q(name)} to media.metrics for a product type it supports "
                        f"({', '.join(metric.product_types)})",
                    )
                )
        if media.top and media.rank_by not in requested and media.rank_by not in self.derived:
            listed = sorted(requested)
            self.out.append(
                _error(
                    "rank-by-not-requested",
                    f"top media are ranked by {q(media.rank_by)}, "
                    "which media.metrics does not list",
                    ("media", "rank_by"),
                    f"choices: {choices(listed)}" if listed else "add metrics to media.metrics",
                )
            )


def check(spec: Spec, catalogue: Catalogue, today: dt.date) -> list[Diagnostic]:
    """Every problem of meaning in ``spec``, errors and warnings."""
    checker = _Checker(spec, catalogue, today)
    values = ValueChecker(spec, catalogue, today)
    found = values.run()
    checker.version = values.version  # an invalid version was reported; check against the latest
    for step in (checker.account_metrics, checker.audience, checker.media, checker.in_development):
        step()
    return [
        *found,
        *checker.out,
        *check_derived(spec, catalogue),
        *check_campaigns(spec, today),
        *check_sections(spec),
    ]
