"""Meta's JSON → dataset values (pure). What Meta did not deliver becomes ``Unavailable``.

Shapes (seeds 000, 001, 003): account totals in ``total_value.value`` with breakdowns in
``total_value.breakdowns[].results[].dimension_values``; time series in ``values[].end_time``;
media values in ``values[0].value`` (lifetime). Meta answers some dimension values in lower case
though it documents them upper case: values the catalogue knows are stored as the catalogue
spells them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from reporter.catalogue import Catalogue
from reporter.dataset import AccountInfo, MediaItem, Observation, Unavailable

EMPTY_REASON = "Meta returned no data for this metric and period"


def meta_time(text: str) -> dt.datetime:
    """``2026-10-05T14:03:11+0000`` → an aware UTC datetime."""
    return dt.datetime.fromisoformat(text.replace("+0000", "+00:00")).astimezone(dt.UTC)


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def account_info(body: Mapping[str, Any], account_id: str) -> AccountInfo:
    return AccountInfo(
        id=str(body.get("id") or account_id),
        username=str(body.get("username") or ""),
        name=str(body.get("name") or body.get("username") or ""),
        followers_count=_int(body.get("followers_count")),
        follows_count=_int(body.get("follows_count")),
        media_count=_int(body.get("media_count")),
        profile_picture_url=body.get("profile_picture_url"),
        biography=body.get("biography"),
        website=body.get("website"),
    )


def media_item(
    raw: Mapping[str, Any], account_id: str, *, listed_as: str = "FEED"
) -> MediaItem | None:
    """One item of a media or stories listing. Answers from before ``media_product_type``
    existed carry only ``media_type`` (IMAGE, VIDEO; some clients' records say STORY): an item
    of the ``/stories`` edge (``listed_as="STORY"``) is a story whatever it lacks."""
    media_type = str(raw.get("media_type") or "")
    product = str(raw.get("media_product_type") or "")
    if not product:
        product = "STORY" if media_type.upper() == "STORY" else listed_as
    if product == "AD" or "timestamp" not in raw:
        return None
    children = (raw.get("children") or {}).get("data") or []
    return MediaItem(
        id=str(raw["id"]),
        account_id=account_id,
        product_type="REELS" if product == "REEL" else product,
        media_type=media_type,
        timestamp=meta_time(str(raw["timestamp"])),
        permalink=raw.get("permalink"),
        caption=raw.get("caption"),
        media_url=raw.get("media_url"),
        thumbnail_url=raw.get("thumbnail_url"),
        like_count=_int(raw.get("like_count")),
        comments_count=_int(raw.get("comments_count")),
        children=tuple(str(c["id"]) for c in children if isinstance(c, dict) and "id" in c),
    )


def _dimension(cat: Catalogue, key: str, value: Any) -> tuple[str, str]:
    text = str(value)
    known = cat.breakdowns.get(key)
    if known is not None and text.upper() in known.values:
        text = text.upper()
    return key, text


def _breakdown_rows(
    cat: Catalogue, total: Mapping[str, Any], broken: list[str]
) -> Iterable[tuple[tuple[tuple[str, str], ...], float]]:
    """The rows of ``total_value.breakdowns``; a row that cannot be read (no value, or fewer
    ``dimension_values`` than ``dimension_keys``) is described in ``broken`` instead."""
    for block in total.get("breakdowns") or []:
        keys = list(block.get("dimension_keys") or [])
        for result in block.get("results") or []:
            values = result.get("dimension_values") or []
            value = result.get("value")
            if isinstance(value, int | float) and keys and len(values) == len(keys):
                dims = tuple(_dimension(cat, k, v) for k, v in zip(keys, values, strict=True))
                yield dims, float(value)
            else:
                broken.append(_broken_row(keys, values, value))


def _broken_row(keys: Sequence[str], values: Sequence[Any], value: Any) -> str:
    if not isinstance(value, int | float):
        return f"a part without a figure ({', '.join(map(str, values)) or 'unnamed'})"
    return f"{value:g} without the name of its part ({len(values)} of {len(keys)} names given)"


def _broken(object_id: str, metric: str, broken: Sequence[str]) -> list[Unavailable]:
    if not broken:
        return []
    rows = "; ".join(dict.fromkeys(broken))
    reason = (
        f"Meta answered part of this breakdown in a form that cannot be read, left out: {rows}."
    )
    return [Unavailable(object_id, metric, reason, kind="malformed")]


def _in_window(end: dt.datetime, since: dt.datetime | None, until: dt.datetime | None) -> bool:
    """Meta counts a day when its end lies in (since, until]; points outside are not asked for."""
    return (since is None or end > since) and (until is None or end <= until)


def _series(
    item: Mapping[str, Any],
    *,
    object_id: str,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> list[Observation]:
    """``values[]``: a number per day, or (online_followers) a map hour -> number per day,
    kept per day and hour, never summed over hours."""
    name, period = str(item.get("name")), str(item.get("period") or "day")
    rows: list[Observation] = []
    for point in item.get("values") or []:
        if not isinstance(point, Mapping) or not point.get("end_time"):
            continue
        end = meta_time(str(point["end_time"]))
        if not _in_window(end, since, until):
            continue
        value = point.get("value")
        if isinstance(value, Mapping):
            rows += [
                Observation(object_id, name, period, float(v), end_time=end,
                            dimensions=(("hour", str(h)),), metric_type="time_series")
                for h, v in value.items()
                if isinstance(v, int | float) and not isinstance(v, bool)
            ]  # fmt: skip
        elif isinstance(value, int | float) and not isinstance(value, bool):
            rows.append(
                Observation(object_id, name, period, float(value), end_time=end,
                            metric_type="time_series")
            )  # fmt: skip
    return rows


def account_insights(
    cat: Catalogue,
    body: Mapping[str, Any],
    *,
    object_id: str,
    metrics: Sequence[str],
    since: dt.datetime | None,
    until: dt.datetime | None,
    breakdown: str | None = None,
) -> tuple[list[Observation], list[Unavailable]]:
    """An account (or demographics) insights answer; requested metrics absent → unavailable.

    Read by the answer's shape (``values[]`` is a series, ``total_value`` a total over the
    window), since what Meta answers depends on the metric as much as on ``metric_type``.
    Every value of a call asked with a breakdown carries it: the call's undimensioned total is
    the breakdown's total, not a second total of the window (see ``Observation.breakdown``)."""
    observations: list[Observation] = []
    missing: list[Unavailable] = []
    seen: set[str] = set()
    tag = breakdown or ""
    for item in body.get("data") or []:
        name = str(item.get("name"))
        period = str(item.get("period") or "day")
        rows = _series(item, object_id=object_id, since=since, until=until)
        total = item.get("total_value") or {}
        if isinstance(total.get("value"), int | float):
            rows.append(
                Observation(object_id, name, period, float(total["value"]), since=since,
                            until=until, breakdown=tag)
            )  # fmt: skip
        broken: list[str] = []
        rows += [
            Observation(object_id, name, period, value, since=since, until=until,
                        dimensions=dims, breakdown=tag)
            for dims, value in _breakdown_rows(cat, total, broken)
        ]  # fmt: skip
        missing += _broken(object_id, name, broken)
        if rows:
            seen.add(name)
            observations += rows
    missing += [
        Unavailable(object_id, m, EMPTY_REASON, kind="empty") for m in metrics if m not in seen
    ]
    return observations, missing


