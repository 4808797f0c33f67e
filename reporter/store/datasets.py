"""Reading a unit back as a Dataset: its media (stories of its window included), observations
and what Meta would not give. A mixin of ``Store`` (database.py)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, select

from reporter.dataset import AccountInfo, Dataset, MediaItem, Observation, Unavailable
from reporter.dataset import merge_unavailable as _merge
from reporter.store import tables as t
from reporter.store.encoding import observation

STORIES = "stories"
_IN_LIMIT = 500  # ids in one ``IN (...)``: well under SQLite's 999 bound parameters of old


def iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


class DatasetMixin:
    if TYPE_CHECKING:

        def _read(self) -> contextlib.AbstractContextManager[Connection]: ...

    def unit_media(self, account_id: str, unit: str) -> list[MediaItem]:
        with self._read() as db:
            return _unit_media(db, account_id, unit)

    def thumbnails_for(self, dataset: Dataset) -> dict[str, bytes]:
        """A dataset's stored pictures by media id, and the profile picture as ``profile``
        (one read, not one a picture: it runs between the fetch and the renders)."""
        ids = [m.id for m in dataset.media] + [dataset.account.id]
        found: dict[str, bytes] = {}
        pictures = t.thumbnails
        with self._read() as db:
            for start in range(0, len(ids), _IN_LIMIT):
                chunk = ids[start : start + _IN_LIMIT]
                rows = db.execute(
                    select(pictures.c.object_id, pictures.c.data).where(
                        pictures.c.object_id.in_(chunk)
                    )
                )
                found.update((str(row[0]), bytes(row[1])) for row in rows)
        named = {m.id: found[m.id] for m in dataset.media if m.id in found}
        if dataset.account.id in found:
            named["profile"] = found[dataset.account.id]
        return named

    def load_dataset(self, account_id: str, unit: str) -> Dataset | None:
        """The stored dataset of a unit (None when never fetched), stories of its window
        included."""
        u, m = t.units, t.media
        with self._read() as db:
            head = db.execute(
                select(u.c.period_since, u.c.period_until, u.c.window_since, u.c.window_until,
                       u.c.api_version, u.c.timezone, u.c.started_at, u.c.completed_at,
                       u.c.notes).where(u.c.account_id == account_id, u.c.unit == unit)
            ).first()  # fmt: skip
            profile = db.execute(
                select(t.accounts.c.body).where(t.accounts.c.id == account_id)
            ).scalar()
            if head is None:
                return None
            media = _unit_media(db, account_id, unit)
            stories = db.execute(
                select(m.c.body).where(
                    m.c.account_id == account_id, m.c.product_type == "STORY",
                    m.c.timestamp >= head[2], m.c.timestamp < head[3],
                )
            ).scalars()  # fmt: skip
            media += [_media(body) for body in stories]
            story_ids = [item.id for item in media if item.product_type == "STORY"]
            observations = _rows(db, t.observations, account_id, unit, story_ids)
            unavailable = _rows(db, t.unavailable, account_id, unit, story_ids)
        account = AccountInfo(**json.loads(profile)) if profile else AccountInfo(account_id, "", "")
        return Dataset(
            account=account,
            since=dt.date.fromisoformat(head[0]),
            until=dt.date.fromisoformat(head[1]),
            fetched_at=dt.datetime.fromisoformat(head[7] or head[6]),
            media=tuple(sorted(set(media), key=lambda i: (i.timestamp, i.id))),
            observations=tuple(sorted(set(map(observation, observations)), key=_obs_order)),
            unavailable=_merge(
                sorted(
                    (Unavailable(**r) for r in unavailable),
                    key=lambda x: (x.object_id, x.metric, x.kind, x.reason),
                )
            ),
            api_version=head[4],
            timezone=head[5],
            notes=tuple(json.loads(head[8])),
        )


def _unit_media(db: Connection, account_id: str, unit: str) -> list[MediaItem]:
    u, m = t.unit_media, t.media
    bodies = db.execute(
        select(m.c.body)
        .join_from(u, m, m.c.id == u.c.media_id)
        .where(u.c.account_id == account_id, u.c.unit == unit)
    ).scalars()
    return sorted((_media(b) for b in bodies), key=lambda i: (i.timestamp, i.id))


def _rows(
    db: Connection, table: Table, account_id: str, unit: str, story_ids: Sequence[str]
) -> list[Mapping[str, Any]]:
    """The unit's rows of ``table``, and those of the stories unit for ``story_ids``."""
    c, m, o = t.calls, t.metrics, t.objects
    if table is t.observations:
        names: tuple[str, ...] = ("value", "end_time", "since", "until", "dimensions")
        query = (
            select(o.c.object_id, *(table.c[n] for n in names), m.c.metric, m.c.period,
                   m.c.metric_type, m.c.breakdown)
            .join_from(table, m, m.c.id == table.c.metric_id)
            .join_from(table, o, o.c.id == table.c.object)
        )  # fmt: skip
        object_id = o.c.object_id
    else:
        names = ("object_id", "metric", "reason", "code", "kind")
        query = select(*(table.c[n] for n in names))
        object_id = table.c.object_id
    query = query.join_from(table, c, c.c.id == table.c.call_id)
    found = db.execute(query.where(c.c.account_id == account_id, c.c.unit == unit))
    rows: list[Mapping[str, Any]] = [dict(r) for r in found.mappings()]
    for chunk in _chunks(story_ids, 500):
        found = db.execute(query.where(c.c.unit == STORIES, object_id.in_(chunk)))
        rows += [dict(r) for r in found.mappings()]
    return rows


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _media(text: str) -> MediaItem:
    raw = json.loads(text)
    raw["timestamp"] = dt.datetime.fromisoformat(raw["timestamp"])
    raw["children"] = tuple(raw.get("children") or ())
    return MediaItem(**raw)


def _obs_order(o: Observation) -> tuple[Any, ...]:
    never = ""
    return (o.object_id, o.metric, o.metric_type, iso(o.end_time) or never,
            iso(o.since) or never, o.breakdown, o.dimensions)  # fmt: skip
