"""The review gate end to end over the sandbox and aiosmtpd: `run --send` renders and waits
with a review summary; `reporter pending` lists it; `reporter approve` sends it exactly once
(a second approve sends nothing); a held report approved despite its hold goes out and the
approval keeps what it overrode."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from support.cli import Ran, run_cli
from support.run import NOW, environment, write_spec
from support.smtp import SmtpServer

from reporter.sandbox import Sandbox
from reporter.store.ledger import ReportKey

CAFE = "17841400000000001"
EARLY = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)


def cli(args: list[str], env: dict[str, str], now: dt.datetime = NOW) -> Ran:
    return run_cli([*args, "--now", now.isoformat()], env=env)


@pytest.mark.slow
def test_review_then_approve_exactly_once(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "specs", CAFE, {"to": ["anna@client.example"]}, review="true")
    spec.write_text(spec.read_text().replace('review = "true"', "review = true"))
    out = str(tmp_path / "out")
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        dry = cli(["run", str(spec), "--dry-run", "--out", out], env)
        assert dry.out.splitlines()[1:4] == [
            "  fetch 5 API calls, then media insights; render ['pdf']",
            "  review: render, write a review summary, send nothing yet",
            "  send to anna@client.example",
        ]
        first = cli(["run", str(spec), "--send", "--out", out], env)
        assert first.status == 1
        assert smtp.received == []
        [line] = [x for x in first.err.splitlines() if x.startswith("cafe.toml")]
        assert line.startswith("cafe.toml: Café Müller 2026-10: awaiting approval: nothing was ")
        approve = f"reporter approve {spec.resolve()} --period 2026-10 --account {CAFE} --out {out}"
        assert f"`{approve}`" in line
        [summary] = (tmp_path / "out").rglob("*.review.txt")
        text = summary.read_text(encoding="utf-8")
        assert text.startswith("Review: Café Müller, 2026-10 (cafe.toml), report ")
        assert "\nFigures\n  Accounts reached: " in text
        assert "\nHolds (data-quality rules; approving sends it despite them)\n  none\n" in text

        report_id = ReportKey(str(spec.resolve()), CAFE, "2026-10").report_id
        assert f"\n     or: reporter approve {report_id}\n" in text
        listed = run_cli(["pending"], env=env)
        assert listed.exit_code == 0
        assert listed.stdout.splitlines() == [
            f"{report_id}  cafe.toml: Café Müller ({CAFE}) 2026-10: awaiting approval "
            "(since 2026-11-03 08:00 UTC)",
            f"  summary: {summary}",
            f"  send it: reporter approve {report_id}",
        ]

        again = cli(["run", str(spec), "--send", "--out", out], env)
        assert again.status == 1 and smtp.received == [], "a rerun still waits"

        approved = cli(["approve", str(spec), "--period", "2026-10", "--out", out], env)
        assert approved.status == 0, approved.err
        assert [r.recipients for r in smtp.received] == [["anna@client.example"]]
        [attachment] = list(smtp.received[0].message.iter_attachments())
        assert attachment.get_content() == next((tmp_path / "out").rglob("*.pdf")).read_bytes()

        twice = cli(["approve", str(spec), "--period", "2026-10", "--out", out], env)
        assert twice.status == 0
        assert len(smtp.received) == 1, "a second approve sends nothing"
        assert "already sent" in twice.out
        listed = run_cli(["pending"], env=env)
        assert "nothing waits" in listed.stdout


def test_review_flag_and_an_unknown_account(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "specs", CAFE, {"to": ["anna@client.example"]})
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        flag = cli(["run", str(spec), "--review", "--out", str(tmp_path / "out")], env)
        assert (flag.status, flag.err) == (2, "error: --review goes with --send or --dry-run\n")
        held = cli(["run", str(spec), "--send", "--review", "--out", str(tmp_path / "o")], env)
        assert held.status == 1 and smtp.received == []
        assert "awaiting approval: nothing was sent; review " in held.err
        unknown = cli(["approve", str(spec), "--period", "2026-10", "--account", "42"], env)
        assert unknown.status == 2
        assert unknown.err == "error: --account 42: not an account of the spec\n"


def test_a_held_report_approved_despite_its_hold(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "specs", CAFE, {"to": ["anna@client.example"]})
    out = str(tmp_path / "out")
    with Sandbox(seed=1, now=EARLY) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        held = cli(["run", str(spec), "--send", "--period", "2026-10", "--out", out], env, EARLY)
        assert held.status == 1 and smtp.received == []
        listed = run_cli(["pending"], env=env)
        assert listed.stdout.splitlines()[1].startswith("  held: fetched 2026-11-02 08:00 UTC")

        ok = cli(["approve", str(spec), "--period", "2026-10", "--account", CAFE, "--out", out],
                 env, EARLY)  # fmt: skip
        assert ok.status == 0, ok.err
        assert ok.err.startswith("approved despite: fetched 2026-11-02 08:00 UTC, before ")
        assert len(smtp.received) == 1
    with sqlite3.connect(tmp_path / "store.sqlite3") as db:
        [(despite,)] = db.execute("SELECT despite FROM approvals").fetchall()
    assert json.loads(despite)[0].startswith("fetched 2026-11-02 08:00 UTC")


@pytest.mark.slow
def test_approve_by_the_id_pending_shows(tmp_path: Path) -> None:
    """Approving by report id: the spec, period and account come from the store; a wrong,
    unknown or contradicted id is a usage error that sends nothing."""
    spec = write_spec(tmp_path / "specs", CAFE, {"to": ["anna@client.example"]})
    out = str(tmp_path / "out")
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        held = cli(["run", str(spec), "--send", "--review", "--out", out], env)
        assert held.status == 1 and smtp.received == []
        listed = run_cli(["pending"], env=env)
        report_id = listed.stdout.split()[0]
        assert report_id == ReportKey(str(spec.resolve()), CAFE, "2026-10").report_id

        wrong_period = cli(["approve", report_id, "--period", "2026-09"], env)
        assert wrong_period.status == 2
        assert wrong_period.err == f"error: {report_id} is the report of 2026-10, not of 2026-09\n"
        unknown = cli(["approve", "0000beef"], env)
        assert unknown.status == 2
        assert "no waiting report has this id; `reporter pending` lists them" in unknown.err
        neither = cli(["approve", "no-such.toml"], env)
        assert neither.status == 2 and "neither a spec file nor a report id" in neither.err
        no_period = cli(["approve", str(spec)], env)
        assert no_period.err == f"error: {spec}: a spec needs --period (or approve a report id)\n"
        assert smtp.received == []

        approved = cli(["approve", report_id[:6], "--out", out], env)
        assert approved.status == 0, approved.err
        assert [r.recipients for r in smtp.received] == [["anna@client.example"]]
        gone = cli(["approve", report_id, "--out", out], env)
        assert gone.status == 2 and "no waiting report has this id" in gone.err
        assert len(smtp.received) == 1
