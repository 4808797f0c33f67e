"""The metric catalogue: Meta's metrics as data (``metrics.toml``), loaded into frozen records.

The validator, the planner, the sandbox and the report's notes all read the same file, so a new
metric or a deprecation is one edit there.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

Scope = Literal["account", "media"]
SCOPES: tuple[Scope, ...] = ("account", "media")
PRODUCT_TYPES = ("FEED", "REELS", "STORY")


@dataclass(frozen=True)
class Metric:
    name: str
    scope: Scope
    title: str
    description: str
    unit: str = "count"
    product_types: tuple[str, ...] = ()
    periods: tuple[str, ...] = ("lifetime",)
    metric_types: tuple[str, ...] = ()
    breakdowns: tuple[str, ...] = ()
    timeframes: tuple[str, ...] = ()
    retired_timeframes: tuple[str, ...] = ()
    timeframes_retired_in: str | None = None
    timeframes_retired_on: dt.date | None = None  # from then on every API version refuses them
    demographic: bool = False
    additive: bool = False
    estimated: bool = False
    in_development: bool = False
    min_followers: int = 0
    history_days: int | None = None
    # Meta answers the metric only with this breakdown (no total without it): always asked so
    required_breakdown: str | None = None
    # what the metric's breakdown values count ({FOLLOWER = "Follows"}), where the breakdown's
    # general labels would mislead
    part_labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    # (gained, lost): the metric's net change is the first part minus the second; the parts
    # are never added into one figure
    net: tuple[str, ...] = ()
    # values are maps hour -> count, one per day (online_followers): kept per day and hour,
    # never summed over hours nor shown as a daily series
    hourly: bool = False
    login: tuple[str, ...] = ("facebook", "instagram")
    status: Literal["current", "removed"] = "current"
    deprecated_in: str | None = None
    removed_on: dt.date | None = None
    replacement: str | None = None
    replacement_breakdown: str | None = None
    # only the daily time series is refused (profile_views since v21.0): the total stays
    series_removed_in: str | None = None
    series_removed_on: dt.date | None = None
    caveat: str = ""
    confidence: Literal["documented", "observed"] = "documented"
    note: str = ""
    source: str = ""

    @property
    def key(self) -> str:
        return f"{self.scope}.{self.name}"

    def removed_for(self, api_version: str, on: dt.date) -> bool:
        """True when Meta refuses this metric for ``api_version`` on the date ``on``."""
        if self.deprecated_in and version_tuple(api_version) >= version_tuple(self.deprecated_in):
            return True
        return bool(self.removed_on and on >= self.removed_on)

    def series_removed_for(self, api_version: str, on: dt.date) -> bool:
        """True when Meta refuses this metric as a time series for ``api_version`` on ``on``."""
        if self.series_removed_in and version_tuple(api_version) >= version_tuple(
            self.series_removed_in
        ):
            return True
        return bool(self.series_removed_on and on >= self.series_removed_on)

    def timeframe_refused_by_version(self, timeframe: str, api_version: str) -> bool:
        return (
            timeframe in self.retired_timeframes
            and self.timeframes_retired_in is not None
            and version_tuple(api_version) >= version_tuple(self.timeframes_retired_in)
        )

    def timeframe_refused(self, timeframe: str, api_version: str, on: dt.date) -> bool:
        """True when Meta refuses ``timeframe`` for ``api_version`` on the date ``on``."""
        if self.timeframe_refused_by_version(timeframe, api_version):
            return True
        gone = self.timeframes_retired_on
        return timeframe in self.retired_timeframes and gone is not None and on >= gone

    def accepts_timeframe(self, timeframe: str, api_version: str, on: dt.date) -> bool:
        if timeframe in self.timeframes:
            return True
        return timeframe in self.retired_timeframes and not self.timeframe_refused(
            timeframe, api_version, on
        )


@dataclass(frozen=True)
class Breakdown:
    name: str
    scope: Scope
    values: tuple[str, ...]
    note: str = ""
    confidence: Literal["documented", "observed"] = "documented"


@dataclass(frozen=True)
class Limits:
    max_range_days: int
    history_years: int
    story_window_hours: int
    settle_hours: int
    batch_size: int
    media_page_max: int
    media_list_max: int
    demographics_top: int
    demographics_fresh_days: int
    story_min_viewers: int


@dataclass(frozen=True)
class MediaDefaults:
    """The media metrics of a product type whose ``media.metrics`` lists none (``[defaults]``)."""

    fetch: tuple[str, ...]  # asked of Meta for each media of the type
    table: tuple[str, ...]  # the columns of the report's table of the type


@dataclass(frozen=True)
class Catalogue:
    latest_api_version: str
    metrics: Mapping[str, Metric]  # keyed "scope.name"
    breakdowns: Mapping[str, Breakdown]
    limits: Limits
    media_defaults: Mapping[str, MediaDefaults]  # keyed by product type
    card_metrics: tuple[str, ...]  # a top-media card's figures, in order of preference
    sources: Mapping[str, str] = field(default_factory=dict)

    def get(self, scope: Scope, name: str) -> Metric | None:
        return self.metrics.get(f"{scope}.{name}")

    def named(self, name: str) -> list[Metric]:
        """Every scope's metric of that name (account first)."""
        return [m for s in SCOPES if (m := self.get(s, name)) is not None]

    def in_scope(self, scope: Scope, *, current_only: bool = False) -> list[Metric]:
        return [
            m
            for m in self.metrics.values()
            if m.scope == scope and (not current_only or m.status == "current")
        ]

    def default_media_metrics(self, product_type: str) -> tuple[str, ...]:
        """What is fetched for media of ``product_type`` when the spec lists no metrics."""
        return self.media_defaults[product_type].fetch

    def default_table_metrics(self, product_type: str) -> tuple[str, ...]:
        """The report's table columns for ``product_type`` when the spec lists no metrics."""
        return self.media_defaults[product_type].table

    def suggest(self, scope: Scope, name: str) -> str | None:
        """The closest current metric name in ``scope``, for a did-you-mean; failing that, what
        replaced the closest removed one (``video_photo_engagement`` → ``engagement`` →
        ``total_interactions``)."""
        if found := closest(name, (m.name for m in self.in_scope(scope, current_only=True))):
            return found
        removed = {m.name: m.replacement for m in self.in_scope(scope) if m.status == "removed"}
        return removed.get(closest(name, removed) or "")


