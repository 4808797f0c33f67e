"""The account month by month, for the report's history: each month's figures from the data
the store kept, or a gap with its reason (never a zero for a month nobody fetched).

Reach and other unique counts come from the month's own totals, never from adding days; the
follower count is the one Meta gave when the month was reported (the store keeps only the
latest profile, so a month without a report of its own has none)."""

from __future__ import annotations

from dataclasses import dataclass

from reporter.dataset import Dataset
from reporter.dataset.totals import account_total
from reporter.periods import Period

# (key, additive): the columns of the history, in order; "posts" counts the month's posts,
# reels and carousels (stories vanish from the listing after 24 hours, so they are left out).
METRICS: tuple[tuple[str, bool], ...] = (
    ("followers", False),
    ("reach", False),
    ("views", True),
    ("total_interactions", True),
    ("posts", True),
)


@dataclass(frozen=True)
class Month:
    period: Period
    values: tuple[float | None, ...] = ()  # one per METRICS; empty for a gap
    gap: str = ""  # why the month has no figures ("" when it has)
    partial: tuple[str, ...] = ()  # metrics whose total covers only part of the month


def figures(period: Period, ds: Dataset, *, followers: float | None) -> Month:
    """The month's figures from its dataset (``followers``: the count when it was reported)."""
    values: list[float | None] = []
    partial: list[str] = []
    for key, additive in METRICS:
        if key == "followers":
            values.append(followers)
        elif key == "posts":
            posts = [m for m in ds.media if m.product_type != "STORY"]
            values.append(float(len(posts)))
        else:
            total = account_total(ds, key, additive=additive)
            values.append(total.value)
            days = total.coverage.days
            if total.value is not None and days is not None and days < period.days:
                partial.append(key)
    return Month(period, tuple(values), partial=tuple(partial))


def gap(period: Period, reason: str) -> Month:
    return Month(period, gap=reason)
