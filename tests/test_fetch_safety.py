"""Nothing a run writes holds a token; a run killed with SIGKILL leaves a store a rerun finishes."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from support.fetch import ACME, GLOBEX, NORDLICHT, NOW, TINY, comparable, make_spec, run

from reporter.commands.fetch import fetch as run_fetch
from reporter.sandbox import Sandbox
from reporter.store.database import Store
from reporter.world import World

SPEC = """
[report]
client = "Leak test"
timezone = "UTC"
compare = "previous_period"

[[accounts]]
id = "{acme}"
name = "Acme"
token_env = "ACME_TOKEN"

[[accounts]]
id = "{nordlicht}"
name = "Nordlicht"
login = "instagram"
token_env = "NORDLICHT_TOKEN"

[[accounts]]
id = "{tiny}"
name = "Tiny"
token_env = "TINY_TOKEN"

[account_metrics]
metrics = ["reach", "views"]
time_series = ["reach"]

[media]
product_types = ["FEED", "REELS"]

[media.metrics]
FEED = ["views", "reach", "likes"]
REELS = ["views", "reach"]
"""


def _spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "leak.toml"
    path.write_text(SPEC.format(acme=ACME, nordlicht=NORDLICHT, tiny=TINY), encoding="utf-8")
    return path


def test_no_token_in_anything_a_run_writes_even_when_requests_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    spec = _spec_file(tmp_path)
    store = tmp_path / "store.db"
    out, err = io.StringIO(), io.StringIO()
    json_path = tmp_path / "out.json"
    caplog.set_level(logging.DEBUG)
    with Sandbox(seed=1, now=NOW, fault_rate=0.3) as sb:
        sb.invalidate_token(NORDLICHT, 467)  # a failing account: 190 on every request
        sb.faults.slow_seconds = 0.6
        tokens = set(sb.tokens.values()) | {sb.expired_token}
        environ = {
            "ACME_TOKEN": sb.token_for(ACME),
            "NORDLICHT_TOKEN": sb.token_for(NORDLICHT),
            "TINY_TOKEN": sb.expired_token,  # a second failing account: expired
        }
        monkeypatch.setenv("REPORTER_API_BASE_URL", sb.base_url)
        monkeypatch.setenv("REPORTER_STORE", str(store))
        monkeypatch.setenv("REPORTER_TIMEOUT", "0.4")
        monkeypatch.setenv("REPORTER_MAX_RETRIES", "12")
        world = World(now=NOW, environ={**os.environ, **environ}, out=out, err=err,
                      sleep=lambda s: None)  # fmt: skip
        status = run_fetch(
            spec, period_text="2026-10", json_path=json_path, refresh=False, offline=False,
            sandbox=False, world=world,
        )  # fmt: skip
    assert status == 1  # two accounts failed, Acme was fetched
    assert "Acme 2026-10: " in out.getvalue() and "ACME_TOKEN" not in err.getvalue()
    assert "renew the token and put the new one in NORDLICHT_TOKEN" in err.getvalue()
    assert "Session has expired on" in err.getvalue()
    assert caplog.records, "the client logs its requests"
    written = {
        "stdout": out.getvalue().encode(),
        "stderr": err.getvalue().encode(),
        "logs": "\n".join(
            f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records
        ).encode(),
        "json": json_path.read_bytes(),
    }
    for path in tmp_path.iterdir():
        if path.name.startswith("store.db"):
            written[path.name] = path.read_bytes()
    assert b'"snapshots"' not in written["json"] and len(written["store.db"]) > 10_000
    for token in tokens:
        for name, data in written.items():
            assert token.encode() not in data, f"token found in {name}"
            assert token.split("-")[-1].encode() not in data, f"token tail found in {name}"


def test_errors_and_clients_never_show_the_token() -> None:
    from pydantic import SecretStr

    from reporter.graph.client import GraphClient, RetryPolicy, error_from

    secret = "SBX-secret-0123456789abcdef"
    error = error_from({"error": {"message": f"bad token {secret}", "code": 190}}, 400, [secret])
    client = GraphClient(
        base_url="http://127.0.0.1:9", token=SecretStr(secret), timeout=1, retry=RetryPolicy()
    )
    for text in (str(error), repr(error), repr(client), str(vars(client))):
        assert secret not in text


KILLED_RUN = textwrap.dedent(
    """
    import datetime as dt, sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from support.fetch import GLOBEX, NOW, make_spec, run
    from reporter.sandbox import Sandbox
    with Sandbox(seed=1, now=NOW, latency_ms=300) as sb:  # one batch of 50 calls at a time
        run(sb, make_spec(GLOBEX), Path({store!r}), max_workers=1)
    print("finished")
    """
)


@pytest.mark.slow
def test_kill_9_in_the_middle_of_a_fetch_leaves_a_store_a_rerun_completes(
    tmp_path: Path,
) -> None:
    store = tmp_path / "killed.db"
    script = KILLED_RUN.format(tests=str(Path(__file__).parent), store=str(store))
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTER_")}
    child = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(0.1)
            if not store.exists():
                continue
            with Store.open(store, write=False) as peek:
                # Killed mid-unit: some calls stored, the unit not finished (150 ms a request
                # leaves seconds between the two, whatever the machine's load).
                if peek.counts()["calls"] >= 60 and not peek.unit_complete(GLOBEX, "2026-10"):
                    break
        assert child.poll() is None, "the fetch finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    with Store.open(store) as opened:
        counts = opened.counts()
        assert counts["integrity"] == 1 and counts["calls"] >= 60
        assert not opened.unit_complete(GLOBEX, "2026-10")
    with Sandbox(seed=1, now=NOW) as sb:
        [finished] = run(sb, make_spec(GLOBEX), store)
        rerun = sb.counter.by_endpoint
        [reference] = run(sb, make_spec(GLOBEX), tmp_path / "reference.db")
        full = sb.counter.by_endpoint["media_insights"] - rerun["media_insights"]
    assert finished.error is None
    assert comparable(finished.dataset) == comparable(reference.dataset)
    assert rerun["media_insights"] < full


def test_a_second_writer_waits_then_stops_with_a_clear_message(tmp_path: Path) -> None:
    from reporter.store.database import StoreBusy

    with Store.open(tmp_path / "s.db"), pytest.raises(StoreBusy) as caught:
        Store.open(tmp_path / "s.db", lock_timeout=0.3)
    assert str(caught.value) == (
        f"the store {tmp_path / 's.db'} is in use by another reporter run (waited 0.3 s); "
        "try again when it has finished"
    )


def test_offline_reader_is_not_blocked_by_a_writer(tmp_path: Path) -> None:
    with Sandbox(seed=1, now=NOW) as sb:
        run(sb, make_spec(GLOBEX), tmp_path / "s.db", "2026-09")
    with Store.open(tmp_path / "s.db"), Store.open(tmp_path / "s.db", write=False) as reader:
        data = reader.load_dataset(GLOBEX, "2026-09")
    assert data is not None and data.since == dt.date(2026, 9, 1)
