"""One store, one writer, one delivery: a store reached through a symlink is locked as the same
store; a spec named twice is sent once; a sandbox run never writes the production store or its
ledger. Real processes, the sandbox over HTTP, aiosmtpd on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from support.cli import run_cli
from support.run import NOW, NOW_TEXT, environment, ledger, run, write_spec
from support.smtp import Behaviour, SmtpServer

from reporter.sandbox import Sandbox

CAFE = "17841400000000001"


@pytest.mark.slow
def test_the_same_store_through_a_symlink_has_one_writer(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "clients", CAFE, {"to": ["anna@client.example"]})
    real = tmp_path / "data" / "store.sqlite3"
    real.parent.mkdir()
    link = tmp_path / "link.sqlite3"
    link.symlink_to(real)
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer(Behaviour(block_rcpt=1)) as smtp:
        env = environment(sb, tmp_path, smtp.env()) | {"REPORTER_STORE": str(real)}
        first = subprocess.Popen(
            [sys.executable, "-m", "reporter", "run", str(spec), "--send", "--out",
             str(tmp_path / "out"), "--now", NOW_TEXT],
            env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert smtp.handler.blocked.wait(60), first.communicate()
            other = env | {"REPORTER_STORE": str(link), "REPORTER_LOCK_TIMEOUT": "0.3"}
            second = run([str(spec), "--send"], other, tmp_path / "out")
            assert second.status == 1, second.err
            assert "is in use by another reporter run (waited 0.3 s)" in second.err
            assert smtp.received == [], "the second run sent nothing"
        finally:
            first.kill()
            first.wait()


def test_a_spec_named_twice_is_sent_once(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "clients", CAFE, {"to": ["anna@client.example"]})
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        ran = run([str(spec), str(spec.parent), str(spec)], env | {}, tmp_path / "out")
        assert ran.status == 0
        both = [str(spec), str(spec.parent), "--send", "--account", "café müller"]  # by name
        ran = run(both, env, tmp_path / "out")
        assert ran.status == 0, ran.err
        assert [r.recipients for r in smtp.received] == [["anna@client.example"]]
        assert ran.out.splitlines()[-1].startswith("1 report(s): 1 sent, ")


def test_a_sandbox_run_keeps_to_its_own_store(tmp_path: Path) -> None:
    """REPORTER_STORE names the production store; `--sandbox --send` records its deliveries in
    a store of its own beside it, and every command it prints for the user says --sandbox."""
    spec = write_spec(tmp_path / "clients", CAFE, {"to": ["anna@client.example"]})
    production = tmp_path / "store.sqlite3"
    with SmtpServer() as smtp:
        env = {"REPORTER_STORE": str(production), **smtp.env()}
        out = tmp_path / "out"
        sent = run([str(spec), "--sandbox", "--send"], env, out)
        assert sent.status == 0, sent.err
        message = smtp.received[0].message
        assert message["Subject"].startswith("[sandbox]")
        [attachment] = list(message.iter_attachments())
        path = tmp_path / "sample.pdf"
        path.write_bytes(attachment.get_content())
        pages = [page.extract_text() for page in pypdf.PdfReader(path).pages]
        sample = "Sample report — simulated figures, not your account's data"
        assert len(pages) > 1 and all(sample in " ".join(p.split()) for p in pages), pages[0]
        assert not production.exists(), "the production store was not touched"
        beside = tmp_path / "store.sandbox.sqlite3"
        assert ledger(beside) == [("anna@client.example", "sent", 1)]

        review = run([str(spec), "--sandbox", "--send", "--review", "--period", "2026-09"],
                     env, out)  # fmt: skip
        assert review.status == 1
        assert f"--account {CAFE} --sandbox --out {out}`" in review.err
        listed = run_cli(["pending", "--sandbox"], env=env).stdout.splitlines()
        assert listed[-1].endswith(" --sandbox") and listed[-1].startswith("  send it: ")
        assert "nothing waits" in run_cli(["pending"], env=env).stdout
