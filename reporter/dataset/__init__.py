"""The normalised dataset: what a fetch produced for one account, and what a report renders.

Plain frozen values with a lossless JSON form (`to_json` / `from_json`), shared by the fetcher,
the store, the renderer and `reporter fetch --json`. Nothing here talks to the outside world.

Observations keep Meta's granularity honest:
- a time-series value has an ``end_time`` (Meta's day ends at midnight Pacific time);
- a total over a window has ``since``/``until`` (the window asked for, UTC);
- a media value is lifetime and has neither;
- a breakdown value carries its dimensions, e.g. (("follow_type", "FOLLOWER"),);
- every value of an account call asked with a breakdown names it in ``breakdown``: Meta answers
  such a call with the window's total too (``total_value.value``, seed 003's sample: 224), which
  is the breakdown's total, not a second total of the window.
A metric Meta did not deliver is an ``Unavailable`` with Meta's reason, never a 0.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any, Literal
from zoneinfo import ZoneInfo

SCHEMA_VERSION = 1
# Meta's account days end at midnight Pacific time (``end_time`` 07:00 or 08:00 UTC); Meta counts
# a day in a request when its end lies in (since, until] (docs: account insights; the sandbox
# serves the same). The planner asks for the Pacific days with the period's dates.
META_TIMEZONE = "America/Los_Angeles"
_PACIFIC = ZoneInfo(META_TIMEZONE)

Dimensions = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AccountInfo:
    id: str
    username: str
    name: str
    followers_count: int | None = None
    follows_count: int | None = None
    media_count: int | None = None
    profile_picture_url: str | None = None
    biography: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class MediaItem:
    id: str
    account_id: str
    product_type: str  # FEED | REELS | STORY (Meta's media_product_type; AD excluded)
    media_type: str  # IMAGE | VIDEO | CAROUSEL_ALBUM
    timestamp: dt.datetime  # UTC
    permalink: str | None = None
    caption: str | None = None
    media_url: str | None = None
    thumbnail_url: str | None = None
    like_count: int | None = None
    comments_count: int | None = None
    children: tuple[str, ...] = ()

    @property
    def preview_url(self) -> str | None:
        """The picture to show: videos and reels have a thumbnail, images only a media_url."""
        return self.thumbnail_url or self.media_url


@dataclass(frozen=True)
class Observation:
    object_id: str  # account id or media id
    metric: str
    period: str  # day | lifetime | week | days_28
    value: float
    end_time: dt.datetime | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    dimensions: Dimensions = ()
    metric_type: Literal["total_value", "time_series", "lifetime"] = "total_value"
    breakdown: str = ""  # the breakdown the account call was asked with; "" for a plain call

    @property
    def meta_days(self) -> tuple[dt.date, dt.date] | None:
        """The Pacific calendar days (first, last) this value covers; None for lifetime."""
        if self.end_time is not None:
            day = meta_day_ending(self.end_time)
            return day, day
        if self.since is not None and self.until is not None:
            return meta_days(self.since, self.until)
        return None


@dataclass(frozen=True)
class Unavailable:
    object_id: str
    metric: str
    reason: str  # a sentence for the report's notes, e.g. Meta's message
    code: int | None = None  # Meta's error code (10, 100, 190 ...) when there was one
    kind: str = "error"  # error | empty | not_enough_viewers | expired | too_few_followers ...


@dataclass(frozen=True)
class Dataset:
    account: AccountInfo
    since: dt.date  # the report period, in the spec's timezone, both days included
    until: dt.date
    fetched_at: dt.datetime
    media: tuple[MediaItem, ...] = ()
    observations: tuple[Observation, ...] = ()
    unavailable: tuple[Unavailable, ...] = ()
    api_version: str = ""
    timezone: str = "UTC"
    notes: tuple[str, ...] = field(default=())  # run-level remarks (rate limit hit, ...)

    # Queries the renderer and derived metrics use: a report asks thousands of them (each
    # media's figures), so they look up an index built on the first one, not every observation.

    @functools.cached_property
    def _by_object(self) -> dict[tuple[str, str], tuple[Observation, ...]]:
        index: dict[tuple[str, str], list[Observation]] = {}
        for o in self.observations:
            index.setdefault((o.object_id, o.metric), []).append(o)
        return {key: tuple(found) for key, found in index.items()}

    @functools.cached_property
    def _unavailable_by_object(self) -> dict[tuple[str, str], Unavailable]:
        index: dict[tuple[str, str], Unavailable] = {}
        for u in self.unavailable:
            index.setdefault((u.object_id, u.metric), u)  # the first, as a scan would find
        return index

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (to a render worker) without the indexes: they are rebuilt there."""
        state = dict(self.__dict__)
        state.pop("_by_object", None)
        state.pop("_unavailable_by_object", None)
        return state

    def for_object(self, object_id: str, metric: str) -> Iterator[Observation]:
        return iter(self._by_object.get((object_id, metric), ()))

    def total(self, object_id: str, metric: str) -> float | None:
        """The single undimensioned total of ``metric`` for an object, or None."""
        values = [
            o.value
            for o in self.for_object(object_id, metric)
            if not o.dimensions and o.metric_type != "time_series" and not o.breakdown
        ]
        return values[0] if len(values) == 1 else None

    def series(self, object_id: str, metric: str) -> list[Observation]:
        return sorted(
            (o for o in self.for_object(object_id, metric) if o.metric_type == "time_series"),
            key=lambda o: o.end_time or dt.datetime.min.replace(tzinfo=dt.UTC),
        )

    def meta_days(self) -> tuple[dt.date, dt.date] | None:
        """The Pacific days (first, last) the account's daily figures cover, or None.

        Derived from the windows and end times Meta answered for, so it is exact for datasets
        fetched before the planner asked for Pacific days too (those cover e.g. 30 September to
        30 October for a Berlin October)."""
        spans = [
            days
            for o in self.observations
            if o.object_id == self.account.id and (days := o.meta_days) is not None
        ]
        if not spans:
            return None
        return min(s[0] for s in spans), max(s[1] for s in spans)

    def reason_unavailable(self, object_id: str, metric: str) -> Unavailable | None:
        return self._unavailable_by_object.get((object_id, metric))

    # Lossless JSON.

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(
            {"schema_version": SCHEMA_VERSION, **_encode(self)},
            default=_encode,
            indent=indent,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Dataset:
        raw = json.loads(text)
        if raw.pop("schema_version", None) != SCHEMA_VERSION:
            raise ValueError("dataset JSON of an unknown schema version")
        return cls(
            account=AccountInfo(**raw["account"]),
            since=dt.date.fromisoformat(raw["since"]),
            until=dt.date.fromisoformat(raw["until"]),
            fetched_at=dt.datetime.fromisoformat(raw["fetched_at"]),
            media=tuple(_media(m) for m in raw["media"]),
            observations=tuple(_observation(o) for o in raw["observations"]),
            unavailable=tuple(Unavailable(**u) for u in raw["unavailable"]),
            api_version=raw.get("api_version", ""),
            timezone=raw.get("timezone", "UTC"),
            notes=tuple(raw.get("notes", ())),
        )


def meta_day_ending(end_time: dt.datetime) -> dt.date:
    """The Pacific day a daily value with this ``end_time`` (midnight Pacific after it) is."""
    return (end_time.astimezone(_PACIFIC) - dt.timedelta(microseconds=1)).date()


def meta_days(since: dt.datetime, until: dt.datetime) -> tuple[dt.date, dt.date]:
    """The Pacific days Meta counts for a request's ``since``/``until``: those whose end is in
    (since, until]."""
    first = since.astimezone(_PACIFIC).date()
    last = until.astimezone(_PACIFIC).date() - dt.timedelta(days=1)
    return first, last


def _encode(value: Any) -> Any:
    """What ``dataclasses.asdict`` gives, one level at a time as json meets each value (a
    third of its time: it copies every tuple and value first)."""
    names = _FIELDS.get(type(value))
    if names is not None:
        return {name: getattr(value, name) for name in names}
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


_FIELDS: dict[type, tuple[str, ...]] = {
    kind: tuple(f.name for f in fields(kind))
    for kind in (AccountInfo, MediaItem, Observation, Unavailable, Dataset)
}


def _parse_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _media(raw: dict[str, Any]) -> MediaItem:
    raw = dict(raw, timestamp=dt.datetime.fromisoformat(raw["timestamp"]))
    raw["children"] = tuple(raw.get("children", ()))
    return MediaItem(**raw)


def _observation(raw: dict[str, Any]) -> Observation:
    return Observation(
        object_id=raw["object_id"],
        metric=raw["metric"],
        period=raw["period"],
        value=raw["value"],
        end_time=_parse_time(raw.get("end_time")),
        since=_parse_time(raw.get("since")),
        until=_parse_time(raw.get("until")),
        dimensions=tuple((str(k), str(v)) for k, v in raw.get("dimensions", ())),
        metric_type=raw.get("metric_type", "total_value"),
        breakdown=raw.get("breakdown", ""),
    )


def merge_unavailable(items: Iterable[Unavailable]) -> tuple[Unavailable, ...]:
    """One entry per (object, metric): the first reason recorded wins."""
    seen: dict[tuple[str, str], Unavailable] = {}
    for item in items:
        seen.setdefault((item.object_id, item.metric), item)
    return tuple(seen.values())
