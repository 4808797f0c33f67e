"""When the followers are online: hourly metrics (``online_followers``) read as what they are.

Meta answers one value a day, a map hour -> followers online in that hour (airbytehq/airbyte's
source-instagram records ``{"0": 100, …, "23": 2400}``; Meta's older IG User insights page:
lifetime metrics come "in an array of 24 hour periods, with periods ending on UTC−07:00"); the
dataset keeps each day and hour.
Hours are never added up (the same followers are online in several hours) and a day has no
single value, so this is no daily series: it is the average of each hour over the days Meta
gave, by weekday, for a best-time-to-post view.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from reporter.dataset import Dataset, meta_day_ending, totals
from reporter.render import charts
from reporter.render.model import Block, Cell, Chart, Table

if TYPE_CHECKING:
    from reporter.render.inputs import Inputs

BEST = 3  # hours named per weekday


def hourly(ds: Dataset, metric: str) -> dict[dt.date, dict[int, float]]:
    """Day (Meta's Pacific day) -> hour -> value, as Meta gave them."""
    days: dict[dt.date, dict[int, float]] = defaultdict(dict)
    for o in ds.series(ds.account.id, metric):
        hour = dict(o.dimensions).get("hour", "")
        if o.end_time is not None and hour.isdigit() and 0 <= int(hour) <= 23:
            days[meta_day_ending(o.end_time)][int(hour)] = o.value
    return dict(days)


def _averages(days: dict[dt.date, dict[int, float]]) -> dict[int, float]:
    sums: dict[int, list[float]] = defaultdict(list)
    for hours in days.values():
        for hour, value in hours.items():
            sums[hour].append(value)
    return {hour: sum(v) / len(v) for hour, v in sums.items()}


def _best(averages: dict[int, float], n: int = BEST) -> list[tuple[int, float]]:
    return sorted(averages.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def block(inputs: Inputs, metric: str) -> Block:
    fmt, ds = inputs.fmt, inputs.current
    _ = fmt.gettext
    key = f"online_{metric}"
    title = _("When your followers are online")
    days = hourly(ds, metric)
    if not days:
        reason = totals.unavailable_reason(ds, ds.account.id, metric)
        return Block(key, title, None, None, unavailable=inputs.fmt.reason(reason))
    by_weekday: dict[int, dict[dt.date, dict[int, float]]] = defaultdict(dict)
    for day, hours in days.items():
        by_weekday[day.weekday()][day] = hours
    rows = []
    for weekday in sorted(by_weekday):
        best = _best(_averages(by_weekday[weekday]))
        rows.append(
            (
                Cell(fmt.weekday(weekday), weekday),
                Cell(", ".join(fmt.hour(h) for h, __ in best), best[0][0]),
                Cell(fmt.number(best[0][1]), round(best[0][1], 1), numeric=True),
                Cell(fmt.number(len(by_weekday[weekday])), len(by_weekday[weekday]), numeric=True),
            )
        )
    table = Table(
        key,
        title,
        (_("Weekday"), _("Busiest hours"), _("Followers online at the busiest hour"), _("Days")),
        tuple(rows),
        numeric=(False, False, True, True),
    )
    overall = _best(_averages(days))
    hour, value = overall[0]
    first, last = min(days), max(days)
    then = f" {_('and')} ".join(fmt.hour(h) for h, __ in overall[1:])
    most = {"hour": fmt.hour(hour), "value": fmt.number(value), "then": then}
    if then:
        note = _("Most followers were online at {hour} (on average {value}), then {then}.")
    else:
        note = _("Most followers were online at {hour} (on average {value}).")
    note = (
        note.format(**most)
        + " "
        + fmt.ngettext(
            "Averages of each hour over the {count} day Instagram reported ({days}; it keeps the "
            "last 30 days), hours as Instagram reports them. Hours are not added up: the same "
            "followers are online in several hours.",
            "Averages of each hour over the {count} days Instagram reported ({days}; it keeps the "
            "last 30 days), hours as Instagram reports them. Hours are not added up: the same "
            "followers are online in several hours.",
            len(days),
        ).format(count=len(days), days=fmt.month_day_interval(first, last))
    )
    return Block(key, title, _heatmap(inputs, title, by_weekday), table, note=note)


def _heatmap(
    inputs: Inputs, title: str, by_weekday: dict[int, dict[dt.date, dict[int, float]]]
) -> Chart:
    """Weekday × hour: each cell the hour's average over that weekday's days (empty where
    Instagram gave none), Monday first."""
    fmt = inputs.fmt
    grid: list[list[float | None]] = []
    for weekday in range(7):
        averages = _averages(by_weekday.get(weekday, {}))
        grid.append([averages.get(hour) for hour in range(24)])
    svg = charts.responsive(
        lambda width: charts.heatmap(
            fmt.gettext("{title}: followers online by weekday and hour").format(title=title),
            [fmt.weekday(d) for d in range(7)],
            [fmt.hour(h) for h in range(24)],
            grid,
            theme=inputs.theme,
            width=width,
        )
    )
    caption = fmt.gettext(
        "The darker the cell, the more followers were online; an empty cell: no figure."
    )
    return Chart(title, svg, caption, wide=True)
