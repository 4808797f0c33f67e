"""One account's fetches on one host at a time, across every host that shares the store.

Meta's rate limits are per token, so two workers fetching the same account at once would spend
its budget twice as fast as one worker that watches the usage headers. On PostgreSQL the lock is
the server's own advisory lock (``pg_advisory_lock``), held by a connection of its own for as
long as the work runs and released by the server if that host dies; on SQLite the store's run
lock already lets one run at a time write, so there is nothing more to hold.
https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from reporter.store.engine import Location, is_url, postgres_engine, shown
from reporter.store.lock import StoreError


@contextlib.contextmanager
def account_lock(location: Location, account_id: str) -> Iterator[None]:
    """Held while the block runs: no other holder of this account's lock runs meanwhile."""
    if not is_url(location):
        yield
        return
    engine, _ = postgres_engine(str(location))
    key = f"reporter:account:{account_id}"
    try:
        connection = engine.connect()
        connection.execute(text("SELECT pg_advisory_lock(hashtextextended(:key, 0))"), {"key": key})
    except SQLAlchemyError as error:
        raise StoreError(
            f"the store {shown(location)} cannot be reached to lock account {account_id} "
            f"({type(error).__name__}); check that the server runs, then run again"
        ) from None
    try:
        yield
    finally:
        with contextlib.suppress(SQLAlchemyError):
            connection.execute(
                text("SELECT pg_advisory_unlock(hashtextextended(:key, 0))"), {"key": key}
            )
            connection.close()  # back to the store's engine, kept for the process (engine.py)
