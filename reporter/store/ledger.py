"""The delivery ledger: which report went to which recipient, kept in the store (migration 3).

One row per (spec, account, period, recipient). A row is written ``sending`` just before the
message's data goes to the SMTP server and ``sent`` once the server has answered 250 (one
transaction each), so the ledger is always true except in the one window no SMTP client can
close: the server took the message and the process died before ``sent`` was committed. A rerun
finds that row still ``sending`` and holds it (see deliver/gate.py). ``failed`` is a definite "not
delivered" (recipient refused, message rejected, connection lost before the data was sent).

Exactly once across hosts: the sender ``claim``s a recipient just before the DATA command. In one
transaction it locks the row (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite the
run lock file already keeps a second writer out) and writes ``sending`` only if the row is still
the one the sender decided on (deliver/gate.py); else another host has the recipient, and
nothing is sent from here. A mixin of ``Store`` (database.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, select, union, update

from reporter.store import tables as t
from reporter.store.sql import ignore

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

        def _read(self) -> contextlib.AbstractContextManager[Connection]: ...
        def _transaction(self) -> contextlib.AbstractContextManager[Connection]: ...

    def deliveries(self, key: ReportKey) -> dict[str, LedgerRow]:
        """The ledger's rows of one report, by recipient address."""
        d = t.deliveries
        with self._read() as db:
            rows = db.execute(
                select(d.c.recipient, d.c.state, d.c.message_id, d.c.sent_count, d.c.sent_at,
                       d.c.updated_at, d.c.detail).where(*_report(key))
            ).all()  # fmt: skip
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
        d, w = t.deliveries, t.waiting
        query = union(
            select(d.c.period).where(d.c.spec == spec, d.c.account_id == account_id),
            select(w.c.period).where(w.c.spec == spec, w.c.account_id == account_id),
        )
        with self._read() as db:
            return {str(p) for p in db.execute(query).scalars()}

    def mark_sending(
        self, key: ReportKey, recipient: str, message_id: str, *, now: dt.datetime
    ) -> None:
        """Written before the message's data is sent: from here on, it may arrive."""
        with self._transaction() as db:
            _insert(db, key, recipient, now)
            _sending(db, key, recipient, message_id, now)

    def claim(
        self,
        key: ReportKey,
        recipient: str,
        message_id: str,
        *,
        seen: LedgerRow | None,
        now: dt.datetime,
    ) -> bool:
        """``mark_sending`` for a sender that decided on the row ``seen`` (None: no row): done
        and True only if the row is still that one, else False with nothing written (another
        host is sending it, or has since sent or tried it)."""
        d = t.deliveries
        with self._transaction() as db:
            if not _insert(db, key, recipient, now) or seen is not None:
                found = db.execute(
                    select(d.c.state, d.c.sent_count, d.c.updated_at)
                    .where(*_row(key, recipient))
                    .with_for_update(skip_locked=True)
                ).first()
                if seen is None or found is None:  # a row no one saw, or one locked right now
                    return False
                if tuple(found) != (seen.state, seen.sent_count, seen.updated_at.isoformat()):
                    return False
            _sending(db, key, recipient, message_id, now)
        return True

    def mark_sent(self, key: ReportKey, recipient: str, reply: str, *, now: dt.datetime) -> None:
        """The server answered 250: the message is its responsibility now."""
        d = t.deliveries
        with self._upsert(key, recipient, now) as db:
            db.execute(
                update(d).where(*_row(key, recipient))
                .values(state="sent", sent_count=d.c.sent_count + 1, sent_at=now.isoformat(),
                        detail=reply)
            )  # fmt: skip

    def mark_failed(self, key: ReportKey, recipient: str, detail: str, *, now: dt.datetime) -> None:
        """Definitely not delivered this time (an earlier confirmed delivery still counts)."""
        with self._upsert(key, recipient, now) as db:
            db.execute(
                update(t.deliveries)
                .where(*_row(key, recipient))
                .values(state="failed", detail=detail)
            )

    @contextlib.contextmanager
    def _upsert(self, key: ReportKey, recipient: str, now: dt.datetime) -> Iterator[Connection]:
        with self._transaction() as db:
            _insert(db, key, recipient, now)
            db.execute(
                update(t.deliveries).where(*_row(key, recipient)).values(updated_at=now.isoformat())
            )
            yield db


def _sending(
    db: Connection, key: ReportKey, recipient: str, message_id: str, now: dt.datetime
) -> None:
    db.execute(
        update(t.deliveries).where(*_row(key, recipient))
        .values(state="sending", message_id=message_id, detail="", updated_at=now.isoformat())
    )  # fmt: skip


def _insert(db: Connection, key: ReportKey, recipient: str, now: dt.datetime) -> bool:
    """The recipient's row, made ``failed`` (nothing sent yet) if new: whether it was."""
    row = {"spec": key.spec, "account_id": key.account_id, "period": key.period,
           "recipient": recipient, "state": "failed", "message_id": "",
           "updated_at": now.isoformat()}  # fmt: skip
    return ignore(db, t.deliveries, row)


def _report(key: ReportKey) -> tuple[Any, ...]:
    d = t.deliveries
    return (d.c.spec == key.spec, d.c.account_id == key.account_id, d.c.period == key.period)


def _row(key: ReportKey, recipient: str) -> tuple[Any, ...]:
    return (*_report(key), t.deliveries.c.recipient == recipient)
