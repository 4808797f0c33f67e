"""`reporter store copy SRC DST`: every row of one store into another (a SQLite file or a
PostgreSQL URL each), the row count of every table printed and checked (store/copy.py)."""

from __future__ import annotations

from pathlib import Path

from reporter.errors import ExitStatus, UsageError
from reporter.settings import STORE_URLS
from reporter.store.copy import copy_store
from reporter.store.database import Location, Store
from reporter.world import World


def location(text: str) -> Location:
    return text if text.startswith(STORE_URLS) else Path(text)


def store_copy(source: str, destination: str, *, replace: bool, world: World) -> int:
    src, dst = location(source), location(destination)
    if isinstance(src, Path) and not src.is_file():
        raise UsageError(f"{source}: no store there (a SQLite file or a postgresql:// URL)")
    timeout = world.settings.lock_timeout
    with Store.open(src, lock_timeout=timeout) as a, Store.open(dst, lock_timeout=timeout) as b:
        copied = copy_store(a, b, replace=replace)
        width = max(len(c.table) for c in copied)
        for c in copied:
            world.out.write(f"  {c.table:<{width}}  {c.source:>9}  {c.destination:>9}\n")
        total = sum(c.source for c in copied)
        world.out.write(
            f"copied {total} rows in {len(copied)} tables from {a.name} to {b.name}; "
            "every table's count matches\n"
        )
    return int(ExitStatus.OK)
