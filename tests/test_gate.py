"""gate.decide: one pure decision per recipient from the ledger."""

from __future__ import annotations

import datetime as dt

from reporter.deliver.gate import Decision, decide, message_id, recipients
from reporter.spec.models import Delivery
from reporter.store.ledger import LedgerRow, ReportKey

T = dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)
KEY = ReportKey("/specs/acme.toml", "17841400000000001", "2026-10")
PEOPLE = recipients(
    Delivery(
        to=["Anna <Anna@Client.example>", "bob@client.example"],
        cc=["anna@client.example", "carl@agency.example"],
        bcc=["dora@agency.example"],
    )
)


def row(address: str, state: str, sent: int) -> LedgerRow:
    return LedgerRow(address, state, "<id>", sent, T if sent else None, T, "")  # type: ignore[arg-type]


def actions(decisions: list[Decision]) -> list[tuple[str, str, int]]:
    return [(d.recipient.address, d.action, d.attempt) for d in decisions]


def test_recipients_are_distinct_lower_case_first_role_wins() -> None:
    assert [(p.address, p.role, p.display) for p in PEOPLE] == [
        ("anna@client.example", "to", "Anna <Anna@Client.example>"),
        ("bob@client.example", "to", "bob@client.example"),
        ("carl@agency.example", "cc", "carl@agency.example"),
        ("dora@agency.example", "bcc", "dora@agency.example"),
    ]


def test_each_ledger_state_decides() -> None:
    ledger = {
        "anna@client.example": row("anna@client.example", "sent", 1),
        "bob@client.example": row("bob@client.example", "failed", 0),
        "carl@agency.example": row("carl@agency.example", "sending", 0),
    }
    assert actions(decide(PEOPLE, ledger)) == [
        ("anna@client.example", "skip", 1),
        ("bob@client.example", "send", 0),
        ("carl@agency.example", "hold", 0),
        ("dora@agency.example", "send", 0),
    ]
    assert actions(decide(PEOPLE, ledger, resend=True)) == [
        ("anna@client.example", "send", 1),  # a new Message-ID: not dropped as a duplicate
        ("bob@client.example", "send", 0),
        ("carl@agency.example", "send", 0),  # the uncertain message's own id
        ("dora@agency.example", "send", 0),
    ]
    only = decide(PEOPLE, ledger, resend=True, only=["Carl@Agency.example"])
    assert [d.action for d in only] == ["skip", "skip", "send", "skip"]
    assert only[0].reason == "not selected by --recipient"
    # A resend that was not confirmed after an earlier delivery: still delivered once.
    again = {"anna@client.example": row("anna@client.example", "sending", 1)}
    assert decide(PEOPLE[:1], again)[0].reason == "already sent 2026-11-03 08:00 UTC"


def test_report_holds_turn_sends_into_holds() -> None:
    held = decide(PEOPLE, {}, report_holds=["awaiting review"])
    assert {(d.action, d.reason) for d in held} == {("hold", "awaiting review")}


def test_message_ids_are_deterministic_per_recipient_and_attempt() -> None:
    first = message_id(KEY, "anna@client.example", 0, "agency.example")
    assert first == message_id(KEY, "anna@client.example", 0, "agency.example")
    assert first.startswith("<reporter.") and first.endswith(".0@agency.example>")
    assert first != message_id(KEY, "anna@client.example", 1, "agency.example")
    assert first != message_id(KEY, "bob@client.example", 0, "agency.example")
