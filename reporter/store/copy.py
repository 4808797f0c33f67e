"""Copy every row of one store into another (SQLite → PostgreSQL and back), then check the
counts: `reporter store copy`.

The destination is brought to the newest schema first (the source too, as any open does), then
filled in one transaction, table by table in batches, so a copy that fails leaves it as it was.
A destination that holds rows is refused unless ``replace`` (its rows are deleted first, in that
same transaction). PostgreSQL's snapshot id sequence is moved past the copied ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, text

from reporter.store import tables as t
from reporter.store.database import Store
from reporter.store.lock import StoreError

BATCH = 2000


@dataclass(frozen=True)
class Copied:
    table: str
    source: int
    destination: int


def copy_store(source: Store, destination: Store, *, replace: bool = False) -> list[Copied]:
    """Every table's rows from ``source`` into ``destination``; the counts of both after."""
    if source.name == destination.name:
        raise StoreError(f"the store {source.name}: it is both source and destination")
    held = sum(destination.table_counts().values())
    if held and not replace:
        raise StoreError(
            f"the store {destination.name} is not empty ({held} rows); copy into a new one, "
            "or pass --replace to delete what it holds first"
        )
    with source._read() as src, destination._transaction() as dst:
        for table in reversed(t.TABLES):
            dst.execute(delete(table))
        for table in t.TABLES:
            rows = src.execution_options(yield_per=BATCH).execute(select(table))
            for batch in rows.mappings().partitions(BATCH):
                dst.execute(table.insert(), [dict(r) for r in batch])
        if dst.dialect.name == "postgresql":
            for table in (
                t.calls,
                t.metrics,
                t.objects,
                t.snapshots,
            ):  # ids go on after the copied ones
                top = dst.execute(select(func.max(table.c.id))).scalar()
                dst.execute(
                    text("SELECT setval(pg_get_serial_sequence(:name, 'id'), :top, :used)"),
                    {"name": table.name, "top": top or 1, "used": top is not None},
                )
    before, after = source.table_counts(), destination.table_counts()
    found = [Copied(name, before[name], after[name]) for name in before]
    wrong = [c for c in found if c.source != c.destination]
    if wrong:
        listed = ", ".join(f"{c.table} {c.source} → {c.destination}" for c in wrong)
        raise StoreError(f"the copy into {destination.name} does not match its source: {listed}")
    return found
