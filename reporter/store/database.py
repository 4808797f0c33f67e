"""The local store: the only module that imports sqlite3.

One SQLite file (WAL), schema versioned by ``PRAGMA user_version`` with forward-only migrations,
created atomically (built beside its final name, then renamed). Writers hold an exclusive lock
file for the whole run, so overlapping cron jobs cannot interleave: the second waits
``lock_timeout`` seconds, then stops with a clear message. Every call's result is written in one
transaction (raw answer, normalised rows, the call marked done), so a run killed at any point
leaves a store that opens, and a rerun continues from the last finished call.

A unit is one account over one period (``2026-10``, ``2026-10-01..2026-10-15``, or ``day:DATE``
for the daily collect); ``stories`` is the unit story insights live in, newest answer winning.

What the machine refuses (a full disk, a read-only or damaged file) comes out of every method
as a StoreError naming the file and the fix (``store_error``), never as a bare sqlite3 error;
a failed transaction is rolled back, so what was stored before it is kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from reporter.dataset import (
    AccountInfo,
    Dataset,
    MediaItem,
    Observation,
    Unavailable,
    merge_unavailable,
)
from reporter.store.ledger import LedgerMixin
from reporter.store.lock import StoreBusy, StoreError
from reporter.store.lock import lock as _lock
from reporter.store.review import ReviewMixin
from reporter.store.schema import MIGRATIONS

__all__ = [
    "MIGRATIONS",
    "STORIES",
    "ArchivedRender",
    "CallResult",
    "Store",
    "StoreBusy",
    "StoreError",
    "UnitState",
]

STORIES = "stories"


@dataclass(frozen=True)
class UnitState:
    generation: int
    done: frozenset[str]  # call keys finished in this generation
    complete: bool


@dataclass(frozen=True)
class ArchivedRender:
    current: Dataset
    previous: Dataset | None
    commentary: str | None
    rendered_at: dt.datetime


@dataclass(frozen=True)
class CallResult:
    """What one call brought: written together, or not at all."""

    snapshots: Sequence[tuple[dt.datetime, str, Any]] = ()  # (asked at, ok|error, body)
    observations: Sequence[Observation] = ()
    unavailable: Sequence[Unavailable] = ()
    media: Sequence[MediaItem] = ()
    account: AccountInfo | None = None


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


class Store(LedgerMixin, ReviewMixin):
    """Open with ``Store.open(path)`` (a writer, locked) or ``Store.open(path, write=False)``."""

    def __init__(self, path: Path, connection: sqlite3.Connection, lock_fd: int | None) -> None:
        self.path = path
        self._db = connection
        self._lock_fd = lock_fd
        self._mutex = _Guard(path)

    # --- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, write: bool = True, lock_timeout: float = 10.0) -> Store:
        path = path.expanduser()
        lock_fd = None
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Lock the file itself, not the name it was reached by: the same store through a
            # symlink (or a relative path) is still one store with one writer.
            real = path.resolve()
            lock_fd = _lock(real.with_name(real.name + ".lock"), lock_timeout)
        elif not path.exists():
            connection = sqlite3.connect(":memory:", check_same_thread=False)
            _migrate(connection)
            return cls(path, connection, None)
        try:
            with _Guard(path):
                if write and not path.exists():
                    _create(path)
                connection = sqlite3.connect(path, check_same_thread=False, timeout=30)
                connection.execute("PRAGMA busy_timeout = 30000")
                connection.execute("PRAGMA foreign_keys = ON")
                _migrate(connection)
        except BaseException:
            if lock_fd is not None:
                os.close(lock_fd)
            raise
        return cls(path, connection, lock_fd)

    def close(self) -> None:
        with self._mutex:
            self._db.close()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._mutex:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:  # SQLite rolls back by itself on a full disk
                    self._db.execute("ROLLBACK")
                raise

    # --- units and calls -----------------------------------------------------------------------

    def unit_complete(self, account_id: str, unit: str) -> bool:
        with self._mutex:
            row = self._db.execute(
                "SELECT completed_at FROM units WHERE account_id = ? AND unit = ?",
                (account_id, unit),
            ).fetchone()
        return bool(row and row[0])

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
        with self._transaction() as db:
            row = db.execute(
                "SELECT generation, completed_at FROM units WHERE account_id = ? AND unit = ?",
                (account_id, unit),
            ).fetchone()
            generation = 1 if row is None else int(row[0])
            if row is not None and (fresh or row[1]):
                generation += 1
                if redo is not None and not fresh:
                    db.execute(
                        "UPDATE calls SET generation = ? WHERE account_id = ? AND unit = ?",
                        (generation, account_id, unit),
                    )
                    db.executemany(
                        "DELETE FROM calls WHERE account_id = ? AND unit = ? AND call_key = ?",
                        [(account_id, unit, key) for key in sorted(redo)],
                    )
            db.execute(
                "INSERT OR REPLACE INTO units VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '[]')",
                (account_id, unit, _iso(period[0]), _iso(period[1]), _iso(window[0]),
                 _iso(window[1]), api_version, timezone, generation, _iso(now)),
            )  # fmt: skip
            done = db.execute(
                "SELECT call_key FROM calls WHERE account_id = ? AND unit = ? AND generation = ?",
                (account_id, unit, generation),
            ).fetchall()
        return UnitState(generation, frozenset(r[0] for r in done), False)

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
            where = (account_id, unit, call_key)
            cond = "account_id = ? AND unit = ? AND call_key = ?"
            db.execute(f"DELETE FROM observations WHERE {cond}", where)
            db.execute(f"DELETE FROM unavailable WHERE {cond}", where)
            db.executemany(
                "INSERT INTO snapshots (account_id, unit, call_key, asked_at, outcome, body) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(*where, _iso(at), outcome, json.dumps(body))
                 for at, outcome, body in result.snapshots],
            )  # fmt: skip
            db.executemany(
                "INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*where, o.object_id, o.metric, o.period, o.value, _iso(o.end_time),
                  _iso(o.since), _iso(o.until), json.dumps(o.dimensions), o.metric_type,
                  o.breakdown)
                 for o in result.observations],
            )  # fmt: skip
            db.executemany(
                "INSERT INTO unavailable VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(*where, u.object_id, u.metric, u.reason, u.code, u.kind)
                 for u in result.unavailable],
            )  # fmt: skip
            for item in result.media:
                db.execute(
                    "INSERT OR REPLACE INTO media VALUES (?, ?, ?, ?, ?, ?)",
                    (item.id, item.account_id, item.product_type, _iso(item.timestamp),
                     json.dumps(asdict(item), default=_iso), _iso(now)),
                )  # fmt: skip
                if unit != STORIES:
                    db.execute(
                        "INSERT OR IGNORE INTO unit_media VALUES (?, ?, ?)",
                        (account_id, unit, item.id),
                    )
            if result.account is not None:
                db.execute(
                    "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?)",
                    (result.account.id, json.dumps(asdict(result.account)), _iso(now)),
                )
            db.execute(
                "INSERT OR REPLACE INTO calls VALUES (?, ?, ?, ?, ?)",
                (*where, generation, _iso(now)),
            )

    def complete_unit(
        self, account_id: str, unit: str, *, now: dt.datetime, notes: Sequence[str] = ()
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE units SET completed_at = ?, notes = ? WHERE account_id = ? AND unit = ?",
                (_iso(now), json.dumps(list(notes)), account_id, unit),
            )

    def call_times(self, account_id: str, unit: str) -> dict[str, dt.datetime]:
        """When each call of the unit's latest fetch was answered."""
        with self._mutex:
            rows = self._db.execute(
                "SELECT call_key, done_at FROM calls WHERE account_id = ? AND unit = ?",
                (account_id, unit),
            ).fetchall()
        return {str(key): dt.datetime.fromisoformat(done) for key, done in rows}

    def unit_media(self, account_id: str, unit: str) -> list[MediaItem]:
        with self._mutex:
            rows = self._db.execute(
                "SELECT m.body FROM unit_media u JOIN media m ON m.id = u.media_id "
                "WHERE u.account_id = ? AND u.unit = ?",
                (account_id, unit),
            ).fetchall()
        return sorted((_media(r[0]) for r in rows), key=lambda m: (m.timestamp, m.id))

    # --- thumbnails ----------------------------------------------------------------------------

    def has_thumbnail(self, object_id: str) -> bool:
        with self._mutex:
            row = self._db.execute(
                "SELECT 1 FROM thumbnails WHERE object_id = ?", (object_id,)
            ).fetchone()
        return row is not None

    def put_thumbnail(
        self, object_id: str, url: str, content_type: str, data: bytes, *, now: dt.datetime
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO thumbnails VALUES (?, ?, ?, ?, ?)",
                (object_id, url, content_type, data, _iso(now)),
            )

    def thumbnail(self, object_id: str) -> tuple[str, bytes] | None:
        """(content type, bytes) of a media's or account's picture, for the renderer."""
        with self._mutex:
            row = self._db.execute(
                "SELECT content_type, data FROM thumbnails WHERE object_id = ?", (object_id,)
            ).fetchone()
        return (str(row[0]), bytes(row[1])) if row else None

    def thumbnails_for(self, dataset: Dataset) -> dict[str, bytes]:
        """A dataset's stored pictures by media id, and the profile picture as ``profile``."""
        pictures: dict[str, bytes] = {}
        for media_id in [m.id for m in dataset.media]:
            if (found := self.thumbnail(media_id)) is not None:
                pictures[media_id] = found[1]
        if (profile := self.thumbnail(dataset.account.id)) is not None:
            pictures["profile"] = profile[1]
        return pictures

    # --- datasets ------------------------------------------------------------------------------

    def load_dataset(self, account_id: str, unit: str) -> Dataset | None:
        """The stored dataset of a unit (None when never fetched), stories of its window
        included."""
        with self._mutex:
            head = self._db.execute(
                "SELECT period_since, period_until, window_since, window_until, api_version, "
                "timezone, started_at, completed_at, notes FROM units "
                "WHERE account_id = ? AND unit = ?",
                (account_id, unit),
            ).fetchone()
            profile = self._db.execute(
                "SELECT body FROM accounts WHERE id = ?", (account_id,)
            ).fetchone()
            if head is None:
                return None
            media = self.unit_media(account_id, unit)
            stories = self._db.execute(
                "SELECT body FROM media WHERE account_id = ? AND product_type = 'STORY' "
                "AND timestamp >= ? AND timestamp < ?",
                (account_id, head[2], head[3]),
            ).fetchall()
            media += [_media(r[0]) for r in stories]
            story_ids = [m.id for m in media if m.product_type == "STORY"]
            observations = self._rows("observations", account_id, unit, story_ids)
            unavailable = self._rows("unavailable", account_id, unit, story_ids)
        account = (
            AccountInfo(**json.loads(profile[0])) if profile else AccountInfo(account_id, "", "")
        )
        return Dataset(
            account=account,
            since=dt.date.fromisoformat(head[0]),
            until=dt.date.fromisoformat(head[1]),
            fetched_at=dt.datetime.fromisoformat(head[7] or head[6]),
            media=tuple(sorted(set(media), key=lambda m: (m.timestamp, m.id))),
            observations=tuple(sorted(set(map(_observation, observations)), key=_obs_order)),
            unavailable=merge_unavailable(
                sorted(
                    (Unavailable(r[0], r[1], r[2], r[3], r[4]) for r in unavailable),
                    key=lambda u: (u.object_id, u.metric, u.kind, u.reason),
                )
            ),
            api_version=head[4],
            timezone=head[5],
            notes=tuple(json.loads(head[8])),
        )

    def _rows(
        self, table: str, account_id: str, unit: str, story_ids: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        columns = (
            "object_id, metric, period, value, end_time, since, until, dimensions, metric_type, "
            "breakdown"
            if table == "observations"
            else "object_id, metric, reason, code, kind"
        )
        rows: list[tuple[Any, ...]] = self._db.execute(
            f"SELECT {columns} FROM {table} WHERE account_id = ? AND unit = ?", (account_id, unit)
        ).fetchall()
        for chunk in _chunks(story_ids, 500):
            marks = ",".join("?" * len(chunk))
            rows += self._db.execute(
                f"SELECT {columns} FROM {table} WHERE unit = ? AND object_id IN ({marks})",
                (STORIES, *chunk),
            ).fetchall()
        return rows

    # --- the render archive --------------------------------------------------------------------

    def archived(self, spec: str, account_id: str, period: str) -> ArchivedRender | None:
        """The datasets a report of ``spec`` was first rendered from, if it was."""
        with self._mutex:
            row = self._db.execute(
                "SELECT current, previous, commentary, rendered_at FROM renders "
                "WHERE spec = ? AND account_id = ? AND period = ?",
                (spec, account_id, period),
            ).fetchone()
        if row is None:
            return None
        previous = Dataset.from_json(row[1]) if row[1] else None
        return ArchivedRender(
            Dataset.from_json(row[0]), previous, row[2], dt.datetime.fromisoformat(row[3])
        )

    def archive(
        self,
        spec: str,
        account_id: str,
        period: str,
        current: Dataset,
        previous: Dataset | None,
        commentary: str | None,
        *,
        now: dt.datetime,
    ) -> None:
        """Keep the exact datasets (and commentary) of a rendered report, replacing an older
        archive."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO renders VALUES (?, ?, ?, ?, ?, ?, ?)",
                (spec, account_id, period, current.to_json(indent=None),
                 previous.to_json(indent=None) if previous else None, commentary, _iso(now)),
            )  # fmt: skip

    def counts(self) -> dict[str, int]:
        """Rows per table, and the integrity check's verdict (1: ok) as ``integrity``."""
        tables = ("units", "calls", "snapshots", "media", "observations", "unavailable")
        with self._mutex:
            found = {
                t: int(self._db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables
            }
            verdict = self._db.execute("PRAGMA integrity_check").fetchone()[0]
        found["integrity"] = int(verdict == "ok")
        return found


class _Guard:
    """The store's mutex (one connection, many threads) that also turns what the machine
    refuses into a StoreError on its way out."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.RLock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> None:
        self._lock.release()
        if isinstance(error, sqlite3.Error) and (found := store_error(self._path, error)):
            raise found from error


def store_error(path: Path, error: sqlite3.Error) -> StoreError | None:
    """What the machine did to the store, as a message naming it and the fix; None for an
    error of ours (a bad statement, a broken constraint)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    # A full disk often shows as SQLITE_IOERR (a WAL or shared-memory file that cannot grow);
    # the free space on the store's disk tells the two apart.
    if name == "SQLITE_FULL" or (name.startswith("SQLITE_IOERR") and _disk_full(path)):
        fix = "the disk is full: free space on it, then run again (what was stored is kept)"
    elif name.startswith("SQLITE_READONLY"):
        fix = "it is read-only: give this user write access to it and to its folder"
    elif name.startswith("SQLITE_IOERR"):
        fix = "the disk refused a read or write: check its free space and health, then run again"
    elif name == "SQLITE_NOTADB" or name.startswith("SQLITE_CORRUPT"):
        # Not "start afresh": the store's ledger is what keeps a report from going out twice.
        fix = (
            "it is damaged: keep it, restore the store from a backup "
            "(`sqlite3 FILE .recover` may rescue what it holds), then run again"
        )
    elif name.startswith("SQLITE_CANTOPEN"):
        fix = "check that its folder exists and that this user may write there"
    else:
        return None
    return StoreError(f"the store {path}: {error}; {fix}")


def _disk_full(path: Path) -> bool:
    try:
        found = os.statvfs(path.parent)
    except OSError:
        return False
    return found.f_bavail * found.f_frsize < 1 << 20  # less than 1 MiB left


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _media(text: str) -> MediaItem:
    raw = json.loads(text)
    raw["timestamp"] = dt.datetime.fromisoformat(raw["timestamp"])
    raw["children"] = tuple(raw.get("children") or ())
    return MediaItem(**raw)


def _observation(row: tuple[Any, ...]) -> Observation:
    return Observation(
        object_id=row[0],
        metric=row[1],
        period=row[2],
        value=row[3],
        end_time=_time(row[4]),
        since=_time(row[5]),
        until=_time(row[6]),
        dimensions=tuple((str(k), str(v)) for k, v in json.loads(row[7])),
        metric_type=row[8],
        breakdown=row[9],
    )


def _obs_order(o: Observation) -> tuple[Any, ...]:
    never = ""
    return (o.object_id, o.metric, o.metric_type, _iso(o.end_time) or never,
            _iso(o.since) or never, o.breakdown, o.dimensions)  # fmt: skip


def _migrate(db: sqlite3.Connection) -> None:
    db.isolation_level = None  # explicit transactions only
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > len(MIGRATIONS):
        raise StoreError(
            f"the store was written by a newer reporter (schema {version}); upgrade reporter"
        )
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in filter(str.strip, script.split(";")):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def _create(path: Path) -> None:
    """Build the schema beside ``path`` and rename it into place: never a half-made store."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.new")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    db = sqlite3.connect(temp)
    try:
        _migrate(db)
        db.execute("PRAGMA journal_mode = WAL")
    finally:
        db.close()
    os.replace(temp, path)
