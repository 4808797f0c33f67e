"""`reporter run --send` as a daily cron job: every due period goes out exactly once whatever
day (and time zone) the run happens on, a held month is sent by the first later run, `--dry-run`
predicts it without SMTP settings, and wrong SMTP settings fail before anything is fetched.
The sandbox over HTTP, aiosmtpd on loopback, the store in tmp_path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from support.cli import Ran, run_cli
from support.run import environment, ledger, write_spec
from support.smtp import SmtpServer, free_port

from reporter.sandbox import Sandbox

CAFE = "17841400000000001"
# README's old schedule, `0 8 3 * *` on a machine in Tokyo: 08:00 JST on the 3rd is 23:00 UTC on
# the 2nd, before October's figures settle (3 November 07:00 UTC for a Berlin spec).
TOKYO_NOV = dt.datetime(2026, 11, 2, 23, 0, tzinfo=dt.UTC)
TOKYO_DEC = dt.datetime(2026, 12, 2, 23, 0, tzinfo=dt.UTC)  # November settles 3 Dec 08:00 UTC
DAY_AFTER = dt.datetime(2026, 12, 3, 23, 0, tzinfo=dt.UTC)


def run_at(now: dt.datetime, args: list[str], env: dict[str, str], out: Path) -> Ran:
    return run_cli(["run", *args, "--out", str(out), "--now", now.isoformat()], env=env)


def test_a_month_held_by_the_settling_window_goes_out_with_the_next_run(tmp_path: Path) -> None:
    """Before the catch-up, October was held on 2 November and the December run reported
    November only: October was never sent."""
    spec = write_spec(tmp_path / "specs", CAFE, {"to": ["anna@client.example"]})
    out = tmp_path / "out"
    with Sandbox(seed=1, now=TOKYO_NOV) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        early = run_at(TOKYO_NOV, [str(spec), "--send"], env, out)
        assert early.status == 0, early.err  # expected, not a failure: cron stays quiet
        assert early.out.splitlines()[0].startswith(
            "cafe.toml: Café Müller 2026-10: not due yet: Meta's 48-hour settling window closes "
            "2026-11-03 07:00 UTC; the first run after then sends it ("
        )
        assert "1 not due yet" in early.out and smtp.received == []
        assert sb.counter.total == 0, "nothing fetched for a period not due"
        listed = run_cli(["pending"], env=env).stdout
        assert "2026-10: held (since 2026-11-02 23:00 UTC)" in listed

        sb.set_now(TOKYO_DEC)
        dry = run_at(TOKYO_DEC, [str(spec), "--dry-run"], env, out)
        assert dry.status == 0
        assert dry.out.splitlines()[0] == "cafe.toml: Café Müller 2026-10:"
        assert "  send to anna@client.example" in dry.out.splitlines()
        assert dry.out.splitlines()[-2:] == [
            "  not due yet: Meta's 48-hour settling window closes 2026-12-03 08:00 UTC; the first "
            "run after then sends it",
            f"dry run: nothing was fetched, rendered or sent (SMTP server 127.0.0.1:{smtp.port})",
        ]
        december = run_at(TOKYO_DEC, [str(spec), "--send", "--quiet"], env, out)
        assert (december.status, december.err) == (0, "")
        [october] = smtp.received
        assert october.message["Subject"] == "Café Müller: Instagram report October 2026"

        sb.set_now(DAY_AFTER)
        daily = run_at(DAY_AFTER, [str(spec), "--send"], env, out)
        assert daily.status == 0, daily.err
        assert [m.message["Subject"] for m in smtp.received[1:]] == [
            "Café Müller: Instagram report November 2026"
        ]
        assert "cafe.toml: Café Müller 2026-10: 1 recipient(s) skipped: already sent" in daily.out
        again = run_at(DAY_AFTER, [str(spec), "--send", "--quiet"], env, out)
        assert (again.status, again.out, again.err, len(smtp.received)) == (0, "", "", 2)
    assert "nothing waits" in run_cli(["pending"], env=env).stdout


def test_a_new_spec_starts_with_its_newest_month(tmp_path: Path) -> None:
    """The look-back is for months the store knows were due: adding a client in December
    sends November, not October too."""
    spec = write_spec(tmp_path / "specs", CAFE, {"to": ["anna@client.example"]})
    with Sandbox(seed=1, now=DAY_AFTER) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        ran = run_at(DAY_AFTER, [str(spec), "--send"], env, tmp_path / "out")
        assert ran.status == 0, ran.err
        assert [m.message["Subject"] for m in smtp.received] == [
            "Café Müller: Instagram report November 2026"
        ]


def test_dry_run_needs_no_smtp_settings(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "specs", CAFE, {"to": ["anna@client.example"]})
    with Sandbox(seed=1, now=TOKYO_NOV) as sb:
        env = environment(sb, tmp_path, {})
        dry = run_at(TOKYO_NOV, [str(spec), "--dry-run"], env, tmp_path / "out")
    assert dry.status == 0, dry.err
    assert dry.out.splitlines() == [
        "cafe.toml: Café Müller 2026-10:",
        "  not due yet: Meta's 48-hour settling window closes 2026-11-03 07:00 UTC; the first run "
        "after then sends it",
        "dry run: nothing was fetched, rendered or sent (--send: set REPORTER_SMTP_HOST and "
        "REPORTER_MAIL_FROM (in the environment or .env) to deliver by e-mail)",
    ]


def test_wrong_smtp_settings_fail_before_the_fetch(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "specs", CAFE, {"to": ["anna@client.example"]})
    now = DAY_AFTER
    with Sandbox(seed=1, now=now) as sb:
        port = free_port()  # nothing listens there
        env = environment(sb, tmp_path, SmtpServer().env() | {"REPORTER_SMTP_PORT": str(port)})
        refused = run_at(now, [str(spec), "--send"], env, tmp_path / "out")
        assert refused.status == 2
        [line] = refused.err.splitlines()
        assert line.startswith(f"error: --send: the SMTP server 127.0.0.1:{port}: ")
        assert line.endswith(
            "; check REPORTER_SMTP_HOST and REPORTER_SMTP_PORT; nothing was fetched or sent"
        )
        with SmtpServer() as plain:  # offers no STARTTLS
            starttls = env | plain.env() | {"REPORTER_SMTP_STARTTLS": "true"}
            no_tls = run_at(now, [str(spec), "--send"], starttls, tmp_path / "out")
        assert no_tls.status == 2
        assert no_tls.err == (
            f"error: --send: the SMTP server 127.0.0.1:{plain.port}: the server does not offer "
            "STARTTLS (set REPORTER_SMTP_STARTTLS=false only for a relay on this machine); "
            "nothing was fetched or sent\n"
        )
        assert sb.counter.total == 0, "nothing was fetched"
    assert ledger(tmp_path / "store.sqlite3") == [] and not (tmp_path / "out").exists()
