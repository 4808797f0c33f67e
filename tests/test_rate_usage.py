"""Meta's usage headers shared through the store: a fetch on one host records the account's
usage, and the next fetch of that account (any host, within Meta's one-hour window) starts
paced by it instead of from zero. On SQLite and on a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from support.fetch import GLOBEX, NOW, context, make_spec, run

from reporter.fetch.execute import Options
from reporter.graph.limits import RateGate
from reporter.sandbox import Sandbox
from reporter.store.database import Store


def test_the_gate_tells_each_reading_that_moved_by_a_point() -> None:
    told: list[float] = []
    gate = RateGate(percent=40.0, shared=told.append)
    for reading in (40.2, 40.9, 41.5, None, 55.0, 55.5, 20.0):
        gate.observe(reading)
    assert told == [41.5, 55.0, 20.0]
    assert RateGate(percent=90.0).pause() > 0  # a gate that starts from others' usage waits


def test_the_store_keeps_the_last_reading_for_an_hour(store_at: Path | str) -> None:
    with Store.open(store_at) as store:
        assert store.usage(GLOBEX, now=NOW) == 0.0
        store.put_usage(GLOBEX, 82.0, now=NOW)
        store.put_usage(GLOBEX, 87.0, now=NOW + dt.timedelta(minutes=5))
        assert store.usage(GLOBEX, now=NOW + dt.timedelta(minutes=30)) == 87.0
        assert store.usage(GLOBEX, now=NOW + dt.timedelta(minutes=66)) == 0.0  # out of the hour
        assert store.usage("17841400000000001", now=NOW) == 0.0


def test_the_next_fetch_is_paced_by_the_usage_the_last_one_saw(
    store_at: Path | str, tmp_path: Path
) -> None:
    spec = make_spec(GLOBEX)
    with Sandbox(seed=1, now=NOW) as sb:  # how many calls September takes
        run(sb, spec, tmp_path / "count.sqlite3", "2026-09")
        calls = sum(sb.counter.by_endpoint.values())
        run(sb, spec, store_at)  # type: ignore[arg-type]  # October, for the refetch below
    # An allowance the month nearly spends: the headers say about 90 %, no error yet.
    with Sandbox(seed=1, now=NOW, rate_limit=int(calls / 0.9) + 1) as sb:
        run(sb, spec, store_at, "2026-09")  # type: ignore[arg-type]
        with Store.open(store_at) as store:
            seen = store.usage(GLOBEX, now=NOW)
        assert seen > 75.0
        # Another host refetches October: its first calls wait, as the first host's last did.
        sleeps: list[float] = []
        run(sb, spec, store_at, options=Options(refresh=True, thumbnails=False),  # type: ignore[arg-type]
            ctx=context(sb, sleeps=sleeps))  # fmt: skip
    assert sleeps and min(sleeps) > 0
