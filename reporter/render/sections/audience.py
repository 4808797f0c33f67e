"""Audience demographics: for each demographic metric, its countries, cities, ages and genders
as counts with their share of the whole (a bar per row, drawn by CSS), ages in their natural
order with "Unknown" last, and in plain words why a past month has none."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reporter.dataset import Observation, totals
from reporter.render.model import Cell, Table
from reporter.render.sections.trends import BREAKDOWN_TITLES, label
from reporter.render.translations import N_

if TYPE_CHECKING:
    from reporter.render.inputs import Inputs

TOP_PLACES = 8  # countries and cities: the largest; the CSV has all Meta gave
UNKNOWN = {"U", "UNKNOWN", "UNDEFINED"}
# Meta keeps demographics for the last 30 days only (timeframe this_month / this_week):
# https://developers.facebook.com/docs/instagram-platform/api-reference/instagram-user/insights
PAST_MONTH = N_(
    "Meta keeps audience demographics for the last 30 days only, so those of {period} are no "
    "longer available. Reports made in the first days after a month ends show them."
)


@dataclass(frozen=True)
class Share:
    name: str
    count: str
    share: str  # "45.2%"
    bar: float  # 0..1: this row against the largest


@dataclass(frozen=True)
class Demographic:
    key: str
    title: str
    rows: tuple[Share, ...]
    table: Table  # every value Meta gave, for the CSV
    note: str = ""  # "8 of 45 countries"


@dataclass(frozen=True)
class AudienceGroup:
    metric: str
    title: str
    blocks: tuple[Demographic, ...]
    age_gender: Table | None
    unavailable: str = ""
    covers: str = (
        ""  # "Audience of the 30 days up to Nov 2, 2026.": Meta's window, not the period's
    )


def build(inputs: Inputs) -> tuple[AudienceGroup, ...]:
    spec = inputs.spec.audience
    if spec is None:
        return ()
    return tuple(_group(inputs, metric, spec.breakdowns) for metric in spec.metrics)


def _group(inputs: Inputs, metric: str, keys: Sequence[str]) -> AudienceGroup:
    ds = inputs.current
    title = inputs.title("account", metric)
    observations = list(ds.for_object(ds.account.id, metric))
    if not observations:
        return AudienceGroup(metric, title, (), None, unavailable=_why_none(inputs, metric))
    blocks = []
    for key in keys:
        values, _ = totals.breakdown(observations, [key], additive=False)
        if values:
            blocks.append(_demographic(inputs, metric, key, values))
    covers = _covers(inputs, observations)
    age_gender = _age_gender(inputs, metric, observations)
    return AudienceGroup(metric, title, tuple(blocks), age_gender, covers=covers)


COVERS = N_("Audience of the {days} days up to {date}.")


def _covers(inputs: Inputs, observations: Sequence[Observation]) -> str:
    """Meta gives demographics for the 30 (or 7) days before it was asked, whatever the period:
    say which days (a saved answer carries them: dataset/audience.py; else the fetch's time)."""
    audience = inputs.spec.audience
    days = 7 if audience is not None and audience.timeframe == "this_week" else 30
    ends = [o.until for o in observations if o.until is not None and o.since is not None
            and (o.until - o.since).days == days]  # fmt: skip
    moment = max(ends) if ends else inputs.current.fetched_at
    return inputs.fmt.gettext(COVERS).format(days=days, date=inputs.fmt.date(moment))


def _why_none(inputs: Inputs, metric: str) -> str:
    """Meta's reason when it gave one; for a month over and gone, Meta's 30-day limit."""
    ds = inputs.current
    if ds.reason_unavailable(ds.account.id, metric) is None:
        fetched = inputs.fmt.local(ds.fetched_at).date()
        if (fetched - ds.until).days > 2:
            return inputs.fmt.gettext(PAST_MONTH).format(period=inputs.period_label)
    return inputs.fmt.reason(totals.unavailable_reason(ds, ds.account.id, metric))


def age_order(value: str) -> tuple[int, int, str]:
    """13-17 … 65+ by their first year; "Unknown" and anything unreadable last."""
    found = re.match(r"\d+", value)
    if value.upper() in UNKNOWN or found is None:
        return (1, 0, value)
    return (0, int(found.group()), value)


def _demographic(
    inputs: Inputs, metric: str, key: str, values: dict[tuple[str, ...], float]
) -> Demographic:
    fmt = inputs.fmt
    whole = sum(values.values())
    if key == "age":
        ordered = sorted(values.items(), key=lambda kv: age_order(kv[0][0]))
    else:  # the largest first; "Unknown" gender last
        ordered = sorted(values.items(), key=lambda kv: (kv[0][0].upper() in UNKNOWN, -kv[1]))
    limit = TOP_PLACES if key in ("country", "city") else None
    shown = ordered[:limit] if limit else ordered
    largest = max((v for _, v in shown), default=0.0)
    _ = fmt.gettext
    title = _(BREAKDOWN_TITLES.get(key, key))
    rows = tuple(
        Share(
            label(inputs, key, k[0], metric),
            fmt.number(v),
            fmt.percent(v / whole if whole else None),
            v / largest if largest else 0.0,
        )
        for k, v in shown
    )
    table = Table(
        f"audience_{metric}_{key}",
        title,
        ("", _("Value"), _("Share")),
        tuple(
            (
                Cell(label(inputs, key, k[0], metric), k[0]),
                Cell(fmt.number(v), v, numeric=True),
                Cell(fmt.percent(v / whole if whole else None),
                     round(v / whole, 4) if whole else None, numeric=True),
            )
            for k, v in ordered
        ),
        numeric=(False, True, True),
    )  # fmt: skip
    note = ""
    if limit and len(ordered) > limit:
        note = _("The {count} largest of {total}.").format(
            count=fmt.number(limit), total=fmt.number(len(ordered))
        )
    return Demographic(table.key, title, rows, table, note)


def _age_gender(inputs: Inputs, metric: str, observations: list[Observation]) -> Table | None:
    values, _ = totals.breakdown(observations, ["age", "gender"], additive=False)
    if not values:
        return None
    ages = sorted({k[0] for k in values}, key=age_order)
    genders = [g for g in ("F", "M", "U") if any(k[1] == g for k in values)]
    fmt = inputs.fmt
    rows = tuple(
        (Cell(a), *(Cell(fmt.number(values.get((a, g))), values.get((a, g)), numeric=True)
                    for g in genders))
        for a in ages
    )  # fmt: skip
    return Table(
        f"audience_{metric}_age_gender",
        inputs.fmt.gettext("Age and gender"),
        (inputs.fmt.gettext("Age"), *(label(inputs, "gender", g) for g in genders)),
        rows,
        numeric=(False, *([True] * len(genders))),
    )
