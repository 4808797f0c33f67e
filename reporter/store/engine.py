"""Where a store lives and how it is reached: a SQLite file (a Path) or a PostgreSQL server (a
``postgresql://`` URL), as one SQLAlchemy engine.

SQLite: one connection shared by the store's threads (the store's mutex serialises them), the
driver's own transaction handling off so that a write transaction is ``BEGIN IMMEDIATE`` (the
writer takes the file's write lock at once instead of failing half-way) and a read is a short
deferred one; WAL, a 30 s busy timeout and foreign keys, as the first release had them.
PostgreSQL: psycopg (version 3), a small pool whose connections are checked before use, so a
restarted server costs one reconnection rather than the run.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from reporter.settings import STORE_URLS
from reporter.store.lock import StoreError

Location = Path | str  # a SQLite file, or a PostgreSQL URL

SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def is_url(location: Location) -> bool:
    return isinstance(location, str) and location.startswith(STORE_URLS)


def pg_url(location: str) -> tuple[URL, str | None]:
    """The URL SQLAlchemy opens (psycopg 3 whatever the scheme said) and the schema the tables
    live in, from ``?schema=NAME`` (None: the user's default, ``public``)."""
    url = make_url(location.replace("postgres://", "postgresql://", 1))
    schema = url.query.get("schema")
    if isinstance(schema, tuple):
        schema = schema[-1]
    return url.set(drivername="postgresql+psycopg").difference_update_query(["schema"]), schema


def sandbox_location(location: str) -> str:
    """The sandbox's store beside a PostgreSQL one: the same database, its own schema
    (``sandbox``, or ``NAME_sandbox`` beside ``?schema=NAME``)."""
    url = make_url(location)
    schema = pg_url(location)[1]
    url = url.difference_update_query(["schema"])
    url = url.update_query_dict({"schema": f"{schema}_sandbox" if schema else "sandbox"})
    return url.render_as_string(hide_password=False)


def shown(location: Location) -> str:
    """The store's name in messages: the path, or the URL without its password."""
    if is_url(location):
        url = make_url(str(location))
        return url.render_as_string(hide_password=True)
    return str(location)


def sqlite_engine(path: Path | None) -> Engine:
    """The engine on ``path`` (None: a store in memory, for reading one that does not exist)."""

    def connect() -> sqlite3.Connection:
        db = sqlite3.connect(path or ":memory:", check_same_thread=False, timeout=30)
        db.isolation_level = None  # transactions are ours: see transaction()
        db.execute("PRAGMA busy_timeout = 30000")
        db.execute("PRAGMA foreign_keys = ON")
        return db

    return _kept(
        f"sqlite:{path or ':memory:'}",
        lambda: create_engine("sqlite://", creator=connect, poolclass=StaticPool),
    )


# One engine per store for the life of the process, as SQLAlchemy means engines to be: a store
# that is closed gives its connections back (release), its engine stays. An engine let go is
# collected some time later, and SQLAlchemy drops its listeners in a weakref callback, where
# Python swallows what a signal handler raises (SIGTERM's Terminated, errors.py): the run went
# on. Kept engines are never collected.
_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _kept(key: str, make: Callable[[], Engine]) -> Engine:
    with _ENGINES_LOCK:
        if (found := _ENGINES.get(key)) is None:
            found = _ENGINES[key] = make()
        return found


def release(engine: Engine) -> None:
    """Close the engine's idle connections (all of a closed store's); it can connect again."""
    engine.pool.dispose()


@contextlib.contextmanager
def transaction(engine: Engine, *, write: bool, durable: bool = True) -> Iterator[Connection]:
    """One transaction, committed or rolled back; on SQLite a writer's is ``BEGIN IMMEDIATE``.

    ``durable=False`` (what a fetch writes, which a rerun can fetch again): on SQLite the commit
    does not wait for the disk (``synchronous = NORMAL``; in WAL mode a power cut may undo the
    last such commits, never corrupt the store or reorder it: the next durable commit syncs
    them too, https://www.sqlite.org/pragma.html#pragma_synchronous). Every other write, the
    ledger's above all, is synced before it returns."""
    with engine.connect() as db:
        relaxed = db.dialect.name == "sqlite" and write and not durable
        if relaxed:
            _synchronous(db, "NORMAL")
        try:
            with db.begin():
                if db.dialect.name == "sqlite":
                    db.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
                yield db
        finally:
            if relaxed:
                _synchronous(db, "FULL")


def _synchronous(db: Connection, level: str) -> None:
    db.exec_driver_sql(f"PRAGMA synchronous = {level}")  # outside any transaction, as it must
    db.commit()


def postgres_engine(location: str) -> tuple[Engine, str | None]:
    """The engine, and the schema its tables live in (None: the default one)."""
    url, schema = pg_url(location)
    args: dict[str, Any] = {"connect_timeout": 10, "application_name": "reporter"}
    if schema is not None:
        if not SCHEMA_NAME.fullmatch(schema):
            raise StoreError(
                f"the store {shown(location)}: schema={schema}: use letters, digits and _ only"
            )
        args["options"] = f"-csearch_path={schema}"

    def make() -> Engine:
        return create_engine(
            url, pool_pre_ping=True, pool_size=4, max_overflow=8, connect_args=args
        )

    return _kept(location, make), schema
