"""Best weekday and hour to post: the publishing slot whose media did best on average.

Posts and reels of the period (stories left out: they are seen for 24 hours whatever the slot)
are grouped by their weekday or hour in the report's timezone; each group's average of
``media.rank_by`` decides, ties going to the larger group, then the earlier slot. The value
carries the sample ("5 of 23 posts and reels") so a winner of one post reads as what it is.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from zoneinfo import ZoneInfo

from reporter.dataset import Dataset, MediaItem
from reporter.derived import Definition
from reporter.derived.value import Value


def best_time(
    ds: Dataset,
    definition: Definition,
    rank_by: str,
    value_of: Callable[[MediaItem, str], float | None],
) -> Value:
    """The slot (weekday or hour, by ``definition.group``) whose posts and reels had the best
    average ``rank_by``; ``value_of`` gives one post's value of it."""
    zone = ZoneInfo(ds.timezone)
    items = [m for m in ds.media if m.product_type != "STORY"]
    groups: dict[int, list[float]] = {}
    for item in items:
        value = value_of(item, rank_by)
        if value is None:
            continue
        local = item.timestamp.astimezone(zone)
        slot = local.weekday() if definition.group == "weekday" else local.hour
        groups.setdefault(slot, []).append(value)
    if not groups:
        return Value(None, f"No post or reel of the period had {rank_by}.")
    slot, values = max(groups.items(), key=lambda kv: (sum(kv[1]) / len(kv[1]), len(kv[1]), -kv[0]))
    used = sum(len(v) for v in groups.values())
    label = calendar.day_name[slot] if definition.group == "weekday" else f"{slot:02d}:00"
    sample = f"{len(values)} of {used} posts and reels, by {rank_by}"
    return Value(float(slot), sample=sample, label=label)