def closest(word: str, choices: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def version_tuple(version: str) -> tuple[int, ...]:
    """``"v22.0"`` → ``(22, 0)``. Raises ValueError on anything else."""
    text = version.removeprefix("v")
    parts = text.split(".")
    if not parts or not all(p.isdigit() for p in parts):
        raise ValueError(f"not an API version: {version!r}")
    return tuple(int(p) for p in parts)


def _tuple_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}


def parse(data: Mapping[str, Any]) -> Catalogue:
    metrics: dict[str, Metric] = {}
    for scope in SCOPES:
        for name, raw in data.get(scope, {}).items():
            metric = Metric(name=name, scope=scope, **_tuple_fields(raw))
            metrics[metric.key] = metric
    breakdowns = {
        name: Breakdown(name=name, **_tuple_fields(raw))
        for name, raw in data.get("breakdown", {}).items()
    }
    defaults = data["defaults"]
    return Catalogue(
        latest_api_version=data["latest_api_version"],
        metrics=metrics,
        breakdowns=breakdowns,
        limits=Limits(**data["limits"]),
        media_defaults={
            product: MediaDefaults(**_tuple_fields(raw))
            for product, raw in defaults["media"].items()
        },
        card_metrics=tuple(defaults["cards"]),
        sources=dict(data.get("sources", {})),
    )


@functools.cache
def load() -> Catalogue:
    """The packaged catalogue, parsed once per process."""
    text = resources.files(__package__).joinpath("metrics.toml").read_text(encoding="utf-8")
    return parse(tomllib.loads(text))
