"""`reporter run --send` never e-mails a report whose fetch left calls to fetch again: under
injected faults it is held (exit 1, the reason shown), and the next run completes and sends it."""

from __future__ import annotations

from pathlib import Path

from support.run import NOW, environment, ledger, run, write_spec
from support.smtp import SmtpServer

from reporter.sandbox import Sandbox

CAFE = "17841400000000001"


def test_faults_hold_the_report_and_the_next_run_sends_it_complete(tmp_path: Path) -> None:
    specs = tmp_path / "clients"
    write_spec(specs, CAFE, {"to": ["anna@client.example"]})
    with Sandbox(seed=1, now=NOW, fault_rate=0.5) as sb, SmtpServer() as smtp:
        sb.faults.slow_seconds = 0.05
        env = environment(sb, tmp_path, smtp.env())  # REPORTER_MAX_RETRIES=0: faults stay
        first = run([str(specs), "--send"], env, tmp_path / "out")
        assert first.status == 1, first.err
        assert smtp.handler.by_recipient() == {}
        assert "held by the data-quality rules: nothing was sent to 1 recipient(s)" in first.err
        held = [line for line in first.err.splitlines() if line.startswith("  held: ")]
        assert held and all(
            line.startswith("  held: data incomplete: Café Müller (17841400000000001) 2026-")
            for line in held
        ), held  # only that: the other rules are not judged on a part of the data
        assert "running the same command again fetches the rest" in first.err
        sb.set_fault_rate(0.0)
        second = run([str(specs), "--send"], env, tmp_path / "out")
        assert second.status == 0, second.err
        assert sorted(smtp.handler.by_recipient()) == ["anna@client.example"]
    assert ledger(tmp_path / "store.sqlite3")[0][1:] == ("sent", 1)
