"""The statements SQLite and PostgreSQL spell differently: insert-or-replace, insert-or-ignore
and insert-or-update-returning-the-id (``ON CONFLICT`` on both, through each dialect's
insert), and the insert of many rows at once."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError

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


def insert_many(db: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert many rows, each naming the same columns, at the driver's own speed: PostgreSQL's
    COPY (psycopg's executemany sends one statement per row), SQLite's executemany (without
    SQLAlchemy's processing of every row's parameters, a third of the time for rows of plain
    text and numbers)."""
    if not rows:
        return
    names = tuple(rows[0])
    if db.dialect.name == "postgresql":
        quote = db.dialect.identifier_preparer.quote
        columns = ", ".join(quote(n) for n in names)
        command = (
            f"COPY {db.dialect.identifier_preparer.format_table(table)} ({columns}) FROM STDIN"
        )
        driver = db.connection.driver_connection  # psycopg's, in this transaction
        assert driver is not None
        refused = db.dialect.loaded_dbapi.Error
        try:
            with driver.cursor() as cursor, cursor.copy(command) as copy:
                for row in rows:
                    copy.write_row([row[n] for n in names])
        except refused as error:  # as SQLAlchemy raises what its statements meet
            raise DBAPIError.instance(command, None, error, refused, dialect=db.dialect) from error
        return
    db.exec_driver_sql(_named_insert(table, names), list(rows))


@functools.cache
def _named_insert(table: Table, names: tuple[str, ...]) -> str:
    """``INSERT INTO table (…) VALUES (:name, …)``: sqlite3 takes the rows as they are."""
    from sqlalchemy.dialects import sqlite  # the dialect in use only (see _insert)

    named = sqlite.dialect(paramstyle="named")
    return str(table.insert().compile(dialect=named, column_keys=list(names)))
