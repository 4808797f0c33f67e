"""SIGTERM (143) and Ctrl-C (130) in the middle of a command: real processes, real signals. One
line on stderr, no traceback, no worker left behind, and the store keeps what was stored."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest
from support.run import NOW, NOW_TEXT, environment, ledger, write_spec
from support.smtp import Behaviour, SmtpServer

from reporter.errors import Terminated, sigterm_raises
from reporter.sandbox import Sandbox

CAFE, NORDLICHT, GLOBEX = "17841400000000001", "17841400000000002", "17841400000000004"
EXAMPLE = Path(__file__).resolve().parent.parent / "reports.example.toml"
NOISE = ("Traceback", "Exception ignored", "leaked", "resource_tracker", "Error")


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reporter", *args, "--now", NOW_TEXT],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    """Until ``condition`` holds (bounded: a minute), while the process still runs."""
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the command never got there"
        time.sleep(0.02)


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux: /proc)."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def workers(pid: int) -> list[int]:
    """The render workers: the forkserver's children (it and the resource tracker are the
    run's own, and end on their own once the run is gone)."""
    return [w for child in children(pid) for w in children(child)]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def stop(process: subprocess.Popen[str], signum: int) -> tuple[int, str]:
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    return process.returncode, err


def rows(store: Path, table: str) -> int:
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "status", "line"), [
    (signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted"),
])  # fmt: skip
def test_a_signal_during_a_fetch(tmp_path: Path, signum: int, status: int, line: str) -> None:
    spec = EXAMPLE  # posts, reels and stories: a fetch of a few hundred calls
    store = tmp_path / "store.sqlite3"
    with Sandbox(seed=1, now=NOW, latency_ms=150) as sb:
        env = environment(sb, tmp_path, {})
        env |= {"ACME_IG_TOKEN": sb.token_for(CAFE), "NORDLICHT_IG_TOKEN": sb.token_for(NORDLICHT)}
        fetch = start(["fetch", str(spec), "--period", "2026-10"], env)
        wait_for(lambda: sb.counter.total >= 4, fetch)
        code, err = stop(fetch, signum)
        assert code == status, err
        assert err == f"{line}\n"
        assert not any(word in err for word in NOISE)
        stored = rows(store, "calls")
        assert stored > 0, "what was answered is stored"
        rerun = start(["fetch", str(spec), "--period", "2026-10"], env)
        _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert rows(store, "calls") > stored, "the first fetch stopped before its last call"


@pytest.mark.slow
def test_sigterm_while_rendering_in_workers_stops_them(tmp_path: Path) -> None:
    specs = tmp_path / "clients"
    for account in (CAFE, NORDLICHT, GLOBEX):
        write_spec(specs, account, {"to": ["anna@client.example"]})
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer() as smtp:
        env = environment(sb, tmp_path, smtp.env()) | {"REPORTER_RENDER_WORKERS": "2"}
        run = start(["run", str(specs), "--send", "--period", "2026-10",
                     "--out", str(tmp_path / "out")], env)  # fmt: skip
        wait_for(lambda: bool(workers(run.pid)), run)  # rendering has begun
        started = workers(run.pid)
        code, err = stop(run, signal.SIGTERM)
        assert code == 143, err
        assert "terminated\n" in err and not any(word in err for word in NOISE), err
        assert [pid for pid in started if alive(pid)] == []
        sent = len(smtp.received)
    states = ledger(tmp_path / "store.sqlite3")
    assert len(states) == sent < 3  # each message sent is recorded; the rest were not begun
    assert all(state == ("anna@client.example", "sent", 1) for state in states)


@pytest.mark.slow
def test_sigterm_while_a_message_is_sent_leaves_it_may_have_been_sent(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "clients", CAFE, {"to": ["anna@client.example"]})
    with Sandbox(seed=1, now=NOW) as sb, SmtpServer(Behaviour(block_data=1)) as smtp:
        env = environment(sb, tmp_path, smtp.env())
        run = start(["run", str(spec), "--send", "--out", str(tmp_path / "out")], env)
        assert smtp.handler.blocked.wait(60), run.communicate()
        code, err = stop(run, signal.SIGTERM)
    assert code == 143, err
    assert err.endswith("terminated\n") and not any(word in err for word in NOISE), err
    assert ledger(tmp_path / "store.sqlite3") == [("anna@client.example", "sending", 0)]


@pytest.mark.slow
def test_sigterm_while_rendering_in_process(tmp_path: Path) -> None:
    """`reporter run` without --send renders in this process (the README's first command)."""
    spec = write_spec(tmp_path / "clients", CAFE, {"to": ["anna@client.example"]})
    with Sandbox(seed=1, now=NOW) as sb:
        env = environment(sb, tmp_path, {})
        out = tmp_path / "out"
        run = start(["run", str(spec), "--period", "2026-10", "--out", str(out)], env)
        wait_for(lambda: rows_or_zero(tmp_path / "store.sqlite3", "units") > 0, run)
        wait_for(lambda: sb.counter.total > 0 and _settled(sb), run)
        code, err = stop(run, signal.SIGTERM)
    assert code == 143, err
    assert err == "terminated\n"
    assert rows(tmp_path / "store.sqlite3", "calls") > 0
    assert not list(out.rglob("*.tmp*")), "no half-written file"


def rows_or_zero(store: Path, table: str) -> int:
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
            return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.Error:
        return 0


def _settled(sb: Sandbox) -> bool:
    """No request for a moment: the fetch is done and the render under way."""
    before = sb.counter.total
    time.sleep(0.3)
    return sb.counter.total == before


def _swallowed_sigterm() -> None:
    """SIGTERM arriving inside a weakref callback, where Python drops whatever it raises."""

    class Thing:
        pass

    def callback(_: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)  # the handler runs here, and its Terminated is dropped

    thing = Thing()
    kept = weakref.ref(thing, callback)
    del thing
    assert kept() is None


@pytest.mark.parametrize("ends", ["normally", "with sys.exit(0)"])
def test_a_sigterm_python_dropped_still_ends_the_command(
    ends: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(Terminated), sigterm_raises():
        _swallowed_sigterm()
        if ends != "normally":
            sys.exit(0)  # the command's own status, as if nothing had come
    assert "Exception ignored" not in capsys.readouterr().err