def media_insights(
    cat: Catalogue, body: Mapping[str, Any], *, media_id: str, metrics: Sequence[str]
) -> tuple[list[Observation], list[Unavailable]]:
    observations: list[Observation] = []
    missing: list[Unavailable] = []
    seen: set[str] = set()
    for item in body.get("data") or []:
        name = str(item.get("name"))
        values = item.get("values") or []
        total = item.get("total_value") or {}
        value = values[0].get("value") if values else total.get("value")
        rows = []
        if isinstance(value, int | float):
            rows.append(
                Observation(media_id, name, "lifetime", float(value), metric_type="lifetime")
            )
        broken: list[str] = []
        rows += [
            Observation(media_id, name, "lifetime", v, dimensions=dims, metric_type="lifetime")
            for dims, v in _breakdown_rows(cat, total, broken)
        ]
        missing += _broken(media_id, name, broken)
        if rows:
            seen.add(name)
            observations += rows
    missing += [
        Unavailable(media_id, m, EMPTY_REASON, kind="empty") for m in metrics if m not in seen
    ]
    return observations, missing


def error_kind(code: int | None, subcode: int | None, message: str) -> str:
    """The ``Unavailable.kind`` for a Meta error that makes metrics unavailable."""
    lowered = message.lower()
    if code == 10 and "viewers" in lowered:
        return "not_enough_viewers"
    if code == 10 and "followers" in lowered:
        return "too_few_followers"
    if subcode == 2108006:
        return "before_conversion"
    if code == -1 and subcode == 2207086:
        return "not_shared_to_facebook"  # "Fatal" (reference: errors)
    if code == 100 and subcode == 33:
        return "missing"
    if code == 10 or (code is not None and 200 <= code <= 299):
        return "permission"  # 10 is "API Permission Denied" when it is not about viewers
    if "only supports querying data for the last" in lowered:
        return "history"
    return "error"
