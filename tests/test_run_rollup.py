"""The roll-up e-mailed by `reporter run --send` like an account's report: once per recipient and
period through the same ledger, after its accounts' reports and from their data; held while an
account's report is not rendered; reviewed and approved like any report. The sandbox over HTTP,
aiosmtpd on loopback, the PDFs read back with pypdf and the CSVs with the csv module."""

from __future__ import annotations

import csv
import io
import os
import shlex
import signal
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
import redis
from support.cli import run_cli
from support.postgres import fresh_schema
from support.run import NOW, NOW_TEXT, environment, ledger, pdf_text, run
from support.services import redis_url
from support.smtp import SmtpServer

from reporter.sandbox import Sandbox
from reporter.store.database import Store
from reporter.store.ledger import ReportKey

CAFE, NORDLICHT = "17841400000000001", "17841400000000002"
ROLLUP_PDF = "Kaffee-Gruppe-gesamt-Instagram-2026-10.pdf"

SPEC = """\
[report]
client = "Kaffee Gruppe"
compare = "previous_period"
timezone = "Europe/Berlin"

[[accounts]]
id = "17841400000000001"
name = "Café Müller"
token_env = "CAFE_TOKEN"

[[accounts]]
id = "17841400000000002"
name = "Nordlicht Studio"
login = "instagram"
token_env = "NORDLICHT_TOKEN"

[account_metrics]
metrics = ["views", "reach", "likes", "saves"]

[output]
formats = ["pdf", "csv"]

[delivery]
to = ["anna@client.example"]
{delivery}
[quality]
hold_on_token_failure = false

[rollup]
name = "Kaffee Gruppe gesamt"
{rollup}"""


