"""What delivery does with each recipient of one report: send, skip (already sent) or hold.

``decide`` is pure: the spec's recipients and the ledger's rows in, one ``Decision`` per
recipient out. It is the one place the rules live, so a review gate or a data-quality hold (a
later issue) is one more argument here, not a new code path in the run:

- no row, or only failed attempts: **send**;
- confirmed sent before (``sent_count`` > 0): **skip**, unless ``resend``;
- ``sending`` with no confirmed delivery: the process stopped between handing the message to the
  server and recording the server's answer; it may have arrived. **hold** (``uncertain``), and
  say when, until the user checks and resends that one report to that one recipient (the run
  adds the exact command: run/report.py ``resend_command``; a silent resend could be a
  duplicate, a silent skip a report never delivered);
- ``report_holds`` (reasons that hold the whole report) turn every send into a hold.

The attempt number goes into the Message-ID: a resend after an uncertain ``sending`` reuses the
uncertain message's id (mailbox providers that drop duplicate ids then show it once), a deliberate
resend of a delivered report gets a new one (so it is not dropped as a duplicate).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import getaddresses
from typing import Literal

from reporter.spec.models import Delivery
from reporter.store.ledger import LedgerRow, ReportKey

Action = Literal["send", "skip", "hold"]
Role = Literal["to", "cc", "bcc"]


@dataclass(frozen=True)
class Recipient:
    address: str  # lower case: the ledger's key and the envelope recipient
    display: str  # as written in the spec, for the headers
    role: Role


@dataclass(frozen=True)
class Decision:
    recipient: Recipient
    action: Action
    attempt: int = 0  # confirmed deliveries before this one: part of the Message-ID
    reason: str = ""
    uncertain: bool = False  # held because it may have been sent (see the module's docstring)
    seen: LedgerRow | None = None  # the ledger's row it was decided on: the claim checks it


def recipients(delivery: Delivery) -> list[Recipient]:
    """Every distinct address of the delivery block, the first role it appears in winning."""
    found: dict[str, Recipient] = {}
    for role, entries in (("to", delivery.to), ("cc", delivery.cc), ("bcc", delivery.bcc)):
        for entry, (_, address) in zip(entries, getaddresses(entries), strict=True):
            key = address.strip().lower()
            if key and key not in found:
                found[key] = Recipient(key, entry, role)  # type: ignore[arg-type]
    return list(found.values())


def _when(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "an earlier run"


def decide(
    people: Sequence[Recipient],
    ledger: Mapping[str, LedgerRow],
    *,
    resend: bool = False,
    only: Iterable[str] = (),
    report_holds: Sequence[str] = (),
) -> list[Decision]:
    """One decision per recipient. ``only``: addresses to deliver to, the others skipped."""
    chosen = {a.strip().lower() for a in only}
    out: list[Decision] = []
    for person in people:
        row = ledger.get(person.address)
        attempt = row.sent_count if row is not None else 0
        if chosen and person.address not in chosen:
            out.append(Decision(person, "skip", attempt, "not selected by --recipient"))
        elif row is not None and row.sent_count > 0 and not resend:
            out.append(Decision(person, "skip", attempt, f"already sent {_when(row.sent_at)}"))
        elif row is not None and row.state == "sending" and row.sent_count == 0 and not resend:
            reason = (
                f"may have been sent at {_when(row.updated_at)}: reporter stopped after handing "
                "it to the SMTP server and before the server's answer was recorded; check with "
                "the recipient before sending it again"
            )
            out.append(Decision(person, "hold", attempt, reason, uncertain=True))
        elif report_holds:
            out.append(Decision(person, "hold", attempt, "; ".join(report_holds)))
        else:
            out.append(Decision(person, "send", attempt, seen=row))
    return out


def message_id(key: ReportKey, recipient: str, attempt: int, domain: str) -> str:
    """Deterministic per report, recipient and attempt (see the module's docstring)."""
    digest = hashlib.sha256(
        "\0".join((key.spec, key.account_id, key.period, recipient)).encode()
    ).hexdigest()[:24]
    return f"<reporter.{digest}.{attempt}@{domain}>"
