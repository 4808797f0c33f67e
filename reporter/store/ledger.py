"""The delivery ledger: which report went to which recipient, kept in the store (migration 3).

One row per (spec, account, period, recipient). A row is written ``sending`` just before the
message's data goes to the SMTP server and ``sent`` once the server has answered 250 (one
transaction each), so the ledger is always true except in the one window no SMTP client can
close: the server took the message and the process died before ``sent`` was committed. A rerun
finds that row still ``sending`` and holds it (see deliver/gate.py). ``failed`` is a definite "not
delivered" (recipient refused, message rejected, connection lost before the data was sent).

This is a mixin of ``Store`` so that sqlite3 stays imported in database.py alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

State = Literal["sending", "sent", "failed"]


@dataclass(frozen=True)
class ReportKey:
    """One report: a spec file (its resolved path), an account and a period label."""

    spec: str
    account_id: str
    period: str

    @property
    def report_id(self) -> str:
        """A short, stable name for the report (`reporter pending`, `reporter approve ID`)."""
        text = "\0".join((self.spec, self.account_id, self.period))
        return hashlib.sha256(text.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class LedgerRow:
    recipient: str  # the address, lower case
    state: State
    message_id: str
    sent_count: int  # deliveries the server confirmed (250)
    sent_at: dt.datetime | None  # the latest confirmed one
    updated_at: dt.datetime
    detail: str


class LedgerMixin:
    if TYPE_CHECKING:
        _db: Any
        _mutex: contextlib.AbstractContextManager[None]

        def _transaction(self) -> contextlib.AbstractContextManager[Any]: ...

    def deliveries(self, key: ReportKey) -> dict[str, LedgerRow]:
        """The ledger's rows of one report, by recipient address."""
        with self._mutex:
            rows = self._db.execute(
                "SELECT recipient, state, message_id, sent_count, sent_at, updated_at, detail "
                "FROM deliveries WHERE spec = ? AND account_id = ? AND period = ?",
                (key.spec, key.account_id, key.period),
            ).fetchall()
        return {
            r[0]: LedgerRow(
                recipient=r[0],
                state=r[1],
                message_id=r[2],
                sent_count=int(r[3]),
                sent_at=dt.datetime.fromisoformat(r[4]) if r[4] else None,
                updated_at=dt.datetime.fromisoformat(r[5]),
                detail=r[6],
            )
            for r in rows
        }

    def known_periods(self, spec: str, account_id: str) -> set[str]:
        """The periods of one spec and account the store has seen a report of (delivered, or
        waiting): the catch-up looks back from these (run/due.py)."""
        with self._mutex:
            rows = self._db.execute(
                "SELECT period FROM deliveries WHERE spec = ? AND account_id = ? UNION "
                "SELECT period FROM waiting WHERE spec = ? AND account_id = ?",
                (spec, account_id, spec, account_id),
            ).fetchall()
        return {str(r[0]) for r in rows}

    def mark_sending(
        self, key: ReportKey, recipient: str, message_id: str, *, now: dt.datetime
    ) -> None:
        """Written before the message's data is sent: from here on, it may arrive."""
        with self._upsert(key, recipient, now) as db:
            db.execute(
                "UPDATE deliveries SET state = 'sending', message_id = ?, detail = '' "
                "WHERE spec = ? AND account_id = ? AND period = ? AND recipient = ?",
                (message_id, *_where(key, recipient)),
            )

    def mark_sent(self, key: ReportKey, recipient: str, reply: str, *, now: dt.datetime) -> None:
        """The server answered 250: the message is its responsibility now."""
        with self._upsert(key, recipient, now) as db:
            db.execute(
                "UPDATE deliveries SET state = 'sent', sent_count = sent_count + 1, sent_at = ?, "
                "detail = ? WHERE spec = ? AND account_id = ? AND period = ? AND recipient = ?",
                (now.isoformat(), reply, *_where(key, recipient)),
            )

    def mark_failed(self, key: ReportKey, recipient: str, detail: str, *, now: dt.datetime) -> None:
        """Definitely not delivered this time (an earlier confirmed delivery still counts)."""
        with self._upsert(key, recipient, now) as db:
            db.execute(
                "UPDATE deliveries SET state = 'failed', detail = ? "
                "WHERE spec = ? AND account_id = ? AND period = ? AND recipient = ?",
                (detail, *_where(key, recipient)),
            )

    @contextlib.contextmanager
    def _upsert(self, key: ReportKey, recipient: str, now: dt.datetime) -> Iterator[Any]:
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO deliveries (spec, account_id, period, recipient, state, "
                "message_id, updated_at) VALUES (?, ?, ?, ?, 'failed', '', ?)",
                (*_where(key, recipient), now.isoformat()),
            )
            db.execute(
                "UPDATE deliveries SET updated_at = ? "
                "WHERE spec = ? AND account_id = ? AND period = ? AND recipient = ?",
                (now.isoformat(), *_where(key, recipient)),
            )
            yield db


def _where(key: ReportKey, recipient: str) -> tuple[str, str, str, str]:
    return (key.spec, key.account_id, key.period, recipient)
