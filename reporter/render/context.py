"""Dataset(s) + spec + catalogue → the template context, one section builder at a time.

``SECTIONS`` is the list of (name, builder) pairs; each builder takes the same ``Inputs`` and
returns a plain view-model value the templates read as ``{{ name }}``. Later features (derived
metrics, goals, commentary, a definitions appendix) add a builder here and a block in the
template; nothing else changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reporter.catalogue import Catalogue, Metric, Scope
from reporter.dataset import Dataset, MediaItem
from reporter.derived import Definition
from reporter.periods import Period
from reporter.render import (
    commentary,
    content,
    definitions,
    goals,
    images,
    summary,
    totals,
    trends,
)
from reporter.render.charts import Theme
from reporter.render.formatting import Formatter
from reporter.render.model import NoteItem, Notes
from reporter.spec.models import Account, Branding, Spec

if TYPE_CHECKING:
    # derived.evaluate reads render.totals: imported when first used, not at import time.
    from reporter.derived.evaluate import Evaluator, Value


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

    def metric(self, scope: Scope, name: str) -> Metric | None:
        return self.catalogue.get(scope, name)

    def definition(self, scope: Scope, name: str) -> Definition | None:
        found = self.derived.get(name)
        return found if found is not None and found.scope == scope else None

    def title(self, scope: Scope, name: str) -> str:
        if (definition := self.definition(scope, name)) is not None:
            return definition.title
        metric = self.metric(scope, name)
        return metric.title if metric else name.replace("_", " ").capitalize()

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
            from reporter.derived.evaluate import Evaluator

            rank_by = self.spec.media.rank_by if self.spec.media else None
            cache[key] = Evaluator(ds, self.derived, self.catalogue, rank_by=rank_by)
        return cache[key]

    def derived_value(self, ds: Dataset, name: str) -> Value:
        return self.evaluator(ds).account(name)

    def account_total(self, ds: Dataset, name: str) -> totals.Total:
        """The period's total of an account metric, or a derived metric's value."""
        if self.definition("account", name) is not None:
            got = self.derived_value(ds, name)
            return totals.Total(got.value, reason=got.reason or None, source="derived")
        return totals.account_total(ds, name, additive=self.additive("account", name))

    def media_value(self, item: MediaItem, name: str) -> float | None:
        """A post's value of a media metric or media-scope derived metric."""
        if self.definition("media", name) is not None:
            return self.evaluator(self.current).media(name, item).value
        return self.current.total(item.id, name)

    @property
    def period_label(self) -> str:
        return self.fmt.period(self.period)

    @property
    def comparison_label(self) -> str | None:
        return self.fmt.period(self.comparison) if self.comparison else None


SectionBuilder = Callable[[Inputs], Any]


@dataclass(frozen=True)
class Cover:
    title: str
    client: str
    account_name: str
    handles: str  # "@acmecoffee", or "@a, @b" on a roll-up
    profile_picture: str
    period: str
    comparison: str | None
    logo: str | None
    author: str | None
    prepared: str
    followers: str | None


def cover(inputs: Inputs) -> Cover:
    info = inputs.current.account
    picture = images.data_uri(inputs.thumbnails.get("profile"))
    return Cover(
        title=inputs.spec.report.title,
        client=inputs.spec.report.client,
        account_name=inputs.account.name or info.name,
        handles=f"@{info.username}",
        profile_picture=picture or images.AVATAR,
        period=inputs.period_label,
        comparison=inputs.comparison_label,
        logo=inputs.logo,
        author=inputs.branding.author,
        prepared=inputs.fmt.date(inputs.now),
        followers=(
            inputs.fmt.number(info.followers_count) if info.followers_count is not None else None
        ),
    )


def notes(inputs: Inputs) -> Notes:
    return Notes(
        metrics=tuple(_metric_notes(inputs)),
        unavailable=tuple(_unavailable_notes(inputs)),
        data=tuple(_data_notes(inputs)),
    )


def _used_metrics(inputs: Inputs) -> list[tuple[Scope, str]]:
    spec = inputs.spec
    names: list[tuple[Scope, str]] = []
    names += [("account", m) for m in spec.account_metrics.metrics]
    names += [("account", m) for m in spec.account_metrics.time_series]
    names += [("account", m) for m in spec.goals]
    if spec.audience:
        names += [("account", m) for m in spec.audience.metrics]
    if spec.media:
        names += [("media", spec.media.rank_by)]
        for metrics in spec.media.metrics.values():
            names += [("media", m) for m in metrics]
    return list(dict.fromkeys(names))


def _metric_notes(inputs: Inputs) -> list[NoteItem]:
    items = []
    for scope, name in _used_metrics(inputs):
        definition = inputs.definition(scope, name)
        if definition is not None:
            items.append(_derived_note(definition))
            continue
        metric = inputs.metric(scope, name)
        if metric is None:
            continue
        flags = [f"unit: {definitions.unit_words(metric)}"]
        if metric.unit == "milliseconds":
            flags.append("shown as a duration")
        if not metric.additive:
            flags.append("unique accounts: never added up over days or posts")
        if metric.estimated:
            flags.append("estimated by Meta")
        if metric.in_development:
            flags.append("marked “in development” by Meta")
        text = metric.description + (f" ({'; '.join(flags)}.)" if flags else "")
        title = f"{metric.title} (per post)" if scope == "media" else metric.title
        items.append(NoteItem(title, text))
    return items


