"""Nodes and their ``fields``: the IG user, IG media, and field expansion
(``children{id,media_url}``, ``insights.metric(reach,saved)``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reporter.sandbox import errors
from reporter.sandbox.accounts import Account
from reporter.sandbox.media import Media
from reporter.sandbox.timefmt import meta_time


@dataclass(frozen=True)
class Field:
    name: str
    modifiers: dict[str, str] = field(default_factory=dict)  # insights.metric(a,b) -> metric: a,b
    sub: tuple[Field, ...] = ()


def parse_fields(text: str | None) -> list[Field]:
    """Meta's field syntax: ``a,b.mod(x,y){c,d}``; commas inside () and {} do not split."""
    if not text:
        return []
    out: list[Field] = []
    for chunk in _split(text):
        name, sub_text = chunk, ""
        if "{" in chunk and chunk.endswith("}"):
            name, sub_text = chunk[: chunk.index("{")], chunk[chunk.index("{") + 1 : -1]
        pieces = name.split(".")
        modifiers: dict[str, str] = {}
        for piece in pieces[1:]:
            if "(" in piece and piece.endswith(")"):
                key, arg = piece[: piece.index("(")], piece[piece.index("(") + 1 : -1]
                modifiers[key] = arg
        out.append(Field(pieces[0].strip(), modifiers, tuple(parse_fields(sub_text))))
    return out


def _split(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def render_user(
    account: Account,
    fields: list[Field],
    *,
    base_url: str,
    followers: int,
    media_count: Callable[[], int],
) -> dict[str, Any]:
    if not fields:
        return {"id": account.id}
    known: dict[str, Callable[[], Any]] = {
        "id": lambda: account.id,
        "ig_id": lambda: 1_000_000 + account.index * 7919,
        "user_id": lambda: account.id,
        "username": lambda: account.username,
        "name": lambda: account.name,
        "biography": lambda: account.biography,
        "website": lambda: account.website,
        "followers_count": lambda: followers,
        "follows_count": lambda: 150 + account.index * 37,
        "media_count": media_count,
        "profile_picture_url": lambda: f"{base_url}/_media/profile/{account.id}.png",
        "account_type": lambda: "BUSINESS",
    }
    out: dict[str, Any] = {}
    for f in fields:
        if f.name not in known:
            raise errors.nonexisting_field(f.name, "IGUser")
        out[f.name] = known[f.name]()
    out.setdefault("id", account.id)
    return out


MEDIA_FIELDS = (
    "id",
    "caption",
    "media_type",
    "media_product_type",
    "timestamp",
    "permalink",
    "shortcode",
    "media_url",
    "thumbnail_url",
    "like_count",
    "comments_count",
    "username",
    "owner",
    "is_comment_enabled",
    "children",
    "insights",
)


@dataclass(frozen=True)
class MediaContext:
    base_url: str
    like_count: Callable[[Media], int]
    comments_count: Callable[[Media], int]
    children: Callable[[Media], list[Media]]
    insights: Callable[[Media, dict[str, str]], dict[str, Any]]


def permalink(item: Media) -> str:
    if item.product == "STORY":
        return f"https://instagram.com/stories/{item.account.username}/{item.id}/"
    kind = "reel" if item.product == "REELS" else "p"
    return f"https://www.instagram.com/{kind}/{item.shortcode}/"


def render_media(item: Media, fields: list[Field], ctx: MediaContext) -> dict[str, Any]:
    if not fields:
        return {"id": item.id}
    out: dict[str, Any] = {}
    for f in fields:
        if f.name not in MEDIA_FIELDS:
            raise errors.nonexisting_field(f.name, "IGMedia")
        value = _media_field(item, f, ctx)
        if value is not None:
            out[f.name] = value
    out.setdefault("id", item.id)
    return out


def _media_field(item: Media, f: Field, ctx: MediaContext) -> Any:
    name = f.name
    if name == "id":
        return item.id
    if name == "caption":
        return item.caption
    if name == "media_type":
        return item.media_type
    if name == "media_product_type":
        return item.product
    if name == "timestamp":
        return meta_time(item.timestamp)
    if name == "permalink":
        return None if item.child else permalink(item)
    if name == "shortcode":
        return item.shortcode
    if name == "media_url":
        suffix = "mp4" if item.is_video else "png"
        return f"{ctx.base_url}/_media/{item.id}.{suffix}"
    if name == "thumbnail_url":  # observed: videos and reels only; images use media_url
        return f"{ctx.base_url}/_media/{item.id}_thumb.png" if item.is_video else None
    if name == "like_count":
        return None if item.product == "STORY" or item.child else ctx.like_count(item)
    if name == "comments_count":
        return None if item.product == "STORY" or item.child else ctx.comments_count(item)
    if name == "username":
        return item.account.username
    if name == "owner":
        return {"id": item.account.id}
    if name == "is_comment_enabled":
        return item.product != "STORY"
    if name == "children":
        if item.media_type != "CAROUSEL_ALBUM":
            return None
        sub = list(f.sub) or [Field("id")]
        return {"data": [render_media(c, sub, ctx) for c in ctx.children(item)]}
    if name == "insights":
        params = {k: v for k, v in f.modifiers.items() if k in ("metric", "breakdown", "period")}
        return ctx.insights(item, params)
    return None
