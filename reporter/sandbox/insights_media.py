"""``GET /{ig-media-id}/insights``: lifetime values with Meta's rules (seeds 000, 001).

Order of checks: metric names (unknown, removed, version), album children, media posted before
the business conversion, product type, breakdowns, Facebook-only metrics; then the story rules
(24 h window, fewer than 5 viewers) and availability (very fresh media: empty ``data``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from reporter.sandbox import errors
from reporter.sandbox.insights import (
    breakdown_block,
    check_breakdowns,
    entry,
    ordered_parts,
    resolve_metrics,
    split_list,
)
from reporter.sandbox.media import Media
from reporter.sandbox.world import World

FRESH = dt.timedelta(minutes=30)  # younger media has no insights yet: empty data, not 0
FACEBOOK_ONLY = ("crossposted_views", "facebook_views")


def media_insights(
    world: World,
    item: Media,
    params: Mapping[str, str],
    *,
    version: str,
    now: dt.datetime,
    login: str,
) -> dict[str, Any]:
    cat = world.catalogue
    names = split_list(params.get("metric"))
    metrics = resolve_metrics(cat, "media", names, login, version, now.date())
    if item.child:
        raise errors.album_child_insights()
    if item.before_conversion:
        raise errors.posted_before_conversion()
    for metric in metrics:
        if item.product not in metric.product_types:
            raise errors.metric_not_for_product_type(metric.name)
    breakdowns = split_list(params.get("breakdown"))
    check_breakdowns(cat, "media", metrics, breakdowns)
    for metric in metrics:
        if metric.name in FACEBOOK_ONLY and not item.shared_to_facebook:
            raise errors.not_shared_to_facebook()
    age = now - item.timestamp
    limits = cat.limits
    if item.product == "STORY" and age >= dt.timedelta(hours=limits.story_window_hours):
        return {"data": []}  # documented: story insights only for 24 h
    if age < FRESH:
        return {"data": []}
    values = world.media_values(item, now)
    if item.product == "STORY" and int(values.get("reach")) < limits.story_min_viewers:
        raise errors.not_enough_viewers()
    data: list[dict[str, Any]] = []
    for metric in metrics:
        value = values.get(metric.name)
        total = None
        if breakdowns:
            blocks = []
            for name in breakdowns:
                parts = values.parts.get((metric.name, name), {})
                order = cat.breakdowns[name].values
                # Meta's samples answer dimension values in lower case (seeds 000, 001)
                results = [((k.lower(),), v) for k, v in ordered_parts(parts, order)]
                blocks.append(breakdown_block([name], results))
            total = {"value": value, "breakdowns": blocks}
        data.append(entry(metric, item.id, "lifetime", values=[{"value": value}], total=total))
    return {"data": data}
