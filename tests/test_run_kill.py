"""`kill -9` in the middle of `reporter run --send`, and two runs at once: real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.run import NOW, NOW_TEXT, environment, ledger, run, write_spec
from support.smtp import Behaviour, SmtpServer

from reporter.sandbox import Sandbox

CAFE, GLOBEX = "17841400000000001", "17841400000000004"


def start(specs: Path, env: dict[str, str], out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reporter", "run", str(specs), "--send", "--out", str(out),
         "--now", NOW_TEXT],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.slow
def test_kill_9_between_messages_then_a_rerun_sends_each_exactly_once(tmp_path: Path) -> None:
    specs = tmp_path / "clients"
    write_spec(specs, CAFE, {"to": ["anna@client.example", "bob@client.example"]})
    write_spec(specs, GLOBEX, {"to": ["gina@client.example", "gus@client.example"]})
    with Sandbox(seed=1, now=NOW) as sb:
        with SmtpServer(Behaviour(block_rcpt=3)) as smtp:
            env = environment(sb, tmp_path, smtp.env())
            first = start(specs, env, tmp_path / "out")
            assert smtp.handler.blocked.wait(60), first.communicate()
            # An overlapping run (cron fired again) finds the store locked and does nothing.
            second = run([str(specs), "--send"], env | {"REPORTER_LOCK_TIMEOUT": "0.3"},
                         tmp_path / "out")  # fmt: skip
            assert second.status == 1
            assert "is in use by another reporter run (waited 0.3 s)" in second.err
            first.kill()  # SIGKILL: no cleanup, no final write
            first.wait()
            before = [r.recipients[0] for r in smtp.received]
        assert len(before) == 2
        with SmtpServer() as smtp:
            rerun = run([str(specs), "--send"], env | smtp.env(), tmp_path / "out")
            after = [r.recipients[0] for r in smtp.received]
    assert rerun.status == 0, rerun.err
    assert sorted(before + after) == [
        "anna@client.example", "bob@client.example", "gina@client.example", "gus@client.example",
    ]  # fmt: skip
    assert [row[1:] for row in ledger(tmp_path / "store.sqlite3")] == [("sent", 1)] * 4


@pytest.mark.slow
def test_kill_9_after_the_server_took_the_message_holds_it(tmp_path: Path) -> None:
    """The one window: the server has the message, the client dies before recording it."""
    spec = write_spec(tmp_path / "clients", CAFE, {"to": ["anna@client.example"]})
    with Sandbox(seed=1, now=NOW) as sb:
        with SmtpServer(Behaviour(block_data=1)) as smtp:
            env = environment(sb, tmp_path, smtp.env())
            first = start(spec, env, tmp_path / "out")
            assert smtp.handler.blocked.wait(60), first.communicate()
            first.kill()
            first.wait()
        assert len(smtp.received) == 1
        with SmtpServer() as smtp:
            rerun = run([str(spec), "--send"], env | smtp.env(), tmp_path / "out")
            assert smtp.received == [], "neither resent silently"
    assert rerun.status == 1
    assert "held anna@client.example: may have been sent at 2026-11-03 08:00 UTC" in rerun.err
    assert "check with the recipient before sending it again: `reporter run " in rerun.err
    assert ledger(tmp_path / "store.sqlite3") == [("anna@client.example", "sending", 0)]
