"""Units and calls: which periods of which accounts were fetched, which calls are done, and the
calls' results written (the calls marked done, their raw answers and normalised rows under each
call's id, replacing those of an earlier answer) a batch of calls in one transaction: one commit
per Graph batch rather than per call (a commit is a disk sync: it was three quarters of the
time of the example's fetch with nothing to wait for on the network), and never a call half
written. A mixin of ``Store`` (database.py)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

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
from reporter.store.sql import ignore, insert_many, replace, upsert_id


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


class Done(NamedTuple):
    """A finished call, to be written: its unit, the unit's generation, its key, its result."""

    unit: str
    generation: int
    key: str
    result: CallResult


_KEYS_PER_STATEMENT = 500  # call keys in one ``IN (…)``: well inside SQLite's 32,766 parameters


class UnitsMixin:
    if TYPE_CHECKING:

        def _read(self) -> contextlib.AbstractContextManager[Connection]: ...
        def _transaction(
            self, *, durable: bool = True
        ) -> contextlib.AbstractContextManager[Connection]: ...

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
        self.record_calls(account_id, [Done(unit, generation, call_key, result)], now=now)

    def record_calls(self, account_id: str, done: Sequence[Done], *, now: dt.datetime) -> None:
        """Finished calls of one account in one transaction: each call marked done, its earlier
        rows replaced by its new ones, all or nothing. One statement per table for all of them
        (executemany, COPY on PostgreSQL): what a Graph batch brought costs one commit, not
        fifty."""
        latest = {(d.unit, d.key): d for d in done}  # a call answered twice: its last answer
        if not latest:
            return
        at = iso(now)
        media: dict[str, dict[str, Any]] = {}
        listed: dict[tuple[str, str], dict[str, Any]] = {}
        accounts: dict[str, dict[str, Any]] = {}
        for unit, _, _, result in latest.values():
            for m in result.media:
                media[m.id] = {"id": m.id, "account_id": m.account_id, "fetched_at": at,
                               "product_type": m.product_type, "timestamp": iso(m.timestamp),
                               "body": json.dumps(asdict(m), default=iso)}  # fmt: skip
                if unit != STORIES:
                    listed[unit, m.id] = {"account_id": account_id, "unit": unit, "media_id": m.id}
            if (info := result.account) is not None:
                accounts[info.id] = {"id": info.id, "fetched_at": at,
                                     "body": json.dumps(asdict(info))}  # fmt: skip
        every = [o for d in latest.values() for o in d.result.observations]
        with self._transaction(durable=False) as db:  # a rerun fetches again what a power cut lost
            ids, objects = metric_ids(db, every), object_ids(db, every)
            calls = [
                (done_call(db, account_id, d.unit, d.key, d.generation, now=now), d.result)
                for d in latest.values()
            ]
            call_ids = [call_id for call_id, _ in calls]
            for table in (t.observations, t.unavailable, t.snapshots):
                for part in range(0, len(call_ids), _KEYS_PER_STATEMENT):
                    chosen = call_ids[part : part + _KEYS_PER_STATEMENT]
                    db.execute(delete(table).where(table.c.call_id.in_(chosen)))
            insert_many(db, t.snapshots, [
                snapshot_row(call_id, asked, outcome, body)
                for call_id, result in calls for asked, outcome, body in result.snapshots
            ])  # fmt: skip
            insert_many(db, t.observations, [
                observation_row(o, call_id, objects[o.object_id], ids[metric_key(o)])
                for call_id, result in calls for o in result.observations
            ])  # fmt: skip
            insert_many(db, t.unavailable, [
                unavailable_row(u, call_id) for call_id, result in calls for u in result.unavailable
            ])  # fmt: skip
            replace(db, t.media, list(media.values()))
            ignore(db, t.unit_media, list(listed.values()))
            replace(db, t.accounts, list(accounts.values()))

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
