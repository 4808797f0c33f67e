"""`reporter run --send` end to end: the sandbox over HTTP, aiosmtpd on loopback, the store in
tmp_path, the CLI in-process. Every e-mail is read back, PDFs included."""

from __future__ import annotations

import shlex
import ssl
from pathlib import Path

import pytest
from support.cli import run_cli
from support.run import NOW, environment, ledger, pdf_text, run, write_spec
from support.smtp import Behaviour, SmtpServer, certificate

from reporter.sandbox import Sandbox
from reporter.store.ledger import ReportKey

CAFE, NORDLICHT, GLOBEX = "17841400000000001", "17841400000000002", "17841400000000004"


@pytest.mark.slow
def test_three_specs_a_failing_account_then_the_rest_then_nothing(tmp_path: Path) -> None:
    """The issue's "done when": a folder of three specs; an expired token holds one account
    (exit 1 with the reason, the other two delivered); the next run delivers only that one; a
    third sends none.
    Over STARTTLS with a login when openssl can make a test certificate; no secret anywhere."""
    specs = tmp_path / "clients"
    for account, who in ((CAFE, "anna"), (NORDLICHT, "nils"), (GLOBEX, "gina")):
        write_spec(
            specs, account, {"to": [f"{who}@client.example"], "bcc": ["arch@agency.example"]}
        )
    password = "smtp-Secret-4711"
    made = certificate(tmp_path)
    tls = None
    if made is not None:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(*made)
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer(tls=tls, auth=("reports", password) if tls
                                                    else None) as smtp:  # fmt: skip
        env = environment(sb, tmp_path, smtp.env())
        if made is not None:
            env |= {"REPORTER_SMTP_STARTTLS": "true", "REPORTER_SMTP_USERNAME": "reports",
                    "REPORTER_SMTP_PASSWORD": password, "SSL_CERT_FILE": str(made[0])}  # fmt: skip
        log = tmp_path / "run.log"
        sb.expire_token(NORDLICHT)
        first = run([str(specs), "--send", "--log-file", str(log)], env, tmp_path / "out")
        assert first.status == 1, first.err
        got = smtp.handler.by_recipient()
        assert sorted(got) == ["anna@client.example", "arch@agency.example", "gina@client.example"]
        assert len(got["arch@agency.example"]) == 2
        # A report's line comes when it is delivered: the two renders run in parallel and either
        # may finish first, so the lines are in no fixed order; sorted, by spec file, they are.
        lines = sorted(first.out.splitlines())
        assert lines[0].startswith("cafe.toml: Café Müller 2026-10: sent to 2 of 2 recipient(s) (")
        assert lines[1].startswith("globex.toml: Globex 2026-10: sent to 2 of 2 recipient(s) (")
        held, why = first.err.splitlines()[:2]
        assert held.startswith(
            "nordlicht.toml: Nordlicht Studio 2026-10: held by the data-quality rules: nothing "
            "was sent to 2 recipient(s); the next run sends it once the data is fine ("
        )
        assert why.startswith("  held: token failed: Nordlicht Studio (17841400000000002): ")
        assert "renew the token and put the new one in NORDLICHT_TOKEN" in why
        assert first.err.splitlines()[-1].startswith(
            "3 report(s): 2 sent, 0 already sent, 0 rendered, 1 held, 0 failed in "
        )

        anna = got["anna@client.example"][0].message
        assert anna["Subject"] == "Café Müller: Instagram report October 2026"
        assert anna["To"] == "anna@client.example" and anna["Bcc"] is None
        assert anna["From"] == "Agentur Grün <reports@agency.example>"
        [attachment] = list(anna.iter_attachments())
        assert attachment.get_filename() == "Café-Müller-Instagram-2026-10.pdf"
        text = pdf_text(attachment.get_content(), tmp_path)
        assert "Café Müller" in text and "October 2026" in text
        written = next((tmp_path / "out").rglob("*Caf*2026-10.pdf")).read_bytes()
        assert attachment.get_content() == written
        plain = anna.get_body(("plain",))
        html = anna.get_body(("html",))
        assert plain is not None and html is not None
        assert "attached is the Instagram report for Café Müller for October 2026" in (
            plain.get_content()
        )
        assert "Accounts reached" in plain.get_content() and "Accounts reached" in (
            html.get_content()
        )

        sb.restore_token(NORDLICHT)
        second = run([str(specs), "--send", "--log-file", str(log)], env, tmp_path / "out")
        assert second.status == 0, second.err
        got = smtp.handler.by_recipient()
        assert {k: len(v) for k, v in got.items()} == {
            "anna@client.example": 1, "gina@client.example": 1, "nils@client.example": 1,
            "arch@agency.example": 3,
        }  # fmt: skip
        nils = got["nils@client.example"][0].message
        [nordlicht_pdf] = list(nils.iter_attachments())
        assert nordlicht_pdf.get_filename() == "Nordlicht-Studio-Instagram-2026-10.pdf"
        assert "Nordlicht Studio" in pdf_text(nordlicht_pdf.get_content(), tmp_path)
        assert "cafe.toml: Café Müller 2026-10: 2 recipient(s) skipped: already sent " in (
            second.out
        )

        before = len(smtp.received)
        third = run([str(specs), "--send", "--quiet", "--log-file", str(log)], env, tmp_path / "o")
        assert (third.status, third.out, third.err) == (0, "", "")
        assert len(smtp.received) == before
        assert not (tmp_path / "o").exists(), "nothing fetched or rendered for delivered reports"

    everything = first.out + first.err + second.out + second.err + log.read_text()
    everything += "".join(m.data.decode("ascii", "replace") for m in smtp.received)
    for secret in [password, *(sb.token_for(i) for i in (CAFE, NORDLICHT, GLOBEX))]:
        assert secret not in everything
    log_lines = log.read_text().splitlines()
    assert len(log_lines) == 5 + 4 + 4  # three report lines and a summary per run; one reason
    assert log_lines[0].startswith("2026-11-03T08:00:")


