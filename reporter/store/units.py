"""Units and calls: which periods of which accounts were fetched, which calls are done, and the
calls' results written (raw answers, normalised rows, the calls marked done) a batch of calls
in one transaction: one commit per Graph batch rather than per call (a commit is a disk sync:
it was three quarters of the time of the example's fetch with nothing to wait for on the
network), and never a call half written. A mixin of ``Store`` (database.py)."""

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
from reporter.store.sql import ignore, insert_many, replace


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
                if redo is not None and not fresh:
                    mine = _unit(calls, account_id, unit)
                    db.execute(update(calls).where(*mine).values(generation=generation))
                    if redo:
                        db.execute(delete(calls).where(*mine, calls.c.call_key.in_(sorted(redo))))
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
        """Finished calls of one account in one transaction: each call's earlier rows replaced
        by its new ones and the call marked done, all or nothing. One statement per table for
        all of them (executemany): what a Graph batch brought costs one commit, not fifty."""
        if not done:
            return
        at = iso(now)
        # Thousands of rows share a few end times and dimensions: each written out once.
        text = _Memo(iso)
        dims = _Memo(json.dumps)
        snapshots: list[dict[str, Any]] = []
        observations: list[dict[str, Any]] = []
        unavailable: list[dict[str, Any]] = []
        media: dict[str, dict[str, Any]] = {}
        listed: dict[tuple[str, str], dict[str, Any]] = {}
        accounts: dict[str, dict[str, Any]] = {}
        calls: dict[tuple[str, str], dict[str, Any]] = {}
        for unit, generation, key, result in done:
            where = {"account_id": account_id, "unit": unit, "call_key": key}
            snapshots += (
                {**where, "asked_at": iso(asked), "outcome": outcome, "body": json.dumps(body)}
                for asked, outcome, body in result.snapshots
            )
            observations += (
                {**where, "object_id": o.object_id, "metric": o.metric, "period": o.period,
                 "value": o.value, "end_time": text(o.end_time), "since": text(o.since),
                 "until": text(o.until), "dimensions": dims(o.dimensions),
                 "metric_type": o.metric_type, "breakdown": o.breakdown}
                for o in result.observations
            )  # fmt: skip
            unavailable += (
                {**where, "object_id": u.object_id, "metric": u.metric, "reason": u.reason,
                 "code": u.code, "kind": u.kind}
                for u in result.unavailable
            )  # fmt: skip
            for m in result.media:
                body = json.dumps(asdict(m), default=iso)
                media[m.id] = {"id": m.id, "account_id": m.account_id, "body": body,
                               "product_type": m.product_type, "timestamp": iso(m.timestamp),
                               "fetched_at": at}  # fmt: skip
                if unit != STORIES:
                    listed[unit, m.id] = {"account_id": account_id, "unit": unit, "media_id": m.id}
            if (info := result.account) is not None:
                body = json.dumps(asdict(info))
                accounts[info.id] = {"id": info.id, "body": body, "fetched_at": at}
            calls[unit, key] = {**where, "generation": generation, "done_at": at}
        with self._transaction(durable=False) as db:  # a rerun fetches again what a power cut lost
            for unit in dict.fromkeys(unit for unit, *_ in done):
                keys = sorted({key for u, _, key, _ in done if u == unit})
                for table in (t.observations, t.unavailable):
                    for part in range(0, len(keys), _KEYS_PER_STATEMENT):
                        chosen = keys[part : part + _KEYS_PER_STATEMENT]
                        db.execute(delete(table).where(*_unit(table, account_id, unit),
                                                       table.c.call_key.in_(chosen)))  # fmt: skip
            for table, rows in ((t.snapshots, snapshots), (t.observations, observations),
                                (t.unavailable, unavailable)):  # fmt: skip
                if rows:
                    insert_many(db, table, rows)
            replace(db, t.media, list(media.values()))
            ignore(db, t.unit_media, list(listed.values()))
            replace(db, t.accounts, list(accounts.values()))
            replace(db, t.calls, list(calls.values()))

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
        """When each call of the unit's latest fetch was answered."""
        calls = t.calls
        with self._read() as db:
            rows = db.execute(
                select(calls.c.call_key, calls.c.done_at).where(*_unit(calls, account_id, unit))
            ).all()
        return {str(key): dt.datetime.fromisoformat(done) for key, done in rows}


def _unit(table: Any, account_id: str, unit: str) -> tuple[Any, ...]:
    return (table.c.account_id == account_id, table.c.unit == unit)


class _Memo(dict[Any, Any]):
    """``function(value)``, computed once per distinct value."""

    def __init__(self, function: Any) -> None:
        super().__init__()
        self._function = function

    def __call__(self, value: Any) -> Any:
        return self[value]

    def __missing__(self, value: Any) -> Any:
        found = self[value] = self._function(value)
        return found
