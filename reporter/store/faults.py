"""What the machine refuses, as one line naming the store and the fix (never a driver's traceback).

SQLite: a full disk, a read-only or damaged file, a folder that cannot be written. PostgreSQL: a
server that cannot be reached or refuses the login, a database that does not exist, a full disk,
a read-only server. Anything else is an error of ours (a bad statement, a broken constraint) and
stays one (None here).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from reporter.store.engine import Location, is_url, shown
from reporter.store.lock import StoreError

if TYPE_CHECKING:
    import psycopg


def store_error(location: Location, error: BaseException) -> StoreError | None:
    """``error`` (a SQLAlchemy or driver error) as a StoreError, when the machine refused."""
    found = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(found, sqlite3.Error) and not is_url(location):
        return _sqlite(Path(location), found)
    if type(found).__module__.startswith("psycopg"):  # imported only where it is in use
        import psycopg

        if isinstance(found, psycopg.Error):
            return _postgres(str(location), found)
    return None


def _sqlite(path: Path, error: sqlite3.Error) -> StoreError | None:
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


# SQLSTATE class or code -> what to do (https://www.postgresql.org/docs/current/errcodes-appendix.html)
_PG_FIXES = {
    "53100": "the server's disk is full: free space on it, then run again (what was stored is "
    "kept)",
    "53": "the server is out of resources (memory, connections): try again later",
    "25006": "the server is read-only (a standby?): point REPORTER_STORE at the primary",
    "42501": "this user may not use the store's tables: grant it rights on the database",
    "3D000": "the database does not exist: create it (createdb NAME), then run again",
    "28": "the server refused the login: check the user and password in REPORTER_STORE",
    "57P": "the server is shutting down or restarting: run again when it is back",
    "08": "check that the server runs and that REPORTER_STORE names its host, port and database",
}


def _postgres(url: str, error: psycopg.Error) -> StoreError | None:
    state = error.sqlstate or ""
    fix = next((f for code, f in _PG_FIXES.items() if state.startswith(code)), None)
    if fix is None and type(error).__name__ == "OperationalError":
        # No SQLSTATE: the connection itself failed; libpq's text says why.
        text = str(error)
        if "database" in text and "does not exist" in text:
            fix = _PG_FIXES["3D000"]
        elif "authentication failed" in text or "no password supplied" in text:
            fix = _PG_FIXES["28"]
        else:
            fix = _PG_FIXES["08"]
    if fix is None:
        return None
    reason = " ".join(str(error).split()) or type(error).__name__
    return StoreError(f"the store {shown(url)}: {reason}; {fix}")


def _disk_full(path: Path) -> bool:
    try:
        found = os.statvfs(path.parent)
    except OSError:
        return False
    return found.f_bavail * found.f_frsize < 1 << 20  # less than 1 MiB left
