"""Rate-limit usage shared through the store: the last percentage Meta's usage headers gave for
an account (graph/limits.py), so a worker on another host starts from what the others spent
instead of from zero. Meta measures usage over a rolling hour ("call count … over a one hour
window", developers.facebook.com/docs/graph-api/overview/rate-limiting), so a reading older than
that is no reading. A mixin of ``Store`` (database.py)."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from reporter.store import tables as t
from reporter.store.datasets import iso
from reporter.store.sql import replace

WINDOW = dt.timedelta(hours=1)


class UsageMixin:
    if TYPE_CHECKING:

        def _read(self) -> contextlib.AbstractContextManager[Connection]: ...
        def _transaction(self) -> contextlib.AbstractContextManager[Connection]: ...

    def usage(self, account_id: str, *, now: dt.datetime) -> float:
        """The account's last usage percentage, 0 when none was seen within the hour."""
        u = t.rate_usage
        with self._read() as db:
            row = db.execute(
                select(u.c.percent, u.c.observed_at).where(u.c.account_id == account_id)
            ).first()
        if row is None or dt.datetime.fromisoformat(row[1]) < now - WINDOW:
            return 0.0
        return float(row[0])

    def put_usage(self, account_id: str, percent: float, *, now: dt.datetime) -> None:
        with self._transaction() as db:
            row = {"account_id": account_id, "percent": percent, "observed_at": iso(now)}
            replace(db, t.rate_usage, row)
