"""The statements SQLite and PostgreSQL spell differently: insert-or-replace, insert-or-ignore
and insert-or-update-returning-the-id (``ON CONFLICT`` on both, through each dialect's
insert)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table

Row = Mapping[str, Any]


def _insert(db: Connection, table: Table) -> Any:
    # The dialect in use only: PostgreSQL's package imports each of its drivers' modules
    # (about 30 ms), which a SQLite store never needs.
    if db.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def replace(db: Connection, table: Table, rows: Sequence[Row] | Row) -> None:
    """Insert each row, or overwrite every column of the row with its primary key."""
    rows = [rows] if isinstance(rows, Mapping) else rows
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    statement = _insert(db, table)
    others = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys}
    db.execute(statement.on_conflict_do_update(index_elements=keys, set_=others), list(rows))


def ignore(db: Connection, table: Table, rows: Sequence[Row] | Row) -> bool:
    """Insert the rows whose primary key is new; whether the one row given was."""
    statement = _insert(db, table).on_conflict_do_nothing()
    if isinstance(rows, Mapping):
        key = next(iter(table.primary_key.columns))
        return db.execute(statement.returning(key), dict(rows)).first() is not None
    if rows:
        db.execute(statement, list(rows))
    return False


def upsert_id(db: Connection, table: Table, row: Row, *, keys: Sequence[str]) -> int:
    """Insert the row, or update the one with the same ``keys`` (a unique constraint); its
    integer ``id`` either way."""
    statement = _insert(db, table).values(dict(row))
    others = {name: value for name, value in row.items() if name not in keys}
    # a row that is all key updates nothing, but must still touch it for RETURNING to give its id
    others = others or {keys[0]: statement.excluded[keys[0]]}
    statement = statement.on_conflict_do_update(index_elements=list(keys), set_=others)
    return int(db.execute(statement.returning(table.c.id)).scalar_one())
