"""Edges that list media: ``/{ig-user-id}/media`` (cursor paging, ``since``/``until``),
``/{ig-user-id}/stories`` and ``/{ig-media-id}/children``.

Cursors are opaque base64 strings naming the media at the page's edge, so paging is stable while
the clock moves: new posts appear before page one, never in the middle of a walk.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import itertools
from collections.abc import Callable, Mapping
from typing import Any

from reporter.sandbox import errors
from reporter.sandbox.accounts import Account
from reporter.sandbox.media import Media
from reporter.sandbox.timefmt import parse_time
from reporter.sandbox.world import World

DEFAULT_LIMIT = 25
Render = Callable[[Media], dict[str, Any]]
LinkMaker = Callable[[dict[str, str]], str]
END = 10**6  # a sequence number after every real one


def encode_cursor(item: Media) -> str:
    return base64.urlsafe_b64encode(f"QVFI:sbx:{item.id}".encode()).decode().rstrip("=")


def decode_cursor(world: World, text: str, now: dt.datetime) -> Media:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        raw = ""
    item = world.find_media(raw.rpartition(":")[2], now) if raw.startswith("QVFI:sbx:") else None
    if item is None:
        raise errors.invalid_param("Invalid cursor")
    return item


def _limit(params: Mapping[str, str], ceiling: int) -> int:
    text = params.get("limit", "")
    if not text:
        return DEFAULT_LIMIT
    if not text.isdigit():
        raise errors.invalid_param("The parameter limit must be a positive integer")
    return max(1, min(int(text), ceiling))


def _bound(params: Mapping[str, str], key: str) -> dt.datetime | None:
    text = params.get(key)
    if not text:
        return None
    when = parse_time(text)
    if when is None:
        raise errors.invalid_param(f"The parameter {key} must be a valid unix timestamp")
    return when


def media_list(
    world: World,
    account: Account,
    params: Mapping[str, str],
    *,
    now: dt.datetime,
    render: Render,
    link: LinkMaker,
) -> dict[str, Any]:
    limit = _limit(params, world.catalogue.limits.media_page_max)
    since, until = _bound(params, "since"), _bound(params, "until")
    top = (until, END) if until else (now, END)
    floor = since
    newer_exist = False
    if params.get("before"):
        pivot = decode_cursor(world, params["before"], now)
        newer = [
            m
            for m in itertools.islice(
                world.posts_after(account, (pivot.timestamp, pivot.seq), now), limit + 1
            )
            if until is None or m.timestamp <= until
        ]
        newer_exist = len(newer) > limit
        page = list(reversed(newer[:limit]))
        older_exist = True
    else:
        if params.get("after"):
            pivot = decode_cursor(world, params["after"], now)
            top = min(top, (pivot.timestamp, pivot.seq))
            newer_exist = True
        found = list(itertools.islice(world.posts_before(account, top, now, floor), limit + 1))
        older_exist = len(found) > limit
        page = found[:limit]
    body: dict[str, Any] = {"data": [render(m) for m in page]}
    if page:
        paging: dict[str, Any] = {
            "cursors": {"before": encode_cursor(page[0]), "after": encode_cursor(page[-1])}
        }
        base = {k: v for k, v in params.items() if k not in ("after", "before", "access_token")}
        if newer_exist:
            paging["previous"] = link({**base, "before": encode_cursor(page[0])})
        if older_exist:
            paging["next"] = link({**base, "after": encode_cursor(page[-1])})
        body["paging"] = paging
    return body


def stories(world: World, account: Account, *, now: dt.datetime, render: Render) -> dict[str, Any]:
    live = world.live_stories(account, now)
    body: dict[str, Any] = {"data": [render(m) for m in live]}
    if live:
        body["paging"] = {
            "cursors": {"before": encode_cursor(live[0]), "after": encode_cursor(live[-1])}
        }
    return body


def children(world: World, album: Media, *, render: Render) -> dict[str, Any]:
    return {"data": [render(c) for c in world.children(album)]}
