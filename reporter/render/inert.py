"""Meta's text made printable: control characters out of captions, names, bios and labels.

A caption is whatever its author typed, and Meta passes on NUL, ESC and the C1 controls as they
came. In a PDF they draw as boxes or break the text layer, in an e-mail a mail client may show
them raw, and on a terminal an ESC starts an escape sequence. They are removed once, where the
stored dataset enters a report (``make_inputs``) and where an e-mail's text is finished, so data
fetched before this rule existed is covered too; the store keeps what Meta sent.
"""

from __future__ import annotations

import dataclasses
import re

from reporter.dataset import AccountInfo, Dataset, MediaItem, Observation

# C0 controls but tab and newline, DEL, the C1 controls (U+0080–U+009F) and lone surrogates
# (which no encoder writes: a PDF or an e-mail part would fail on them).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` without control characters; tab and newline stay."""
    return _CONTROL.sub("", text)


def _clean(text: str | None) -> str | None:
    return None if text is None else printable(text)


def _dirty(text: str | None) -> bool:
    return text is not None and _CONTROL.search(text) is not None


def dataset(ds: Dataset) -> Dataset:
    """``ds`` with every text Meta wrote made printable (items without any are kept as they are)."""
    media = tuple(_media(m) for m in ds.media)
    observations = tuple(_observation(o) for o in ds.observations)
    unavailable = tuple(
        dataclasses.replace(u, reason=printable(u.reason)) if _dirty(u.reason) else u
        for u in ds.unavailable
    )
    return dataclasses.replace(
        ds,
        account=_account(ds.account),
        media=media,
        observations=observations,
        unavailable=unavailable,
        notes=tuple(printable(n) for n in ds.notes),
    )


def _account(info: AccountInfo) -> AccountInfo:
    texts = (info.username, info.name, info.biography, info.website, info.profile_picture_url)
    if not any(_dirty(t) for t in texts):
        return info
    return dataclasses.replace(
        info,
        username=printable(info.username),
        name=printable(info.name),
        biography=_clean(info.biography),
        website=_clean(info.website),
        profile_picture_url=_clean(info.profile_picture_url),
    )


def _media(item: MediaItem) -> MediaItem:
    texts = (item.caption, item.permalink, item.media_url, item.thumbnail_url)
    if not any(_dirty(t) for t in texts):
        return item
    return dataclasses.replace(
        item,
        caption=_clean(item.caption),
        permalink=_clean(item.permalink),
        media_url=_clean(item.media_url),
        thumbnail_url=_clean(item.thumbnail_url),
    )


def _observation(o: Observation) -> Observation:
    if not any(_dirty(key) or _dirty(value) for key, value in o.dimensions):
        return o
    dimensions = tuple((printable(k), printable(v)) for k, v in o.dimensions)
    return dataclasses.replace(o, dimensions=dimensions)


# A post's permalink is Meta's ("Permanent URL to the media", IG Media reference), e.g.
# https://www.instagram.com/p/DBr7QmXsLw1/ in recorded listings (tests/conformance/listing.json).
# Only such a URL becomes a link in a report: a javascript:, data: or look-alike host never does.
_POST_URL = re.compile(r"^https://(?:www\.)?instagram\.com/[A-Za-z0-9_./?=&%-]*$")


def post_link(permalink: str | None) -> str:
    """The permalink when it is an https link to Instagram, else "" (no link)."""
    if permalink and _POST_URL.match(permalink) and len(permalink) <= 300:
        return permalink
    return ""
