"""The ledger, the review gate's records and the render archive, on SQLite and PostgreSQL alike;
and exactly once across hosts: a recipient is claimed by one sender only (PostgreSQL: a row lock
with SKIP LOCKED, raced by real processes on their own connections)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import psycopg
import pytest
from support.postgres import SERVER, fresh_schema
from support.race import race

from reporter.dataset import AccountInfo, Dataset
from reporter.store.database import Store
from reporter.store.ledger import ReportKey

NOW = dt.datetime(2026, 11, 2, 17, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=1)
KEY = ReportKey("/specs/cafe.toml", "1", "2026-10")


def test_the_ledger_follows_each_step(store_at: Path | str) -> None:
    with Store.open(store_at) as store:
        assert store.deliveries(KEY) == {}
        store.mark_sending(KEY, "a@x.example", "<1@x>", now=NOW)
        store.mark_sent(KEY, "a@x.example", "250 ok", now=LATER)
        store.mark_sending(KEY, "b@x.example", "<2@x>", now=NOW)
        store.mark_failed(KEY, "c@x.example", "550 no such user", now=NOW)
        rows = store.deliveries(KEY)
        assert store.known_periods(KEY.spec, KEY.account_id) == {"2026-10"}
    a, b, c = rows["a@x.example"], rows["b@x.example"], rows["c@x.example"]
    assert (a.state, a.sent_count, a.sent_at, a.updated_at, a.detail, a.message_id) == (
        "sent", 1, LATER, LATER, "250 ok", "<1@x>"
    )  # fmt: skip
    assert (b.state, b.sent_count, b.sent_at) == ("sending", 0, None)
    assert (c.state, c.detail) == ("failed", "550 no such user")


def test_a_claim_holds_only_on_the_row_the_sender_decided_on(store_at: Path | str) -> None:
    with Store.open(store_at) as store:
        assert store.claim(KEY, "a@x.example", "<1@x>", seen=None, now=NOW)
        # a second sender that saw no row: someone else has it now
        assert not store.claim(KEY, "a@x.example", "<9@x>", seen=None, now=NOW)
        seen = store.deliveries(KEY)["a@x.example"]
        store.mark_sent(KEY, "a@x.example", "250 ok", now=LATER)
        # decided on the "sending" row, but it has been confirmed since: not again
        assert not store.claim(KEY, "a@x.example", "<9@x>", seen=seen, now=LATER)
        sent = store.deliveries(KEY)["a@x.example"]
        assert (sent.state, sent.message_id, sent.sent_count) == ("sent", "<1@x>", 1)
        # a deliberate resend decided on the confirmed row goes
        assert store.claim(KEY, "a@x.example", "<1.1@x>", seen=sent, now=LATER)
        assert store.deliveries(KEY)["a@x.example"].state == "sending"


def test_waiting_and_approvals(store_at: Path | str) -> None:
    other = dataclasses.replace(KEY, account_id="2")
    with Store.open(store_at) as store:
        store.wait(KEY, "review", ["a rule"], account_name="Café", summary="/s.html", now=LATER)
        store.wait(other, "held", [], account_name="Acme", now=NOW)
        assert [(w.key, w.kind) for w in store.waiting()] == [(other, "held"), (KEY, "review")]
        [mine] = store.waiting(KEY)
        assert (mine.reasons, mine.summary, mine.account_name) == (("a rule",), "/s.html", "Café")
        assert store.waiting_by_id(KEY.report_id[:6]) == [mine]
        store.wait(KEY, "held", ["late"], account_name="Café", now=LATER)  # replaces
        assert store.waiting(KEY)[0].reasons == ("late",)
        store.approve(KEY, ["late"], now=LATER)
        approval = store.approval(KEY)
        assert approval is not None and (approval.approved_at, approval.despite) == (
            LATER, ("late",)
        )  # fmt: skip
        assert store.approval(other) is None
        store.done_waiting(KEY)
        assert [w.key for w in store.waiting()] == [other]
        assert store.known_periods(KEY.spec, "2") == {"2026-10"}


def test_the_archive_keeps_datasets_and_rendered_files(store_at: Path | str) -> None:
    data = Dataset(AccountInfo("1", "acme", "Acme"), dt.date(2026, 10, 1), dt.date(2026, 10, 31),
                   fetched_at=NOW, media=(), observations=(), unavailable=(),
                   api_version="v25.0", timezone="UTC")  # fmt: skip
    pdf = b"%PDF-1.7\n\x00\xff" * 1000
    with Store.open(store_at) as store:
        store.archive(KEY.spec, "1", "2026-10", data, None, "Busy.", now=NOW)
        store.archive_files(KEY.spec, "1", "2026-10",
                            [("acme.pdf", pdf), ("acme.html", b"<p>")], now=NOW)  # fmt: skip
        kept = store.archived(KEY.spec, "1", "2026-10")
        assert kept is not None and (kept.current, kept.previous, kept.commentary) == (
            data, None, "Busy."
        )  # fmt: skip
        files = store.archived_files(KEY.spec, "1", "2026-10")
        assert [(f.name, f.content_type, f.data) for f in files] == [
            ("acme.html", "text/html", b"<p>"), ("acme.pdf", "application/pdf", pdf),
        ]  # fmt: skip
        store.archive(KEY.spec, "1", "2026-10", data, data, None, now=LATER)  # a new render
        assert store.archived_files(KEY.spec, "1", "2026-10") == []


@pytest.mark.slow
@pytest.mark.parametrize("before", ["no row", "a failed attempt"])
def test_two_processes_racing_for_each_recipient_one_wins(before: str) -> None:
    recipients = [f"r{n}@x.example" for n in range(25)]
    with fresh_schema() as url:
        with Store.open(url) as store:  # made before the race: it is for the rows, not the schema
            for recipient in recipients if before == "a failed attempt" else []:
                store.mark_failed(KEY, recipient, "421 try later", now=NOW)
        won = race(url, recipients, processes=2)
        with Store.open(url) as store:
            rows = store.deliveries(ReportKey("/specs/cafe.toml", "1", "2026-10"))
    assert sorted(won[0] + won[1]) == sorted(recipients)  # each won once, by one of them
    assert {r: rows[r].message_id for r in recipients} == {
        r: f"<{0 if r in won[0] else 1}@x>" for r in recipients
    }


def test_a_row_locked_by_another_host_is_skipped_not_waited_for() -> None:
    with fresh_schema() as url, Store.open(url) as store:
        store.mark_failed(KEY, "a@x.example", "421 try later", now=NOW)
        seen = store.deliveries(KEY)["a@x.example"]
        schema = url.rpartition("schema=")[2]
        with psycopg.connect(SERVER) as other:  # another host, mid-claim
            other.execute(
                f'SELECT 1 FROM "{schema}".deliveries WHERE recipient = %s FOR UPDATE',
                ("a@x.example",),
            )
            assert not store.claim(KEY, "a@x.example", "<1@x>", seen=seen, now=LATER)
            other.rollback()
        assert store.claim(KEY, "a@x.example", "<1@x>", seen=seen, now=LATER)