_UNIT_WORDS = {
    "percent": "shown as a percentage",
    "duration": "in seconds, shown as a duration",
    "count": "a count",
    "number": "a number",
}


def _derived_note(definition: Definition) -> NoteItem:
    """A derived metric's meaning, formula and unit (the definitions appendix reads these)."""
    what = "Built-in derived metric" if definition.builtin else "Derived metric"
    text = f"{definition.description} " if definition.description else ""
    text += f"{what}: {definition.shown_formula} ({_UNIT_WORDS[definition.unit]})."
    title = definition.title + (" (per post)" if definition.scope == "media" else "")
    return NoteItem(title, text)


def _unavailable_notes(inputs: Inputs) -> list[NoteItem]:
    """Account-level gaps one by one; media-level gaps grouped by metric and reason."""
    items: list[NoteItem] = []
    media_ids = {m.id for m in inputs.current.media}
    grouped: dict[tuple[str, str], int] = {}
    limits = inputs.catalogue.limits
    for gap in inputs.current.unavailable:
        reason = f"{gap.reason} {definitions.explain(gap, limits)}".strip()
        if gap.object_id in media_ids:
            key = (gap.metric, reason)
            grouped[key] = grouped.get(key, 0) + 1
        else:
            items.append(NoteItem(inputs.title("account", gap.metric), reason))
    for (metric, reason), count in sorted(grouped.items()):
        what = f"{count} post{'s' if count != 1 else ''}"
        items.append(NoteItem(f"{inputs.title('media', metric)}, {what}", reason))
    if inputs.previous is not None and inputs.comparison_label:
        for gap in inputs.previous.unavailable:
            if gap.object_id == inputs.previous.account.id:
                title = f"{inputs.title('account', gap.metric)}, {inputs.comparison_label}"
                reason = f"{gap.reason} {definitions.explain(gap, limits)}".strip()
                items.append(NoteItem(title, reason))
    return items


def _days_note(inputs: Inputs) -> str:
    """Which days the figures cover: Meta's days end at midnight Pacific time."""
    fmt, ds = inputs.fmt, inputs.current
    tz = inputs.spec.report.timezone
    posts = f"posts are those published {fmt.month_day_interval(ds.since, ds.until)} ({tz} time)"
    covered = ds.meta_days()
    if covered is None:
        return f"The period is resolved in {tz}; {posts}."
    days = fmt.month_day_interval(*covered)
    return (
        f"Account figures cover the Pacific-time days {days} (Meta's day ends at midnight "
        f"Pacific time, and a day in the charts is a Pacific day); {posts}."
    )


def _data_notes(inputs: Inputs) -> list[NoteItem]:
    fmt, ds = inputs.fmt, inputs.current
    settle = inputs.catalogue.limits.settle_hours
    items = [
        NoteItem(
            "Data",
            f"Fetched from Meta's Instagram Graph API {ds.api_version or ''} on "
            f"{fmt.datetime(ds.fetched_at)}.".replace("  ", " "),
        ),
        NoteItem(
            "Delay",
            f"Meta may revise figures for up to {settle} hours; the last days of a period can "
            "still change after a report is made.",
        ),
        NoteItem("Days", _days_note(inputs)),
        NoteItem("Timezone", definitions.timezone_words(inputs.spec.report.timezone)),
        NoteItem("Organic and paid", definitions.ORGANIC_AND_PAID),
        NoteItem(
            "Reach",
            "Accounts reached counts unique accounts, so it is never added up over days or "
            "posts. Meta answers at most 30 days per request: for longer periods the figure "
            "covers the longest window Meta gave, and the card says which days.",
        ),
    ]
    if inputs.snapshot:
        items.append(
            NoteItem(
                "Snapshot",
                f"The figures of this report were archived when it was made ({inputs.snapshot}): "
                "rendering the period again gives the same report, whatever later fetches bring, "
                "until `reporter render --refresh` replaces it.",
            )
        )
    items += [NoteItem("Fetch", note) for note in ds.notes]
    return items


SECTIONS: tuple[tuple[str, SectionBuilder], ...] = (
    ("cover", cover),
    ("summary", summary.build),
    ("goals", goals.build),
    ("commentary", commentary.build),
    ("trends", trends.build),
    ("breakdowns", trends.breakdowns),
    ("audience", trends.audience),
    ("content", content.build),
    ("notes", notes),
)


def build(
    inputs: Inputs, sections: tuple[tuple[str, SectionBuilder], ...] = SECTIONS
) -> dict[str, Any]:
    """The template context: each section's view model by name, plus what every page needs."""
    context: dict[str, Any] = {
        "fmt": inputs.fmt,
        "brand": inputs.branding,
        "report": inputs.spec.report,
        "period": inputs.period_label,
        "comparison": inputs.comparison_label,
        "has_media": inputs.spec.media is not None,
        "has_audience": inputs.spec.audience is not None,
    }
    for name, builder in sections:
        context[name] = builder(inputs)
    return context
