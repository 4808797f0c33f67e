"""Best weekday and hour to post: the publishing slot whose media did best on average.

Posts and reels of the period (stories left out: they are seen for 24 hours whatever the slot)
are grouped by their weekday or hour in the report's timezone; each group's average of
``media.rank_by`` decides, ties going to the larger group, then the earlier slot. The value
carries the sample ("5 of 23 posts and reels") so a winner of one post reads as what it is.
"""

from __future__ import annotations

import calendar
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from reporter.derived import Definition
    from reporter.derived.evaluate import Evaluator, Value


def best_time(evaluator: Evaluator, definition: Definition) -> Value:
    from reporter.derived.evaluate import Value

    ds, rank_by = evaluator.ds, evaluator.rank_by or "views"
    zone = ZoneInfo(ds.timezone)
    items = [m for m in ds.media if m.product_type != "STORY"]
    groups: dict[int, list[float]] = {}
    for item in items:
        if rank_by in evaluator.defs:
            value = evaluator.media(rank_by, item).value
        else:
            value = ds.total(item.id, rank_by)
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
