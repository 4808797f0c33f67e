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
from reporter.render.translations import N_

if TYPE_CHECKING:
    from reporter.render.inputs import Inputs

# Meta's day ends at midnight Pacific time: a value whose end_time is 07:00 UTC on Nov 1 is
# October 31's. https://developers.facebook.com/docs/instagram-platform/insights
PACIFIC = ZoneInfo("America/Los_Angeles")

LABELS = {
    "media_product_type": {
        "REEL": N_("Reels"),
        "POST": N_("Posts"),
        "STORY": N_("Stories"),
        "CAROUSEL_CONTAINER": N_("Carousels"),
        "AD": N_("Ads"),
    },
    "follow_type": {
        "FOLLOWER": N_("Followers"),
        "NON_FOLLOWER": N_("Non-followers"),
        "UNKNOWN": N_("Unknown"),
    },
    "follower_type": {"FOLLOWER": N_("Followers"), "NON_FOLLOWER": N_("Non-followers")},
    "story_navigation_action_type": {
        "TAP_FORWARD": N_("Taps forward"),
        "TAP_BACK": N_("Taps back"),
        "TAP_EXIT": N_("Exits"),
        "SWIPE_FORWARD": N_("Swipes to the next account"),
    },
    "gender": {"F": N_("Women"), "M": N_("Men"), "U": N_("Unknown")},
    # Meta's codes of the profile's buttons and the actions on a profile (catalogue: breakdowns)
    "contact_button_type": {
        "BOOK_NOW": N_("Book now"),
        "CALL": N_("Call"),
        "DIRECTION": N_("Directions"),
        "EMAIL": N_("Email"),
        "INSTANT_EXPERIENCE": N_("Instant experience"),
        "TEXT": N_("Text message"),
        "UNDEFINED": N_("Other"),
    },
    "action_type": {
        "BIO_LINK_CLICKED": N_("Link in bio"),
        "CALL": N_("Call"),
        "DIRECTION": N_("Directions"),
        "EMAIL": N_("Email"),
        "OTHER": N_("Other"),
        "TEXT": N_("Text message"),
    },
}
BREAKDOWN_TITLES = {
    "media_product_type": N_("by content type"),
    "follow_type": N_("followers and non-followers"),
    "follower_type": N_("followers and non-followers"),
    "contact_button_type": N_("by button"),
    "action_type": N_("by action"),
    "story_navigation_action_type": N_("story navigation"),
    "country": N_("Countries"),
    "city": N_("Cities"),
    "age": N_("Age"),
    "gender": N_("Gender"),
}


def label(inputs: Inputs, dimension: str, value: str, metric: str = "") -> str:
    if dimension == "country":
        return inputs.fmt.country(value)
    # what the values count for this metric (follows_and_unfollows: FOLLOWER = follows)
    counted = inputs.metric("account", metric) if metric else None
    if counted is not None and (part := counted.part_labels.get(value.upper())):
        return inputs.fmt.gettext(part)
    known = LABELS.get(dimension, {}).get(value.upper())
    if known:
        return inputs.fmt.gettext(known)
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
    _ = fmt.gettext
    title = inputs.title("account", metric)
    current = _daily(ds, metric)
    if not current:
        reason = totals.unavailable_reason(ds, ds.account.id, metric)
        return Block(f"trend_{metric}", title, None, None, unavailable=inputs.fmt.reason(reason))
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
            _("{title}, day by day").format(title=title),
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
        _("daily average {value}").format(value=fmt.number(average)),
        _("best day {day} ({value})").format(day=fmt.short_date(best_day), value=fmt.number(best)),
    ]
    if inputs.additive("account", metric):
        facts.insert(0, _("total {value}").format(value=fmt.number(sum(v for __, v in known))))
    missing = len(days) - len(known)
    if missing:
        facts.append(
            fmt.ngettext("{count} day without data", "{count} days without data", missing).format(
                count=missing
            )
        )
    text = "; ".join(facts)
    caption = text[:1].upper() + text[1:] + "."
    table = Table(
        f"trend_{metric}",
        title,
        (_("Day"), title),
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
    _ = inputs.fmt.gettext
    if not parts:
        title += f": {_(BREAKDOWN_TITLES.get(key, key))}"
    if not values:
        reason = totals.unavailable_reason(ds, ds.account.id, metric)
        return Block(
            f"breakdown_{metric}_{key}", title, None, None, unavailable=inputs.fmt.reason(reason)
        )
    whole: float | None = None
    note = ""
    if not additive:
        # unique accounts: a share is of the breakdown call's own total, not of the parts' sum
        whole = totals.breakdown_total(ds.for_object(ds.account.id, metric), key, additive=False)
        note = _("Unique accounts per part; the parts can add up to more than the total.")
        if whole is not None:
            note += " " + _("Shares are of the {total} in total.").format(
                total=inputs.fmt.number(whole)
            )
    if parts:
        # follows and unfollows are two counts, not shares of one total
        note = _("Two separate counts: they are not added up.")
    return _bars_block(inputs, f"breakdown_{metric}_{key}", title, key, values, previous, note,
                       metric=metric, shares=not parts, whole=whole)  # fmt: skip


def _media_breakdown(inputs: Inputs, metric: str, key: str) -> Block:
    """A media metric's breakdown summed over the period's media (additive metrics only)."""
    ds = inputs.current
    media_ids = {m.id for m in ds.media}
    observations = [o for o in ds.observations if o.metric == metric and o.object_id in media_ids]
    values, _ = totals.breakdown(observations, [key], additive=True)
    _, ngettext = inputs.fmt.gettext, inputs.fmt.ngettext
    title = f"{inputs.title('media', metric)}: {_(BREAKDOWN_TITLES.get(key, key))}"
    if not values:
        return Block(
            f"breakdown_{metric}_{key}",
            title,
            None,
            None,
            unavailable=_("No media of the period had this breakdown."),
        )
    posts = len({o.object_id for o in observations if o.dimensions})
    note = ngettext(
        "Summed over {count} post of the period.", "Summed over {count} posts of the period.", posts
    ).format(count=posts)
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
    _ = fmt.gettext
    columns = ["", _("Value"), _("Share")] if shares else ["", _("Value")]
    with_previous = bool(previous) and inputs.comparison_label is not None
    if with_previous:
        columns += [str(inputs.comparison_label), _("Change")]
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
