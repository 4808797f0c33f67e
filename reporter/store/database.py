"""The store: the only package that opens the database (SQLite or PostgreSQL, see engine.py).

A SQLite file (WAL) or a PostgreSQL database, one schema for both (tables.py), kept by Alembic
(migrate.py). A SQLite store is created atomically (built beside its final name, then renamed),
and its writers hold an exclusive lock file for the whole run, so overlapping cron jobs cannot
interleave: the second waits ``lock_timeout`` seconds, then stops with a clear message. On
PostgreSQL several hosts write at once; what must happen once (a mail) is claimed with a row
lock (ledger.py). The calls one Graph batch answered are written in one transaction (their raw
answers, normalised rows, the calls marked done: units.py), so a run killed at any point leaves a
store that opens, holding no half-written call, and a rerun continues from the last batch
written.

A unit is one account over one period (``2026-10``, ``2026-10-01..2026-10-15``, or ``day:DATE``
for the daily collect); ``stories`` is the unit story insights live in, newest answer winning.

What the machine refuses (a full disk, a read-only or damaged file, an unreachable server)
comes out of every method as a StoreError naming the store and the fix (faults.py), never as a
driver's error; a failed transaction is rolled back, so what was stored before it is kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select, text

from reporter.store import tables as t
from reporter.store.archive import ArchivedRender, ArchiveMixin
from reporter.store.datasets import STORIES, DatasetMixin, iso
from reporter.store.engine import (
    Location,
    is_url,
    postgres_engine,
    release,
    shown,
    sqlite_engine,
    transaction,
)
from reporter.store.faults import store_error
from reporter.store.ledger import LedgerMixin
from reporter.store.lock import StoreBusy, StoreError
from reporter.store.lock import lock as _lock
from reporter.store.migrate import Migrated, migrate
from reporter.store.review import ReviewMixin
from reporter.store.schema import MIGRATIONS
from reporter.store.sql import replace
from reporter.store.units import CallResult, Done, UnitsMixin, UnitState
from reporter.store.usage import UsageMixin

__all__ = [
    "MIGRATIONS",
    "STORIES",
    "ArchivedRender",
    "CallResult",
    "Done",
    "Location",
    "Store",
    "StoreBusy",
    "StoreError",
    "UnitState",
]


class Store(UnitsMixin, DatasetMixin, ArchiveMixin, LedgerMixin, ReviewMixin, UsageMixin):
    """Open with ``Store.open(location)`` (a writer; locked on SQLite) or with ``write=False``."""

    def __init__(
        self, location: Location, engine: Engine, lock_fd: int | None, migrated: Migrated
    ) -> None:
        self.location = location
        self.name = shown(location)
        self.migrated = migrated
        self._engine = engine
        self._lock_fd = lock_fd
        self._mutex = _Guard(location)

    @property
    def backend(self) -> str:
        return self._engine.dialect.name  # "sqlite" or "postgresql"

    # --- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, location: Location, *, write: bool = True, lock_timeout: float = 10.0) -> Store:
        if is_url(location):
            engine, schema = postgres_engine(str(location))
            return cls(location, engine, None, _migrated(location, engine, schema))
        path = Path(location).expanduser()
        lock_fd = None
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Lock the file itself, not the name it was reached by: the same store through a
            # symlink (or a relative path) is still one store with one writer.
            real = path.resolve()
            lock_fd = _lock(real.with_name(real.name + ".lock"), lock_timeout)
        elif not path.exists():
            engine = sqlite_engine(None)
            return cls(path, engine, None, _migrated(path, engine))
        try:
            created = None
            with _Guard(path):
                if write and not path.exists():
                    created = _create(path)
            engine = sqlite_engine(path)
            store = cls(path, engine, lock_fd, created or _migrated(path, engine))
        except BaseException:
            if lock_fd is not None:
                os.close(lock_fd)
            raise
        return store

    def close(self) -> None:
        with self._mutex:
            release(self._engine)
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self, *, durable: bool = True) -> Iterator[Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite), committed or rolled back;
        ``durable=False`` for what a rerun can fetch again (engine.transaction)."""
        with self._mutex, transaction(self._engine, write=True, durable=durable) as db:
            yield db

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._mutex, transaction(self._engine, write=False) as db:
            yield db

    # --- thumbnails ----------------------------------------------------------------------------

    def has_thumbnail(self, object_id: str) -> bool:
        with self._read() as db:
            found = db.execute(
                select(text("1"))
                .select_from(t.thumbnails)
                .where(t.thumbnails.c.object_id == object_id)
            ).first()
        return found is not None

    def put_thumbnail(
        self, object_id: str, url: str, content_type: str, data: bytes, *, now: dt.datetime
    ) -> None:
        with self._transaction() as db:
            row = {"object_id": object_id, "url": url, "content_type": content_type,
                   "data": data, "fetched_at": iso(now)}  # fmt: skip
            replace(db, t.thumbnails, row)

    def thumbnail(self, object_id: str) -> tuple[str, bytes] | None:
        """(content type, bytes) of a media's or account's picture, for the renderer."""
        pictures = t.thumbnails
        with self._read() as db:
            row = db.execute(
                select(pictures.c.content_type, pictures.c.data).where(
                    pictures.c.object_id == object_id
                )
            ).first()
        return (str(row[0]), bytes(row[1])) if row else None

    # --- the whole store -----------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Rows per table, and the integrity check's verdict (1: ok) as ``integrity``."""
        tables = ("units", "calls", "snapshots", "media", "observations", "unavailable")
        found = self.table_counts()
        found = {name: found[name] for name in tables}
        verdict = "ok"
        if self.backend == "sqlite":
            with self._read() as db:
                verdict = db.exec_driver_sql("PRAGMA integrity_check").scalar_one()
        found["integrity"] = int(verdict == "ok")
        return found

    def table_counts(self) -> dict[str, int]:
        """Rows in every table of the schema, by name (`reporter store copy` checks them)."""
        with self._read() as db:
            return {
                table.name: int(db.execute(select(func.count()).select_from(table)).scalar_one())
                for table in t.TABLES
            }


class _Guard:
    """The store's mutex (one connection, many threads) that also turns what the machine
    refuses into a StoreError on its way out."""

    def __init__(self, location: Location) -> None:
        self._location = location
        self._lock = threading.RLock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> None:
        self._lock.release()
        if error is not None and (found := store_error(self._location, error)):
            raise found from error


def _migrated(location: Location, engine: Engine, schema: str | None = None) -> Migrated:
    try:
        with _Guard(location):
            return migrate(engine, schema=schema)
    except BaseException:
        release(engine)
        raise


def _create(path: Path) -> Migrated:
    """Build the schema beside ``path`` and rename it into place: never a half-made store."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.new")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    engine = sqlite_engine(temp)
    try:
        made = migrate(engine)
        raw = engine.raw_connection()  # outside a transaction, where SQLite allows it
        try:
            raw.driver_connection.execute("PRAGMA journal_mode = WAL")  # type: ignore[union-attr]
        finally:
            raw.close()
    finally:
        release(engine)
    os.replace(temp, path)
    return made