@pytest.fixture
def one(tmp_path: Path) -> Path:
    return write_spec(
        tmp_path / "specs",
        CAFE,
        {"to": ["Anna Ärger <anna@client.example>", "bob@client.example"],
         "cc": ["carl@agency.example"]},
    )  # fmt: skip


@pytest.mark.slow
def test_refused_recipient_dropped_connection_and_the_next_run(tmp_path: Path, one: Path) -> None:
    with Sandbox(seed=1, now=NOW) as sb:
        refusing = Behaviour(refuse={"bob@client.example"}, drop_before_message=3)
        with SmtpServer(refusing) as smtp:
            env = environment(sb, tmp_path, smtp.env())
            first = run([str(one), "--send"], env, tmp_path / "out")
        assert first.status == 1
        assert [r.recipients for r in smtp.received] == [["anna@client.example"]]
        [line] = [x for x in first.err.splitlines() if x.startswith("cafe.toml")]
        assert line.startswith("cafe.toml: Café Müller 2026-10: FAILED: the SMTP server 127.0.0.1:")
        assert "closed the connection after 1 of 3 message(s)" in line
        assert ledger(tmp_path / "store.sqlite3") == [
            ("anna@client.example", "sent", 1),
            ("bob@client.example", "failed", 0),
        ]
        with SmtpServer(Behaviour(refuse={"bob@client.example"})) as smtp:
            second = run([str(one), "--send"], env | smtp.env(), tmp_path / "out")
        assert second.status == 1
        assert [r.recipients for r in smtp.received] == [["carl@agency.example"]]
        [line] = [x for x in second.err.splitlines() if x.startswith("cafe.toml")]
        assert line.startswith(
            "cafe.toml: Café Müller 2026-10: FAILED: sent to 1 of 2 recipient(s); 1 recipient(s) "
            "skipped: already sent 2026-11-03 08:00 UTC (--resend sends again); refused "
            "bob@client.example: the server refused the recipient: 550 5.1.1 no such user here; "
            "check the address in [delivery] (the next run tries it again) ("
        )
        with SmtpServer() as smtp:
            third = run([str(one), "--send"], env | smtp.env(), tmp_path / "out")
        assert third.status == 0
        assert [r.recipients for r in smtp.received] == [["bob@client.example"]]
        assert ledger(tmp_path / "store.sqlite3") == [
            ("anna@client.example", "sent", 1),
            ("bob@client.example", "sent", 1),
            ("carl@agency.example", "sent", 1),
        ]


