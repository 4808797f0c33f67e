"""The review gate's records in the store (migration 4): reports that wait, and approvals.

``waiting`` has one row per report (spec, account, period) that a run did not send: ``review``
(rendered, awaiting ``reporter approve``) or ``held`` (a data-quality rule); the reasons are
kept for ``reporter pending``. A report that goes out leaves the table. ``approvals`` records
who-may-send: an approved report is sent despite review and holds, exactly once through the
ledger like any other, and the rules it was approved despite are kept with it.

A mixin of ``Store`` so that sqlite3 stays imported in database.py alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from reporter.store.ledger import ReportKey

WaitKind = Literal["review", "held", "unconfirmed"]  # unconfirmed: may have been sent


@dataclass(frozen=True)
class Waiting:
    key: ReportKey
    kind: WaitKind
    reasons: tuple[str, ...]
    summary: str | None  # the review summary file, for a report awaiting approval
    updated_at: dt.datetime
    account_name: str = ""


@dataclass(frozen=True)
class Approval:
    key: ReportKey
    approved_at: dt.datetime
    despite: tuple[str, ...]  # the holds the report was approved despite


def _key(key: ReportKey) -> tuple[str, str, str]:
    return (key.spec, key.account_id, key.period)


class ReviewMixin:
    if TYPE_CHECKING:
        _db: Any
        _mutex: contextlib.AbstractContextManager[None]

        def _transaction(self) -> contextlib.AbstractContextManager[Any]: ...

    def wait(
        self,
        key: ReportKey,
        kind: WaitKind,
        reasons: Sequence[str],
        *,
        account_name: str,
        summary: str | None = None,
        now: dt.datetime,
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO waiting (spec, account_id, period, kind, reasons, "
                "summary, updated_at, account_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *_key(key),
                    kind,
                    json.dumps(list(reasons)),
                    summary,
                    now.isoformat(),
                    account_name,
                ),
            )

    def done_waiting(self, key: ReportKey) -> None:
        with self._transaction() as db:
            db.execute(
                "DELETE FROM waiting WHERE spec = ? AND account_id = ? AND period = ?", _key(key)
            )

    def waiting(self, key: ReportKey | None = None) -> list[Waiting]:
        """Every report waiting (or the one given), oldest first."""
        sql = (
            "SELECT spec, account_id, period, kind, reasons, summary, updated_at, account_name "
            "FROM waiting"
        )
        args: tuple[str, ...] = ()
        if key is not None:
            sql += " WHERE spec = ? AND account_id = ? AND period = ?"
            args = _key(key)
        with self._mutex:
            rows = self._db.execute(sql + " ORDER BY updated_at, spec, account_id", args)
            rows = rows.fetchall()
        return [
            Waiting(
                ReportKey(r[0], r[1], r[2]),
                r[3],
                tuple(json.loads(r[4])),
                r[5],
                dt.datetime.fromisoformat(r[6]),
                r[7],
            )
            for r in rows
        ]

    def waiting_by_id(self, report_id: str) -> list[Waiting]:
        """The waiting reports whose id starts with ``report_id`` (one, unless it is short)."""
        return [w for w in self.waiting() if w.key.report_id.startswith(report_id.lower())]

    def approve(self, key: ReportKey, despite: Sequence[str], *, now: dt.datetime) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO approvals (spec, account_id, period, approved_at, despite) "
                "VALUES (?, ?, ?, ?, ?)",
                (*_key(key), now.isoformat(), json.dumps(list(despite))),
            )

    def approval(self, key: ReportKey) -> Approval | None:
        with self._mutex:
            row = self._db.execute(
                "SELECT approved_at, despite FROM approvals "
                "WHERE spec = ? AND account_id = ? AND period = ?",
                _key(key),
            ).fetchone()
        if row is None:
            return None
        return Approval(key, dt.datetime.fromisoformat(row[0]), tuple(json.loads(row[1])))
