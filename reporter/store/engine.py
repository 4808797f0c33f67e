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

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

Location = Path | str  # a SQLite file, or a PostgreSQL URL

SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def is_url(location: Location) -> bool:
    return isinstance(location, str) and location.startswith(SCHEMES)


def pg_url(location: str) -> URL:
    """The URL SQLAlchemy opens: psycopg 3 whatever the scheme said."""
    url = make_url(location.replace("postgres://", "postgresql://", 1))
    return url.set(drivername="postgresql+psycopg")


def shown(location: Location) -> str:
    """The store's name in messages: the path, or the URL without its password."""
    if is_url(location):
        url = pg_url(str(location)).set(drivername="postgresql")
        return url.render_as_string(hide_password=True)
    return str(location)


def sqlite_engine(path: Path | None) -> Engine:
    """An engine on ``path`` (None: a store in memory, for reading one that does not exist)."""
    url = f"sqlite:///{path}" if path is not None else "sqlite://"
    engine = create_engine(
        url,
        poolclass=StaticPool,
        connect_args={"check_same_thread": False, "timeout": 30},
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi: Any, record: object) -> None:
        dbapi.isolation_level = None  # transactions are ours: see _begin
        dbapi.execute("PRAGMA busy_timeout = 30000")
        dbapi.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        write = connection.get_execution_options().get("write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def postgres_engine(url: str) -> Engine:
    return create_engine(
        pg_url(url),
        pool_pre_ping=True,
        pool_size=4,
        max_overflow=8,
        connect_args={"connect_timeout": 10, "application_name": "reporter"},
    )
