"""History: the account over the last months, month by month, from what the store kept.

Each month is a row (followers, accounts reached, views, interactions, posts) and views and
accounts reached are a line over the months. A month without figures is a gap in the line and a
row of dashes that says why; it is never drawn as zero. The section stays out of a report until
two months have figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reporter.dataset.history import METRICS, Month
from reporter.render import charts
from reporter.render.model import Cell, Chart, Table

if TYPE_CHECKING:
    from reporter.render.inputs import Inputs

TITLES = {
    "followers": "Followers",
    "reach": "Accounts reached",
    "views": "Views",
    "total_interactions": "Interactions",
    "posts": "Posts",
}
BEFORE = "Before reporting began"
MISSING = "No report was made for this month"


@dataclass(frozen=True)
class History:
    title: str
    lead: str
    chart: Chart | None
    table: Table
    notes: tuple[str, ...]


def build(inputs: Inputs) -> History | None:
    months = inputs.history
    known = [m for m in months if not m.gap]
    if len(known) < 2:
        return None
    fmt = inputs.fmt
    first = next(i for i, m in enumerate(months) if not m.gap)
    rows = []
    for index, month in enumerate(months):
        label = fmt.period(month.period)
        if month.gap:
            reason = BEFORE if index < first else (month.gap or MISSING)
            rows.append((Cell(label, month.period.label, detail=reason),
                         *[Cell("—", "", numeric=True) for _ in METRICS]))  # fmt: skip
            continue
        cells = [Cell(label, month.period.label)]
        for (key, _), value in zip(METRICS, month.values, strict=True):
            text = fmt.number(value) if value is not None else "—"
            if key in month.partial:
                text += "*"
            cells.append(Cell(text, value, numeric=True))
        rows.append(tuple(cells))
    table = Table(
        "history",
        "Month by month",
        ("Month", *(TITLES[key] for key, _ in METRICS)),
        tuple(rows),
        numeric=(False, *([True] * len(METRICS))),
    )
    notes = []
    if any(m.partial for m in known):
        notes.append(
            "* Instagram counts accounts reached over at most 30 days: for a 31-day month the "
            "figure covers 30 of its days."
        )
    if any(m.values[0] is None for m in known):
        notes.append(
            "Follower counts are those of each month's report; a month without one has none."
        )
    return History(
        title=f"The last {len(months)} months",
        lead=_lead(inputs, months),
        chart=_chart(inputs, months),
        table=table,
        notes=tuple(notes),
    )


def _series(months: list[Month] | tuple[Month, ...], key: str) -> list[float | None]:
    index = [k for k, _ in METRICS].index(key)
    return [None if m.gap else m.values[index] for m in months]


def _chart(inputs: Inputs, months: tuple[Month, ...]) -> Chart | None:
    views, reach = _series(months, "views"), _series(months, "reach")
    if sum(v is not None for v in views) < 2:
        return None
    svg = charts.line(
        "Views and accounts reached, month by month",
        [inputs.fmt.short_month(m.period.since) for m in months],
        views,
        reach,
        current_name=TITLES["views"],
        previous_name=TITLES["reach"],
        theme=inputs.theme,
        tick_every=1,
    )
    caption = "Months without figures are gaps in the line." if any(m.gap for m in months) else ""
    return Chart("Views and accounts reached", svg, caption)


def _lead(inputs: Inputs, months: tuple[Month, ...]) -> str:
    """One sentence: how this month's views compare with the average of the months before."""
    views = _series(months, "views")
    now, before = views[-1], [v for v in views[:-1] if v is not None]
    if now is None or not before:
        return "Month by month, from the figures of each month's report."
    average = sum(before) / len(before)
    if average <= 0:
        return "Month by month, from the figures of each month's report."
    change = now / average - 1
    months_word = f"{len(before)} month{'s' * (len(before) != 1)}"
    if abs(change) < 0.05:
        return (
            f"Views in {inputs.period_label} were close to the average of the {months_word} before."
        )
    direction = "above" if change > 0 else "below"
    return (
        f"Views in {inputs.period_label} were {inputs.fmt.percent(abs(change), 0)} {direction} "
        f"the average of the {months_word} before."
    )
