"""Which posts a campaign (``[[media.campaigns]]``) chooses: the one definition, used by the
validator's examples, the report and its tests."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from reporter.dataset import MediaItem
from reporter.spec.models import Campaign

# A hashtag as Instagram writes it: letters, digits, underscores (any script), after a '#'.
HASHTAG = re.compile(r"#(\w+)", re.UNICODE)
MEDIA_ID = re.compile(r"^\d{5,25}$")
PERMALINK = re.compile(r"^https://(www\.)?instagram\.com/(p|reel|tv|stories/[^/]+)/[^/?#\s]+/?$")


def hashtags(caption: str | None) -> set[str]:
    """The hashtags of a caption, lower-cased, without their '#'."""
    return {tag.casefold() for tag in HASHTAG.findall(caption or "")}


def _permalink_key(url: str) -> str:
    return url.strip().rstrip("/").casefold().replace("://instagram.com/", "://www.instagram.com/")


def matches(campaign: Campaign, item: MediaItem, timezone: str) -> bool:
    """Does ``item`` belong to ``campaign``?"""
    day = item.timestamp.astimezone(ZoneInfo(timezone)).date()
    if (campaign.since and day < campaign.since) or (campaign.until and day > campaign.until):
        return False
    if not (campaign.media or campaign.hashtags or campaign.caption):
        return True
    ids = {m.strip() for m in campaign.media if MEDIA_ID.match(m.strip())}
    links = {_permalink_key(m) for m in campaign.media if not MEDIA_ID.match(m.strip())}
    if item.id in ids or (item.permalink and _permalink_key(item.permalink) in links):
        return True
    wanted = {tag.lstrip("#").casefold() for tag in campaign.hashtags}
    if wanted & hashtags(item.caption):
        return True
    text = (item.caption or "").casefold()
    return any(part.casefold() in text for part in campaign.caption if part.strip())


def chosen(campaign: Campaign, media: Iterable[MediaItem], timezone: str) -> list[MediaItem]:
    return [m for m in media if matches(campaign, m, timezone)]


def in_range(campaign: Campaign, since: dt.date, until: dt.date) -> bool:
    """Does the campaign's date sub-range overlap the period ``since``–``until``?"""
    return not (
        (campaign.since is not None and campaign.since > until)
        or (campaign.until is not None and campaign.until < since)
    )
