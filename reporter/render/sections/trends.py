"""Trends (daily series against the comparison period) and breakdowns: each a ``Block`` of a
chart and the table behind it. Audience demographics are in ``audience.py``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from reporter.dataset import Dataset, Observation, totals
from reporter.render import charts
from reporter.render.model import Block, Cell, Chart, Table
from reporter.render.sections import online

if TYPE_CHECKING:
    from reporter.render.inputs import Inputs

# Meta's day ends at midnight Pacific time: a value whose end_time is 07:00 UTC on Nov 1 is
# October 31's. https://developers.facebook.com/docs/instagram-platform/insights
PACIFIC = ZoneInfo("America/Los_Angeles")

LABELS = {
    "media_product_type": {
        "REEL": "Reels",
        "POST": "Posts",
        "STORY": "Stories",
        "CAROUSEL_CONTAINER": "Carousels",
        "AD": "Ads",
    },
    "follow_type": {"FOLLOWER": "Followers", "NON_FOLLOWER": "Non-followers", "UNKNOWN": "Unknown"},
    "follower_type": {"FOLLOWER": "Followers", "NON_FOLLOWER": "Non-followers"},
    "story_navigation_action_type": {
        "TAP_FORWARD": "Taps forward",
        "TAP_BACK": "Taps back",
        "TAP_EXIT": "Exits",
        "SWIPE_FORWARD": "Swipes to the next account",
    },
    "gender": {"F": "Women", "M": "Men", "U": "Unknown"},
}
BREAKDOWN_TITLES = {
    "media_product_type": "by content type",
    "follow_type": "followers and non-followers",
    "follower_type": "followers and non-followers",
    "contact_button_type": "by button",
    "action_type": "by action",
    "story_navigation_action_type": "story navigation",
    "country": "Countries",
    "city": "Cities",
    "age": "Age",
    "gender": "Gender",
}


def label(inputs: Inputs, dimension: str, value: str, metric: str = "") -> str:
    if dimension == "country":
        return inputs.fmt.country(value)
    # what the values count for this metric (follows_and_unfollows: FOLLOWER = follows)
    counted = inputs.metric("account", metric) if metric else None
    if counted is not None and (part := counted.part_labels.get(value.upper())):
        return part
    known = LABELS.get(dimension, {}).get(value.upper())
    if known:
        return known
    # Meta's codes (BOOK_NOW) read as words; names (cities) stay as Meta spells them.
    return value.replace("_", " ").capitalize() if value.isupper() else value


def pacific_day(o: Observation) -> dt.date | None:
    if o.end_time is None:
        return None
    return (o.end_time.astimezone(PACIFIC) - dt.timedelta(seconds=1)).date()


def _daily(ds: Dataset, metric: str) -> dict[dt.date, float]:
    return {
        day: o.value
        for o in ds.series(ds.account.id, metric)
        if (day := pacific_day(o)) is not None and ds.since <= day <= ds.until
    }


def _days(since: dt.date, until: dt.date) -> list[dt.date]:
    return [since + dt.timedelta(days=n) for n in range((until - since).days + 1)]


# --- trends --------------------------------------------------------------------------------------


def build(inputs: Inputs) -> tuple[Block, ...]:
    """Daily series; hourly metrics (online_followers) have no daily value (see ``online``)."""
    return tuple(
        _trend(inputs, m) for m in inputs.spec.account_metrics.time_series if not _hourly(inputs, m)
    )


def _hourly(inputs: Inputs, metric: str) -> bool:
    known = inputs.metric("account", metric)
    return known is not None and known.hourly


def _trend(inputs: Inputs, metric: str) -> Block:
    fmt, ds = inputs.fmt, inputs.current
    title = inputs.title("account", metric)
    current = _daily(ds, metric)
    if not current:
        reason = totals.unavailable_reason(ds, ds.account.id, metric)
        return Block(f"trend_{metric}", title, None, None, unavailable=reason)
    days = _days(ds.since, ds.until)
    values = [current.get(d) for d in days]
    previous_values: list[float | None] | None = None
    if inputs.previous is not None:
        before = _daily(inputs.previous, metric)
        if before:
            previous_values = [
                before.get(d) for d in _days(inputs.previous.since, inputs.previous.until)
            ]
    svg = charts.responsive(
        lambda width: charts.line(
            f"{title}, day by day",
            [fmt.short_date(d) for d in days],
            values,
            previous_values,
            current_name=inputs.period_label,
            previous_name=inputs.comparison_label,
            theme=inputs.theme,
            width=width,
        )
    )
    known = [(d, v) for d, v in zip(days, values, strict=True) if v is not None]
    best_day, best = max(known, key=lambda pair: pair[1])
    average = sum(v for _, v in known) / len(known)
    facts = [
        f"daily average {fmt.number(average)}",
        f"best day {fmt.short_date(best_day)} ({fmt.number(best)})",
    ]
    if inputs.additive("account", metric):
        facts.insert(0, f"total {fmt.number(sum(v for _, v in known))}")
    missing = len(days) - len(known)
    if missing:
        facts.append(f"{missing} day{'s' if missing != 1 else ''} without data")
    text = "; ".join(facts)
    caption = text[:1].upper() + text[1:] + "."
    table = Table(
        f"trend_{metric}",
        title,
        ("Day", title),
        tuple((Cell(fmt.date(d), d.isoformat()), _count(inputs, v)) for d, v in known),
        numeric=(False, True),
    )
    return Block(f"trend_{metric}", title, Chart(title, svg, caption), table)


def _count(inputs: Inputs, value: float | None) -> Cell:
    return Cell(inputs.fmt.number(value), value, numeric=True)


# --- breakdowns ----------------------------------------------------------------------------------


def breakdowns(inputs: Inputs) -> tuple[Block, ...]:
    blocks = [
        online.block(inputs, m)
        for m in inputs.spec.account_metrics.time_series
        if _hourly(inputs, m)
    ]
    for metric, keys in inputs.spec.account_metrics.breakdowns.items():
        for key in keys:
            blocks.append(_account_breakdown(inputs, metric, key))
    media = inputs.spec.media
    if media is not None:
        for metric, keys in media.breakdowns.items():
            for key in keys:
                blocks.append(_media_breakdown(inputs, metric, key))
    return tuple(blocks)


def _account_breakdown(inputs: Inputs, metric: str, key: str) -> Block:
    ds = inputs.current
    additive = inputs.additive("account", metric)
    values, _ = totals.breakdown(ds.for_object(ds.account.id, metric), [key], additive=additive)
    previous: dict[tuple[str, ...], float] = {}
    if inputs.previous is not None:
        prev = inputs.previous
        previous, _ = totals.breakdown(
            prev.for_object(prev.account.id, metric), [key], additive=additive
        )
    known = inputs.metric("account", metric)
    parts = known is not None and bool(known.net) and key == known.required_breakdown
    title = inputs.title("account", metric)
    if not parts:
        title += f": {BREAKDOWN_TITLES.get(key, key)}"
    if not values:
        reason = totals.unavailable_reason(ds, ds.account.id, metric)
        return Block(f"breakdown_{metric}_{key}", title, None, None, unavailable=reason)
    whole: float | None = None
    note = ""
    if not additive:
        # unique accounts: a share is of the breakdown call's own total, not of the parts' sum
        whole = totals.breakdown_total(ds.for_object(ds.account.id, metric), key, additive=False)
        note = "Unique accounts per part; the parts can add up to more than the total."
        if whole is not None:
            note += f" Shares are of the {inputs.fmt.number(whole)} in total."
    if parts:
        # follows and unfollows are two counts, not shares of one total
        note = "Two separate counts: they are not added up."
    return _bars_block(inputs, f"breakdown_{metric}_{key}", title, key, values, previous, note,
                       metric=metric, shares=not parts, whole=whole)  # fmt: skip


def _media_breakdown(inputs: Inputs, metric: str, key: str) -> Block:
    """A media metric's breakdown summed over the period's media (additive metrics only)."""
    ds = inputs.current
    media_ids = {m.id for m in ds.media}
    observations = [o for o in ds.observations if o.metric == metric and o.object_id in media_ids]
    values, _ = totals.breakdown(observations, [key], additive=True)
    title = f"{inputs.title('media', metric)}: {BREAKDOWN_TITLES.get(key, key)}"
    if not values:
        return Block(
            f"breakdown_{metric}_{key}",
            title,
            None,
            None,
            unavailable="No media of the period had this breakdown.",
        )
    posts = len({o.object_id for o in observations if o.dimensions})
    note = f"Summed over {posts} post{'s' if posts != 1 else ''} of the period."
    return _bars_block(inputs, f"breakdown_{metric}_{key}", title, key, values, {}, note)


def _bars_block(
    inputs: Inputs,
    key: str,
    title: str,
    dimension: str,
    values: dict[tuple[str, ...], float],
    previous: dict[tuple[str, ...], float],
    note: str,
    limit: int | None = None,
    *,
    metric: str = "",
    shares: bool = True,
    whole: float | None = None,
) -> Block:
    fmt = inputs.fmt
    ordered = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    whole = whole or sum(values.values())
    shown = ordered[:limit] if limit else ordered
    names = [label(inputs, dimension, k[0], metric) for k, _ in shown]
    svg = charts.bars(
        title,
        names,
        [v for _, v in shown],
        [fmt.compact(v) for _, v in shown],
        theme=inputs.theme,
    )
    columns = ["", "Value", "Share"] if shares else ["", "Value"]
    with_previous = bool(previous) and inputs.comparison_label is not None
    if with_previous:
        columns += [str(inputs.comparison_label), "Change"]
    rows = []
    for (k, v), name in zip(shown, names, strict=True):
        row = [Cell(name, k[0]), _count(inputs, v)]
        if shares:
            share = v / whole if whole else None
            row.append(
                Cell(
                    fmt.percent(share), round(share, 4) if share is not None else None, numeric=True
                )
            )
        if with_previous:
            before = previous.get(k)
            ratio = (v - before) / before if before else None
            row += [_count(inputs, before), Cell(fmt.signed_percent(ratio), ratio, numeric=True)]
        rows.append(tuple(row))
    table = Table(
        key, title, tuple(columns), tuple(rows), numeric=(False, *([True] * (len(columns) - 1)))
    )
    return Block(key, title, Chart(title, svg), table, note=note)
