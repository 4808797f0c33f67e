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
from reporter.render.translations import N_

if TYPE_CHECKING:
    from reporter.render.inputs import Inputs

TITLES = {
    "followers": N_("Followers"),
    "reach": N_("Accounts reached"),
    "views": N_("Views"),
    "total_interactions": N_("Interactions"),
    "posts": N_("Posts"),
}
BEFORE = N_("Before reporting began")
MISSING = N_("No report was made for this month")


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
    _ = fmt.gettext
    first = next(i for i, m in enumerate(months) if not m.gap)
    rows = []
    for index, month in enumerate(months):
        label = fmt.period(month.period)
        if month.gap:
            reason = _(BEFORE) if index < first else _(month.gap or MISSING)
            rows.append((Cell(label, month.period.label, detail=reason),
                         *[Cell("—", "", numeric=True) for __ in METRICS]))  # fmt: skip
            continue
        cells = [Cell(label, month.period.label)]
        for (key, __), value in zip(METRICS, month.values, strict=True):
            text = fmt.number(value) if value is not None else "—"
            if key in month.partial:
                text += "*"
            cells.append(Cell(text, value, numeric=True))
        rows.append(tuple(cells))
    table = Table(
        "history",
        _("Month by month"),
        (_("Month"), *(_(TITLES[key]) for key, __ in METRICS)),
        tuple(rows),
        numeric=(False, *([True] * len(METRICS))),
    )
    notes = []
    if any(m.partial for m in known):
        notes.append(
            _(
                "* Instagram counts accounts reached over at most 30 days: for a 31-day month "
                "the figure covers 30 of its days."
            )
        )
    if any(m.values[0] is None for m in known):
        notes.append(
            _("Follower counts are those of each month's report; a month without one has none.")
        )
    return History(
        title=_("The last {count} months").format(count=len(months)),
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
    _ = inputs.fmt.gettext
    svg = charts.line(
        _("Views and accounts reached, month by month"),
        [inputs.fmt.short_month(m.period.since) for m in months],
        views,
        reach,
        current_name=_(TITLES["views"]),
        previous_name=_(TITLES["reach"]),
        theme=inputs.theme,
        tick_every=1,
    )
    gaps = any(m.gap for m in months)
    caption = _("Months without figures are gaps in the line.") if gaps else ""
    return Chart(_("Views and accounts reached"), svg, caption)


def _lead(inputs: Inputs, months: tuple[Month, ...]) -> str:
    """One sentence: how this month's views compare with the average of the months before."""
    fmt = inputs.fmt
    views = _series(months, "views")
    now, before = views[-1], [v for v in views[:-1] if v is not None]
    plain = fmt.gettext("Month by month, from the figures of each month's report.")
    if now is None or not before:
        return plain
    average = sum(before) / len(before)
    if average <= 0:
        return plain
    change, count = now / average - 1, len(before)
    if abs(change) < 0.05:
        pattern = fmt.ngettext(
            "Views in {period} were close to the average of the month before.",
            "Views in {period} were close to the average of the {count} months before.",
            count,
        )
    elif change > 0:
        pattern = fmt.ngettext(
            "Views in {period} were {share} above the average of the month before.",
            "Views in {period} were {share} above the average of the {count} months before.",
            count,
        )
    else:
        pattern = fmt.ngettext(
            "Views in {period} were {share} below the average of the month before.",
            "Views in {period} were {share} below the average of the {count} months before.",
            count,
        )
    return pattern.format(
        period=inputs.period_label, share=fmt.percent(abs(change), 0), count=count
    )
