"""The review gate's records in the store (migration 4): reports that wait, and approvals.

``waiting`` has one row per report (spec, account, period) that a run did not send: ``review``
(rendered, awaiting ``reporter approve``) or ``held`` (a data-quality rule); the reasons are
kept for ``reporter pending``. A report that goes out leaves the table. ``approvals`` records
who-may-send: an approved report is sent despite review and holds, exactly once through the
ledger like any other, and the rules it was approved despite are kept with it.

A mixin of ``Store`` (database.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, delete, select

from reporter.store import tables as t
from reporter.store.ledger import ReportKey
from reporter.store.sql import replace

# unconfirmed: may have been sent; incomplete: a roll-up whose accounts' reports are not all made
WaitKind = Literal["review", "held", "unconfirmed", "incomplete"]


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


def _key(key: ReportKey) -> dict[str, str]:
    return {"spec": key.spec, "account_id": key.account_id, "period": key.period}


def _where(table: Any, key: ReportKey) -> tuple[Any, ...]:
    c = table.c
    return (c.spec == key.spec, c.account_id == key.account_id, c.period == key.period)


class ReviewMixin:
    if TYPE_CHECKING:

        def _read(self) -> contextlib.AbstractContextManager[Connection]: ...
        def _transaction(self) -> contextlib.AbstractContextManager[Connection]: ...

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
            replace(db, t.waiting, {
                **_key(key), "kind": kind, "reasons": json.dumps(list(reasons)),
                "summary": summary, "updated_at": now.isoformat(), "account_name": account_name,
            })  # fmt: skip

    def done_waiting(self, key: ReportKey) -> None:
        with self._transaction() as db:
            db.execute(delete(t.waiting).where(*_where(t.waiting, key)))

    def waiting(self, key: ReportKey | None = None) -> list[Waiting]:
        """Every report waiting (or the one given), oldest first."""
        w = t.waiting
        query = select(w.c.spec, w.c.account_id, w.c.period, w.c.kind, w.c.reasons, w.c.summary,
                       w.c.updated_at, w.c.account_name)  # fmt: skip
        if key is not None:
            query = query.where(*_where(w, key))
        with self._read() as db:
            rows = db.execute(query.order_by(w.c.updated_at, w.c.spec, w.c.account_id)).all()
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
            replace(db, t.approvals, {**_key(key), "approved_at": now.isoformat(),
                                      "despite": json.dumps(list(despite))})  # fmt: skip

    def approval(self, key: ReportKey) -> Approval | None:
        a = t.approvals
        with self._read() as db:
            row = db.execute(select(a.c.approved_at, a.c.despite).where(*_where(a, key))).first()
        if row is None:
            return None
        return Approval(key, dt.datetime.fromisoformat(row[0]), tuple(json.loads(row[1])))
