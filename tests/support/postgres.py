"""The real PostgreSQL server the store tests run on, each test in a schema of its own.

The server is ``REPORTER_TEST_POSTGRES_URL`` (read once, before the tests' guard clears every
``REPORTER_*`` variable), else ``postgresql://postgres@127.0.0.1:5432/test``. Where none is
reachable a test that needs it is skipped with one line saying so, except under ``CI=true``,
where it fails: CI starts the server, so a missing one is a broken run, not a reason to skip.
"""

from __future__ import annotations

import contextlib
import functools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

SERVER = os.environ.get(
    "REPORTER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
).replace("postgresql+psycopg://", "postgresql://", 1)
IN_CI = os.environ.get("CI", "").lower() == "true"


@functools.cache
def _unreachable() -> str | None:
    try:
        psycopg.connect(SERVER, connect_timeout=3).close()
    except psycopg.Error as error:
        return " ".join(str(error).split())[:200]
    return None


def need_server() -> None:
    """Skip (fail under CI=true) when the server cannot be reached."""
    if (why := _unreachable()) is not None:
        message = f"no PostgreSQL server at {SERVER}: {why}"
        if IN_CI:
            pytest.fail(message + " (CI=true: the server must run)")
        pytest.skip(message)


def url_in(schema: str) -> str:
    joiner = "&" if "?" in SERVER else "?"
    return f"{SERVER}{joiner}schema={schema}"


@contextlib.contextmanager
def fresh_schema() -> Iterator[str]:
    """A new, empty schema's store URL; the schema (and a sandbox one beside it) is dropped
    afterwards."""
    need_server()
    name = f"t_{uuid.uuid4().hex[:16]}"
    try:
        yield url_in(name)
    finally:
        with psycopg.connect(SERVER, autocommit=True) as db:
            for schema in (name, f"{name}_sandbox"):
                db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


BACKENDS = ["sqlite", "postgresql"]


@contextlib.contextmanager
def location(backend: str, tmp_path: Path) -> Iterator[Path | str]:
    """A store location on ``backend``: a file in ``tmp_path``, or a fresh schema."""
    if backend == "sqlite":
        yield tmp_path / "store.sqlite3"
        return
    with fresh_schema() as url:
        yield url
