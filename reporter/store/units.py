"""Units and calls: which periods of which accounts were fetched, which calls are done, and
each call's result written in one transaction (the call marked done, its raw answer and
normalised rows under the call's id, replacing those of an earlier answer). A mixin of
``Store`` (database.py)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, select, update

from reporter.dataset import AccountInfo, MediaItem, Observation, Unavailable
from reporter.store import tables as t
from reporter.store.datasets import STORIES, iso
from reporter.store.encoding import (
    MetricKey,
    metric_key,
    metric_row,
    observation_row,
    snapshot_row,
    unavailable_row,
)
from reporter.store.sql import ignore, replace, upsert_id


@dataclass(frozen=True)
class UnitState:
    generation: int
    done: frozenset[str]  # call keys finished in this generation
    complete: bool


@dataclass(frozen=True)
class CallResult:
    """What one call brought: written together, or not at all."""

    snapshots: Sequence[tuple[dt.datetime, str, Any]] = ()  # (asked at, ok|error, body)
    observations: Sequence[Observation] = ()
    unavailable: Sequence[Unavailable] = ()
    media: Sequence[MediaItem] = ()
    account: AccountInfo | None = None


class UnitsMixin:
    if TYPE_CHECKING:

        def _read(self) -> contextlib.AbstractContextManager[Connection]: ...
        def _transaction(self) -> contextlib.AbstractContextManager[Connection]: ...

    def unit_complete(self, account_id: str, unit: str) -> bool:
        with self._read() as db:
            done = db.execute(
                select(t.units.c.completed_at).where(*_unit(t.units, account_id, unit))
            ).scalar()
        return bool(done)

    def begin_unit(
        self,
        account_id: str,
        unit: str,
        *,
        period: tuple[dt.date, dt.date],
        window: tuple[dt.datetime, dt.datetime],
        api_version: str,
        timezone: str,
        now: dt.datetime,
        fresh: bool,
        redo: frozenset[str] | None = None,
    ) -> UnitState:
        """Start (or resume) fetching a unit. ``fresh``: forget which calls were done before,
        else an unfinished earlier run is continued where it stopped. ``redo`` (a completed
        unit fetched again for Meta's late revisions): keep every call done before but these,
        whose rows stay until their new answer replaces them (the newest answer wins)."""
        calls = t.calls
        with self._transaction() as db:
            row = db.execute(
                select(t.units.c.generation, t.units.c.completed_at)
                .where(*_unit(t.units, account_id, unit))
                .with_for_update()
            ).first()
            generation = 1 if row is None else int(row[0])
            if row is not None and (fresh or row[1]):
                generation += 1
                if redo is not None and not fresh:  # the others stay done; redo's keep their id
                    kept = [*_unit(calls, account_id, unit)]
                    if redo:
                        kept.append(calls.c.call_key.notin_(sorted(redo)))
                    db.execute(update(calls).where(*kept).values(generation=generation))
            replace(db, t.units, {
                "account_id": account_id, "unit": unit, "period_since": iso(period[0]),
                "period_until": iso(period[1]), "window_since": iso(window[0]),
                "window_until": iso(window[1]), "api_version": api_version,
                "timezone": timezone, "generation": generation, "started_at": iso(now),
                "completed_at": None, "notes": "[]",
            })  # fmt: skip
            done = db.execute(
                select(calls.c.call_key).where(
                    *_unit(calls, account_id, unit), calls.c.generation == generation
                )
            ).scalars()
            keys = frozenset(str(k) for k in done)
        return UnitState(generation, keys, False)

    def record_call(
        self,
        account_id: str,
        unit: str,
        generation: int,
        call_key: str,
        result: CallResult,
        *,
        now: dt.datetime,
    ) -> None:
        with self._transaction() as db:
            call_id = done_call(db, account_id, unit, call_key, generation, now=now)
            for table in (t.observations, t.unavailable, t.snapshots):
                db.execute(delete(table).where(table.c.call_id == call_id))
            if result.snapshots:
                db.execute(t.snapshots.insert(), [
                    snapshot_row(call_id, at, outcome, body)
                    for at, outcome, body in result.snapshots
                ])  # fmt: skip
            if result.observations:
                ids, objects = (
                    metric_ids(db, result.observations),
                    object_ids(db, result.observations),
                )
                db.execute(t.observations.insert(), [
                    observation_row(o, call_id, objects[o.object_id], ids[metric_key(o)])
                    for o in result.observations
                ])  # fmt: skip
            if result.unavailable:
                db.execute(
                    t.unavailable.insert(),
                    [unavailable_row(u, call_id) for u in result.unavailable],
                )
            replace(db, t.media, [
                {"id": m.id, "account_id": m.account_id, "product_type": m.product_type,
                 "timestamp": iso(m.timestamp), "body": json.dumps(asdict(m), default=iso),
                 "fetched_at": iso(now)}
                for m in {m.id: m for m in result.media}.values()
            ])  # fmt: skip
            if unit != STORIES:
                ignore(db, t.unit_media, [
                    {"account_id": account_id, "unit": unit, "media_id": m}
                    for m in dict.fromkeys(m.id for m in result.media)
                ])  # fmt: skip
            if result.account is not None:
                replace(db, t.accounts, {"id": result.account.id, "fetched_at": iso(now),
                                         "body": json.dumps(asdict(result.account))})  # fmt: skip

    def complete_unit(
        self, account_id: str, unit: str, *, now: dt.datetime, notes: Sequence[str] = ()
    ) -> None:
        with self._transaction() as db:
            db.execute(
                update(t.units)
                .where(*_unit(t.units, account_id, unit))
                .values(completed_at=iso(now), notes=json.dumps(list(notes)))
            )

    def call_times(self, account_id: str, unit: str) -> dict[str, dt.datetime]:
        """When each call of the unit was last answered."""
        calls = t.calls
        with self._read() as db:
            rows = db.execute(
                select(calls.c.call_key, calls.c.done_at).where(*_unit(calls, account_id, unit))
            ).all()
        return {str(key): dt.datetime.fromisoformat(done) for key, done in rows}


def done_call(
    db: Connection, account_id: str, unit: str, call_key: str, generation: int, *, now: dt.datetime
) -> int:
    """Mark a call done in ``generation``; its id, which the rows it brought are stored under
    (the same id each time the call is answered again)."""
    row = {"account_id": account_id, "unit": unit, "call_key": call_key,
           "generation": generation, "done_at": iso(now)}  # fmt: skip
    return upsert_id(db, t.calls, row, keys=("account_id", "unit", "call_key"))


def metric_ids(db: Connection, observations: Sequence[Observation]) -> dict[MetricKey, int]:
    """The id of what each observation measures (new ones added)."""
    keys = dict.fromkeys(metric_key(o) for o in observations)
    names = ("metric", "period", "metric_type", "breakdown")
    return {key: upsert_id(db, t.metrics, metric_row(key), keys=names) for key in keys}


def object_ids(db: Connection, observations: Sequence[Observation]) -> dict[str, int]:
    """The id of the account or media each observation is of (new ones added)."""
    found = dict.fromkeys(o.object_id for o in observations)
    return {o: upsert_id(db, t.objects, {"object_id": o}, keys=("object_id",)) for o in found}


def _unit(table: Any, account_id: str, unit: str) -> tuple[Any, ...]:
    return (table.c.account_id == account_id, table.c.unit == unit)
