"""Data-quality holds in `reporter run --send`, end to end over the sandbox and aiosmtpd: a held
report is not sent and says why (exit 1, one line per rule), and a later run sends it once the
problem is gone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from support.cli import Ran, run_cli
from support.run import NOW, environment, ledger, write_spec
from support.smtp import SmtpServer

from reporter.sandbox import Sandbox

CAFE = "17841400000000001"
EARLY = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)  # before October settled (3 Nov 07:00)


def run_at(now: dt.datetime, args: list[str], env: dict[str, str], out: Path) -> Ran:
    return run_cli(["run", *args, "--out", str(out), "--now", now.isoformat()], env=env)


def test_held_before_meta_settled_then_sent_by_the_next_run(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "specs", CAFE, {"to": ["anna@client.example"]})
    with Sandbox(seed=1, now=EARLY) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        # --period forces the period: fetched before it settled, held by the data-quality rule
        forced = [str(spec), "--send", "--quiet", "--period", "2026-10"]
        first = run_at(EARLY, forced, env, tmp_path / "out")
        assert first.status == 1
        assert smtp.received == []
        lines = first.err.splitlines()
        assert lines[0].startswith(
            "cafe.toml: Café Müller 2026-10: held by the data-quality rules: nothing was sent to "
            "1 recipient(s); the next run sends it once the data is fine ("
        )
        assert lines[1] == (
            "  held: fetched 2026-11-02 08:00 UTC, before Meta's 48-hour settling window closed "
            "2026-11-03 07:00 UTC: a run after then fetches the settled figures and sends it"
        )
        assert lines[2].startswith("1 report(s): 0 sent, 0 already sent, 0 rendered, 1 held, ")
        assert ledger(tmp_path / "store.sqlite3") == []

        sb.set_now(NOW)
        second = run_at(NOW, [str(spec), "--send", "--quiet"], env, tmp_path / "out")
        assert (second.status, second.err) == (0, "")
        assert [r.recipients for r in smtp.received] == [["anna@client.example"]]


def test_quality_rules_off_in_the_spec_send_at_once(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "specs", CAFE, {"to": ["anna@client.example"]})
    spec.write_text(
        spec.read_text(encoding="utf-8") + "\n[quality]\nwait_for_settling = false\n",
        encoding="utf-8",
    )
    with Sandbox(seed=1, now=EARLY) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        ran = run_at(EARLY, [str(spec), "--send", "--quiet"], env, tmp_path / "out")
        assert (ran.status, ran.err) == (0, "")
        assert len(smtp.received) == 1


def test_a_kpi_moving_more_than_the_spec_allows_is_held(tmp_path: Path) -> None:
    """The sandbox's October against September moves a few percent; a spec that allows 1%
    holds the report with one line per moving metric, and sends nothing."""
    spec = write_spec(tmp_path / "specs", CAFE, {"to": ["anna@client.example"]})
    spec.write_text(
        spec.read_text(encoding="utf-8") + "\n[quality]\nmax_change_percent = 1\n",
        encoding="utf-8",
    )
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env())
        ran = run_at(NOW, [str(spec), "--send", "--quiet"], env, tmp_path / "out")
        assert ran.status == 1 and smtp.received == []
        held = [line for line in ran.err.splitlines() if line.startswith("  held: ")]
        assert held, ran.err
        for line in held:
            assert " moved " in line and line.endswith(
                "more than 1%): a possible data error, check it"
            )
        assert ledger(tmp_path / "store.sqlite3") == []
