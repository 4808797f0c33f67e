"""A unit's finished calls on their way into the store, a batch at a time.

What one Graph batch answered (up to 50 calls) is written at once, in one transaction; calls
sent one by one (Instagram login has no batches) are gathered until as many are finished. A
commit is a disk sync (SQLite) or a round trip (PostgreSQL): once per call it cost more than
the network did for the example's fetch. Never half a call: each write holds whole calls; a
kill loses at most the calls not yet written, which a rerun sends again.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence

from reporter.store.database import Done, Store


class Writes:
    """Shared by the threads fetching one unit; ``close`` writes the rest, and from then on
    every call as it comes (a thread still running after the unit stopped)."""

    def __init__(
        self, store: Store, account_id: str, *, now: Callable[[], dt.datetime], size: int
    ) -> None:
        self._store, self._account_id, self._now, self._size = store, account_id, now, size
        self._lock = threading.Lock()
        self._pending: list[Done] = []
        self._since: dt.datetime | None = None  # when the first pending call was answered
        self._closed = False

    def add(self, done: Sequence[Done]) -> None:
        if not done:
            return
        with self._lock:
            self._pending += done
            self._since = self._since or self._now()
            if not self._closed and len(self._pending) < self._size:
                return
        self.flush()

    def flush(self) -> None:
        with self._lock:
            ready, since = self._pending, self._since
            self._pending, self._since = [], None
        if ready and since is not None:
            # done_at is the first answer's time: Meta's revisions are judged from it
            # (execute.revised_calls), so the earlier time errs towards fetching again
            self._store.record_calls(self._account_id, ready, now=since)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self.flush()