@pytest.mark.slow
def test_an_unconfirmed_message_is_held_until_resent_on_purpose(tmp_path: Path, one: Path) -> None:
    with Sandbox(seed=1, now=NOW) as sb:
        with SmtpServer(Behaviour(drop_after_data=1)) as smtp:
            env = environment(sb, tmp_path, smtp.env())
            first = run([str(one), "--send"], env, tmp_path / "out")
        assert first.status == 1
        uncertain = smtp.received[0].message["Message-ID"]
        assert "the message to anna@client.example was handed over but not confirmed" in first.err

        with SmtpServer() as smtp:
            env |= smtp.env()
            second = run([str(one), "--send"], env, tmp_path / "out")
            assert second.status == 1
            assert sorted(r.recipients[0] for r in smtp.received) == [
                "bob@client.example", "carl@agency.example"]  # fmt: skip
            [line] = [x for x in second.err.splitlines() if x.startswith("cafe.toml")]
            out = tmp_path / "out"
            command = (
                f"reporter run {one.resolve()} --send --resend --period 2026-10 --account {CAFE} "
                f"--recipient anna@client.example --out {out}"
            )
            reason = (
                "may have been sent at 2026-11-03 08:00 UTC: reporter stopped after handing it "
                "to the SMTP server and before the server's answer was recorded; check with the "
                f"recipient before sending it again: `{command}`"
            )
            assert f"held anna@client.example: {reason}" in line
            dry = run([str(one), "--dry-run"], env, out)
            assert dry.status == 0
            assert dry.out.splitlines()[:5] == [
                "cafe.toml: Café Müller 2026-10:",
                "  fetch and render nothing: nothing to send",
                f"  hold to anna@client.example: {reason}",
                "  skip to bob@client.example: already sent 2026-11-03 08:00 UTC",
                "  skip cc carl@agency.example: already sent 2026-11-03 08:00 UTC",
            ]
            listed = run_cli(["pending"], env=env)
            report_id = ReportKey(str(one.resolve()), CAFE, "2026-10").report_id
            assert listed.stdout.splitlines() == [
                f"{report_id}  cafe.toml: Café Müller ({CAFE}) 2026-10: may have been sent "
                "(since 2026-11-03 08:00 UTC)",
                f"  held: {reason}",
            ]
            everything = run([str(one), "--send", "--resend"], env, out)
            assert everything.status == 2 and len(smtp.received) == 2
            assert everything.err == (
                "error: --resend sends one report again: name its --period; nothing was sent\n"
            )
            # The command the held line prints, word for word: that recipient of that report.
            third = run(shlex.split(command)[2:], env, out)
            assert third.status == 0, third.err
            assert [r.recipients for r in smtp.received[2:]] == [["anna@client.example"]]
            assert smtp.received[-1].message["Message-ID"] == uncertain  # same id: dedupable
            assert "nothing waits" in run_cli(["pending"], env=env).stdout
            again = run([str(one), "--send", "--resend", "--period", "2026-10"], env, out)
            assert again.status == 0
            assert len(smtp.received) == 2 + 1 + 3
            ids = {m.message["Message-ID"] for m in smtp.received[-3:]}
            assert uncertain not in ids and len(ids) == 3, "a deliberate resend gets new ids"


def test_invalid_specs_and_missing_settings_stop_before_anything(tmp_path: Path, one: Path) -> None:
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        broken = one.parent / "broken.toml"
        broken.write_text('extends = "base.toml"\n[report]\nclient = "X"\n[[accounts]]\n'
                          'id = "17841400000000004"\nname = "G"\ntoken_env = "GLOBEX_TOKEN"\n'
                          '[delivery]\nto = ["not-an-address"]\n')  # fmt: skip
        invalid = run([str(one.parent), "--send"], env, tmp_path / "out")
        assert invalid.status == 2
        assert 'not an e-mail address: "not-an-address"' in invalid.out + invalid.err
        assert "error: 1 error in" in invalid.err and "nothing was fetched or sent" in invalid.err
        broken.unlink()
        del env["REPORTER_MAIL_FROM"]
        unset = run([str(one), "--send"], env, tmp_path / "out")
        assert unset.status == 2
        assert unset.err == (
            "error: --send: set REPORTER_MAIL_FROM (in the environment or .env) to deliver by "
            "e-mail; nothing was fetched or sent\n"
        )
        usage = run([str(one), "--resend"], env, tmp_path / "out")
        assert usage.status == 2 and "--resend and --recipient go with --send" in usage.err
        assert smtp.received == [] and not (tmp_path / "out").exists()
        assert sb.counter.total == 0, "nothing was fetched"


def test_a_recipient_another_host_claimed_first_is_its_to_send_not_a_failure(
    tmp_path: Path,
) -> None:
    """Between this run's decision and its message, another host claims one recipient in the
    ledger (a row 'sending' appears): this run sends that one nothing and says who has it; the
    other recipient gets the report; nothing failed, exit 0."""
    import datetime as dt
    import sqlite3

    spec = write_spec(
        tmp_path / "specs", CAFE, {"to": ["anna@client.example", "ben@client.example"]}
    )
    store = tmp_path / "store.sqlite3"

    def other_host(recipient: str) -> None:
        if recipient != "anna@client.example":
            return
        with sqlite3.connect(store) as db:
            db.execute(
                "INSERT INTO deliveries (spec, account_id, period, recipient, state, message_id,"
                " sent_count, updated_at, detail) VALUES (?, ?, ?, ?, 'sending', '<other@x>', 0,"
                " ?, '')",
                (
                    str(spec.resolve()),
                    CAFE,
                    "2026-10",
                    recipient,
                    dt.datetime.now(dt.UTC).isoformat(),
                ),
            )

    with Sandbox(seed=1, now=NOW) as sb, SmtpServer(Behaviour(on_rcpt=other_host)) as smtp:
        env = environment(sb, tmp_path, smtp.env())
        ran = run([str(spec), "--send"], env, tmp_path / "out")
        assert ran.status == 0, ran.output
        assert sorted(smtp.handler.by_recipient()) == ["ben@client.example"]
    [line] = [x for x in ran.out.splitlines() if x.startswith("cafe.toml")]
    assert (
        "sent to 1 of 2 recipient(s); 1 being sent by another run at this moment "
        "(anna@client.example;" in line
    )
    assert "FAILED" not in ran.output and "refused" not in ran.output
    rows = dict((r, (state, n)) for r, state, n in ledger(store))
    assert rows == {"anna@client.example": ("sending", 0), "ben@client.example": ("sent", 1)}