def write(folder: Path, *, delivery: str = "", rollup: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "gruppe.toml"
    path.write_text(SPEC.format(delivery=delivery, rollup=rollup), encoding="utf-8")
    return path


def by_subject(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    return {str(m["Subject"]): m for m in messages}


def attachments(message: EmailMessage) -> dict[str, bytes]:
    return {str(a.get_filename()): a.get_payload(decode=True) for a in message.iter_attachments()}


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def rollup_key(spec: Path) -> ReportKey:
    return ReportKey(str(spec.resolve()), "rollup", "2026-10")


@pytest.mark.slow
def test_the_rollup_goes_out_once_after_its_accounts(tmp_path: Path) -> None:
    own = (
        '[rollup.delivery]\nto = ["Zentrale <zentrale@client.example>"]\n'
        'subject = "{client}: {account}, {period}"\n'
    )
    spec = write(tmp_path / "specs", rollup=own)
    out = tmp_path / "out"
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        dry = run([str(spec), "--dry-run"], env, out)
        assert "gruppe.toml: Kaffee Gruppe gesamt 2026-10:\n  render the roll-up over its 2 " in (
            dry.out
        )
        first = run([str(spec), "--send"], env, out)
        assert first.status == 0, first.err
        lines = first.out.splitlines()
        assert lines[-2].startswith("gruppe.toml: Kaffee Gruppe gesamt 2026-10: sent to 1 of 1 ")
        assert lines[-1].startswith("3 report(s): 3 sent, 0 already sent, ")
        got = smtp.handler.by_recipient()
        assert sorted(got) == ["anna@client.example", "zentrale@client.example"]
        assert len(got["anna@client.example"]) == 2, "the accounts' reports, not the roll-up"
        [mail] = [r.message for r in got["zentrale@client.example"]]
        assert mail["Subject"] == "Kaffee Gruppe: Kaffee Gruppe gesamt, October 2026"
        assert mail["To"] == "Zentrale <zentrale@client.example>"
        files = attachments(mail)
        assert sorted(files) == [
            "Kaffee-Gruppe-gesamt-Instagram-2026-10.csv",
            ROLLUP_PDF,
        ]
        text = pdf_text(files[ROLLUP_PDF], tmp_path)
        assert "Kaffee Gruppe gesamt" in text and "October 2026" in text
        assert (
            "Kaffee Gruppe gesamt: by account" in text
            and "Café Müller" in text
            and "Nordlicht Studio" in text
        )
        assert "never summed across accounts" in " ".join(text.split())
        plain = mail.get_body(("plain",))
        assert plain is not None and "Views" in plain.get_content()

        # The roll-up's CSV: its table by account, every account's figure and the total.
        rows = csv_rows(files["Kaffee-Gruppe-gesamt-Instagram-2026-10.csv"])
        by_account = [r for r in rows if r["table"] == "rollup_accounts"]
        views = {r["column"]: r["value"] for r in by_account if r["row"] == "Views"}
        assert set(views) == {"Café Müller", "Nordlicht Studio", "All 2 accounts"}
        assert float(views["All 2 accounts"]) == pytest.approx(
            float(views["Café Müller"]) + float(views["Nordlicht Studio"])
        )
        reach = {r["column"]: r["value"] for r in by_account if r["row"] == "Accounts reached"}
        assert reach["All 2 accounts"] == "" and float(reach["Café Müller"]) > 0
        # Each account's CSV beside its PDF: the KPI totals with their comparison and change.
        [cafe] = [m.message for m in got["anna@client.example"]
                  if "Café-Müller-Instagram-2026-10.pdf" in attachments(m.message)]  # fmt: skip
        cafe_rows = csv_rows(attachments(cafe)["Café-Müller-Instagram-2026-10.csv"])
        kpis = {(r["row"], r["column"]): r["value"] for r in cafe_rows if r["table"] == "kpis"}
        assert float(kpis[("Views", "October 2026")]) == float(views["Café Müller"])
        assert {c for (row, c) in kpis if row == "Views"} >= {"September 2026", "change"}
        # ... and the roll-up's: the sums of the cards, with the sum of the comparison.
        summed = {(r["row"], r["column"]): r["value"] for r in rows if r["table"] == "kpis"}
        assert summed[("Views", "October 2026")] == views["All 2 accounts"]
        assert float(summed[("Views", "change")]) == pytest.approx(
            float(summed[("Views", "October 2026")]) - float(summed[("Views", "September 2026")])
        )
        assert ("Accounts reached", "October 2026") not in summed, "reach is never summed"

        second = run([str(spec), "--send"], env, out)
        assert second.status == 0, second.err
        assert len(smtp.received) == 3, "a second run sends nothing again"
        assert "gruppe.toml: Kaffee Gruppe gesamt 2026-10: 1 recipient(s) skipped: already " in (
            second.out
        )
    assert ledger(tmp_path / "store.sqlite3") == [
        ("anna@client.example", "sent", 1), ("anna@client.example", "sent", 1),
        ("zentrale@client.example", "sent", 1),
    ]  # fmt: skip


@pytest.mark.slow
def test_a_failed_account_holds_the_rollup_until_the_next_run(tmp_path: Path) -> None:
    spec = write(tmp_path / "specs")
    out = tmp_path / "out"
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        sb.expire_token(NORDLICHT)
        first = run([str(spec), "--send"], env, out)
        assert first.status == 1
        assert [str(r.message["Subject"]) for r in smtp.received] == [
            "Kaffee Gruppe: Instagram report October 2026"
        ], "Café Müller's report only"
        err = first.err.splitlines()
        failed = next(x for x in err if x.startswith("gruppe.toml: Nordlicht Studio 2026-10: "))
        assert "FAILED: not fetched" in failed
        at = err.index(next(x for x in err if x.startswith("gruppe.toml: Kaffee Gruppe gesamt")))
        assert err[at].startswith(
            "gruppe.toml: Kaffee Gruppe gesamt 2026-10: not sent: the roll-up waits until every "
            "account's report of the period is rendered; the next run sends it then ("
        )
        assert err[at + 1] == (
            "  held: Nordlicht Studio: its report was not rendered in this run (its line says why)"
        )
        assert err[-1].startswith("3 report(s): 1 sent, 0 already sent, 0 rendered, 1 held, 1 ")
        rollup_id = rollup_key(spec).report_id
        listed = run_cli(["pending"], env=env).stdout.splitlines()
        assert listed == [
            f"{rollup_id}  gruppe.toml: Kaffee Gruppe gesamt (rollup) 2026-10: waits for its "
            "accounts' reports (since 2026-11-03 08:00 UTC)",
            "  held: Nordlicht Studio: its report was not rendered in this run (its line says why)",
            "  the next `reporter run --send` sends it once they are all rendered",
        ]
        refused = run_cli(["approve", rollup_id, "--now", NOW.isoformat()], env=env)
        assert refused.status == 1 and len(smtp.received) == 1
        assert "not approved: the roll-up waits for its accounts' reports" in refused.err
        assert "  held: Nordlicht Studio: its report of 2026-10 is not rendered yet" in refused.err

        sb.restore_token(NORDLICHT)
        second = run([str(spec), "--send"], env, out)
        assert second.status == 0, second.err
        subjects = [str(r.message["Subject"]) for r in smtp.received]
        assert len(subjects) == 3
        [rollup_mail] = [r.message for r in smtp.received if ROLLUP_PDF in attachments(r.message)]
        text = pdf_text(attachments(rollup_mail)[ROLLUP_PDF], tmp_path)
        assert "Nordlicht Studio" in text and "Café Müller" in text
        assert "Café Müller 2026-10: 1 recipient(s) skipped: already sent" in second.out
        assert "nothing waits" in run_cli(["pending"], env=env).stdout


@pytest.mark.slow
def test_the_rollup_is_reviewed_and_approved_like_a_report(tmp_path: Path) -> None:
    spec = write(tmp_path / "specs", delivery="review = true\n")
    out = tmp_path / "out"
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        first = run([str(spec), "--send"], env, out)
        assert first.status == 1 and smtp.received == []
        [line] = [x for x in first.err.splitlines() if "Kaffee Gruppe gesamt 2026-10" in x]
        approve = f"reporter approve {spec.resolve()} --period 2026-10 --account rollup --out {out}"
        assert line.startswith("gruppe.toml: Kaffee Gruppe gesamt 2026-10: awaiting approval: ")
        assert f"`{approve}`" in line
        [summary] = out.rglob("Kaffee-Gruppe-gesamt-2026-10.review.txt")
        assert summary.read_text().startswith("Review: Kaffee Gruppe gesamt, 2026-10 (gruppe.toml)")
        assert "\nFigures\n  Views: " in summary.read_text()
        assert "\nNot available\n  as in each account's report" in summary.read_text()
        rollup_id = rollup_key(spec).report_id
        assert f"{rollup_id}  gruppe.toml: Kaffee Gruppe gesamt (rollup) 2026-10: awaiting " in (
            run_cli(["pending"], env=env).stdout
        )

        approved = run_cli(["approve", rollup_id, "--out", str(out), "--now", NOW.isoformat()],
                           env=env)  # fmt: skip
        assert approved.status == 0, approved.err
        [mail] = [r.message for r in smtp.received]
        files = attachments(mail)
        pdf = files[ROLLUP_PDF]
        [reviewed] = out.rglob("Kaffee-Gruppe-gesamt-2026-10.pdf")
        assert pdf == reviewed.read_bytes(), "the roll-up the reviewer saw"
        assert "Kaffee Gruppe gesamt" in pdf_text(pdf, tmp_path)
        again = run_cli(["approve", str(spec), "--period", "2026-10", "--account", "rollup",
                         "--out", str(out), "--now", NOW.isoformat()], env=env)  # fmt: skip
        assert again.status == 0 and len(smtp.received) == 1, "exactly once"
        assert "already sent" in again.out
        # The accounts still wait for their own approval: the roll-up's did not send them.
        assert run_cli(["pending"], env=env).stdout.count("awaiting approval") == 2


@pytest.mark.slow
def test_account_runs_leave_the_rollup_out_unless_asked(tmp_path: Path) -> None:
    spec = write(tmp_path / "specs")
    out = tmp_path / "out"
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        one = run([str(spec), "--send", "--account", CAFE], env, out)
        assert one.status == 0, one.err
        assert "Kaffee Gruppe gesamt" not in one.out and len(smtp.received) == 1
        early = run([str(spec), "--send", "--account", "rollup"], env, out)
        assert early.status == 1 and len(smtp.received) == 1
        assert "  held: Nordlicht Studio: its report of 2026-10 is not rendered yet" in early.err
        two = run([str(spec), "--send", "--account", "Nordlicht Studio"], env, out)
        assert two.status == 0 and len(smtp.received) == 2
        # From the accounts' archives: nothing is fetched for the roll-up.
        asked = run([str(spec), "--send", "--account", "kaffee gruppe gesamt"], env, out)
        assert asked.status == 0, asked.err
        assert asked.out.startswith("gruppe.toml: Kaffee Gruppe gesamt 2026-10: sent to 1 of 1 ")
        assert "(0 requests, " in asked.out
        assert len(smtp.received) == 3

        resend = run([str(spec), "--send", "--resend", "--period", "2026-10", "--account",
                      "rollup", "--recipient", "anna@client.example"], env, out)  # fmt: skip
        assert resend.status == 0, resend.err
        assert len(smtp.received) == 4
        again, first = smtp.received[3].message, smtp.received[2].message
        assert attachments(again) == attachments(first), "the same roll-up, sent again"
        assert again["Message-ID"] != first["Message-ID"]


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "reporter", "worker", "--concurrency", "1"],
        env={**os.environ, **env}, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


@pytest.mark.slow
def test_a_distributed_run_sends_the_rollup_once_after_the_workers(tmp_path: Path) -> None:
    """The enqueuing host hands the roll-up to the render queue once the workers are done with
    its accounts; a failed account holds it there too, and the next run sends it."""
    broker, namespace = redis_url()
    spec = write(tmp_path / "specs")
    worker = None
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp, fresh_schema() as store:
        env = environment(sb, tmp_path, smtp.env()) | {
            "REPORTER_STORE": store,
            "REPORTER_BROKER_URL": broker,
            "REPORTER_BROKER_NAMESPACE": namespace,
            "REPORTER_BROKER_WAIT": "300",
            "HOME": str(tmp_path / "home"),
        }
        host = [sys.executable, "-m", "reporter", "run", str(spec), "--send", "--now", NOW_TEXT,
                "--out", str(tmp_path / "out")]  # fmt: skip
        try:
            worker = _worker(env, tmp_path / "worker.log")
            sb.expire_token(NORDLICHT)
            first = subprocess.run(host, env={**os.environ, **env}, capture_output=True,
                                   text=True, timeout=600)  # fmt: skip
            held = len(smtp.received)
            sb.restore_token(NORDLICHT)
            second = subprocess.run(host, env={**os.environ, **env}, capture_output=True,
                                    text=True, timeout=600)  # fmt: skip
            sent = len(smtp.received)
            third = subprocess.run(host, env={**os.environ, **env}, capture_output=True,
                                   text=True, timeout=600)  # fmt: skip
            again = [*host, "--account", "rollup", "--resend", "--period", "2026-10"]
            resent = subprocess.run(again, env={**os.environ, **env}, capture_output=True,
                                    text=True, timeout=600)  # fmt: skip
        finally:
            if worker is not None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(30)
            kept = redis.Redis.from_url(broker)
            for name in kept.scan_iter(f"{namespace}:*"):
                kept.delete(name)
        with Store.open(store) as opened:
            rows = opened.deliveries(rollup_key(spec))
    assert first.returncode == 1, first.stdout + first.stderr
    assert held == 1, "Café Müller's report; Nordlicht failed, so no roll-up"
    assert "gruppe.toml: Kaffee Gruppe gesamt 2026-10: not sent: the roll-up waits until " in (
        first.stderr
    )
    assert "  held: Nordlicht Studio: its report was not rendered in this run" in first.stderr
    assert second.returncode == 0, second.stdout + second.stderr
    assert sent == 3
    assert "gruppe.toml: Kaffee Gruppe gesamt 2026-10: sent to 1 of 1 recipient(s)" in second.stdout
    assert "3 report(s): 2 sent, 1 already sent" in second.stdout
    assert third.returncode == 0, third.stdout + third.stderr
    assert "3 report(s): 0 sent, 3 already sent" in third.stdout, "nothing twice"
    # The roll-up alone, sent again on purpose: no account's task, the roll-up's only.
    assert resent.returncode == 0, resent.stdout + resent.stderr
    assert resent.stdout.startswith("gruppe.toml: Kaffee Gruppe gesamt 2026-10: sent to 1 of 1 ")
    assert "1 report(s): 1 sent" in resent.stdout
    assert len(smtp.received) == 4
    assert [(r.state, r.sent_count) for r in rows.values()] == [("sent", 2)]
    first_mail, resent_mail = [m.message for m in smtp.received
                               if ROLLUP_PDF in attachments(m.message)]  # fmt: skip
    text = pdf_text(attachments(first_mail)[ROLLUP_PDF], tmp_path)
    assert "Nordlicht Studio" in text and "Café Müller" in text
    assert pdf_text(attachments(resent_mail)[ROLLUP_PDF], tmp_path) == text


@pytest.mark.slow
def test_the_rollup_has_its_own_data_quality_holds_and_uncertain_rows(tmp_path: Path) -> None:
    spec = write(tmp_path / "specs")
    out = tmp_path / "out"
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        both = run([str(spec), "--send", "--account", CAFE, "--account", NORDLICHT], env, out)
        assert both.status == 0 and len(smtp.received) == 2, both.err
        # Stricter rules since the accounts went out: the roll-up of their data is held by them.
        text = spec.read_text().replace("[quality]\n", "[quality]\nmax_change_percent = 0.1\n")
        spec.write_text(text, encoding="utf-8")
        held = run([str(spec), "--send", "--account", "rollup"], env, out)
        assert held.status == 1 and len(smtp.received) == 2
        lines = held.err.splitlines()
        assert lines[0].startswith(
            "gruppe.toml: Kaffee Gruppe gesamt 2026-10: held by the data-quality rules: nothing "
            "was sent to 1 recipient(s); the next run sends it once the data is fine ("
        )
        assert lines[1].startswith("  held: Café Müller: views moved ")
        assert any(x.startswith("  held: Nordlicht Studio: ") for x in lines)
        rollup_id = rollup_key(spec).report_id
        listed = run_cli(["pending"], env=env).stdout.splitlines()
        assert listed[0].startswith(f"{rollup_id}  gruppe.toml: Kaffee Gruppe gesamt (rollup) ")
        assert listed[-1] == f"  send it: reporter approve {rollup_id}"
        approved = run_cli(["approve", rollup_id, "--out", str(out), "--now", NOW.isoformat()],
                           env=env)  # fmt: skip
        assert approved.status == 0, approved.err
        assert approved.err.startswith("approved despite: Café Müller: views moved ")
        assert len(smtp.received) == 3
        assert ROLLUP_PDF in attachments(smtp.received[2].message)

    # A message the SMTP server may have taken before reporter stopped: held, with the command
    # that sends that roll-up again to that recipient.
    second = write(tmp_path / "other")
    with Store.open(tmp_path / "store.sqlite3") as store:
        store.mark_sending(rollup_key(second), "anna@client.example", "<x@y>", now=NOW)
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        first = run([str(second), "--send"], env, out)
        assert first.status == 1 and len(smtp.received) == 2, "the accounts' reports only"
        command = (
            f"reporter run {second.resolve()} --send --resend --period 2026-10 --account rollup "
            f"--recipient anna@client.example --out {out}"
        )
        [line] = [x for x in first.err.splitlines() if "Kaffee Gruppe gesamt" in x]
        assert "held anna@client.example: may have been sent at 2026-11-03 08:00 UTC" in line
        assert f"`{command}`" in line
        resent = run(shlex.split(command)[2:-2], env, out)
        assert resent.status == 0, resent.err
        assert len(smtp.received) == 3 and ROLLUP_PDF in attachments(smtp.received[2].message)


@pytest.mark.slow
def test_an_account_rendered_before_counts_for_the_rollup(tmp_path: Path) -> None:
    """An account's report previewed with `reporter render`, whose only recipient may have got
    it (a 'sending' row): nothing to render in this run, and its render stands for the roll-up."""
    spec = write(tmp_path / "specs")
    out = tmp_path / "out"
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        preview = run_cli(["render", str(spec), "--out", str(out), "--now", NOW_TEXT], env=env)
        assert preview.status == 0, preview.err
        previewed = pdf_text(next(out.rglob("Kaffee-Gruppe-gesamt-2026-10.pdf")).read_bytes(),
                             tmp_path)  # fmt: skip
        with Store.open(tmp_path / "store.sqlite3") as store:
            key = ReportKey(str(spec.resolve()), CAFE, "2026-10")
            store.mark_sending(key, "anna@client.example", "<x@y>", now=NOW)
        ran = run([str(spec), "--send"], env, out)
        assert ran.status == 1, "Café Müller's report may have been sent: held"
        assert "Café Müller 2026-10: held anna@client.example: may have been sent" in ran.err
        assert "Kaffee Gruppe gesamt 2026-10: sent to 1 of 1 recipient(s)" in ran.out
        assert len(smtp.received) == 2, "Nordlicht Studio's report and the roll-up"
        [mail] = [r.message for r in smtp.received if ROLLUP_PDF in attachments(r.message)]
        text = pdf_text(attachments(mail)[ROLLUP_PDF], tmp_path)
        assert text == previewed, "the roll-up previewed, from the same data and date"


@pytest.mark.slow
def test_a_spec_without_delivery_renders_its_rollup_in_run_send(tmp_path: Path) -> None:
    spec = write(tmp_path / "specs")
    spec.write_text(spec.read_text().replace('[delivery]\nto = ["anna@client.example"]\n', ""))
    out = tmp_path / "out"
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        sb.expire_token(NORDLICHT)
        failed = run([str(spec), "--send", "--period", "2026-10"], env, out)
        assert failed.status == 1
        assert "gruppe.toml: Kaffee Gruppe gesamt 2026-10: FAILED: not rendered: the roll-up " in (
            failed.err
        )
        assert not list(out.rglob("Kaffee-Gruppe-gesamt-*"))
        sb.restore_token(NORDLICHT)
        ran = run([str(spec), "--send", "--period", "2026-10"], env, out)
        assert ran.status == 0, ran.err
        assert "Kaffee Gruppe gesamt 2026-10: rendered (no [delivery] block)" in ran.out
        assert smtp.received == []
        [pdf] = out.rglob("Kaffee-Gruppe-gesamt-2026-10.pdf")
        assert "Kaffee Gruppe gesamt: by account" in pdf_text(pdf.read_bytes(), tmp_path)
        assert "nothing waits" in run_cli(["pending"], env=env).stdout
