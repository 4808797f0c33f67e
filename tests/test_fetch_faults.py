"""The wire's failures: a transient error is never a permanent gap, a broken answer is never
data, and an address nobody listens at stops the fetch quickly with one line naming it."""

from __future__ import annotations

import random
import socket
from pathlib import Path

import pytest
from pydantic import SecretStr
from support.cli import run_cli
from support.fetch import GLOBEX, NORDLICHT, NOW, comparable, context, make_spec, run

from reporter.fetch.explain import IncompleteFetch
from reporter.graph.client import GraphClient, Request, RetryPolicy, Unreachable
from reporter.sandbox import Sandbox
from reporter.store.database import Store

PERIOD = "2026-10-01..2026-10-10"
# N: a first run without retries at 50 % faults leaves most calls to fetch again; reruns with the
# default 6 retries needed 1 to 4 (12 fault seeds measured); a batch POST is lost with p = 1/128
RERUNS = 10


def _spec():  # type: ignore[no-untyped-def]
    return make_spec(
        GLOBEX, NORDLICHT,
        media={"product_types": ["FEED", "REELS"],
               "metrics": {"FEED": ["reach", "likes", "facebook_views"]}},
    )  # fmt: skip


def _until_complete(sb: Sandbox, store: Path, *, retries: int,
                    first_without_retries: bool = False) -> tuple[list, int]:  # type: ignore[type-arg]  # fmt: skip
    """Fetch, then rerun while something is incomplete; (outcomes, reruns it took)."""
    spec = _spec()
    for rerun in range(RERUNS + 1):
        # the first run without retries: at 50 % faults it surely leaves calls to fetch again
        ctx = context(sb, timeout=0.5)
        ctx.retry.max_retries = 0 if rerun == 0 and first_without_retries else retries
        outcomes = run(sb, spec, store, PERIOD, ctx=ctx)
        for outcome in outcomes:
            if outcome.incomplete:
                assert isinstance(outcome.error, IncompleteFetch)
                assert "running the same command again fetches the rest" in str(outcome.error)
        if not any(o.incomplete for o in outcomes):
            return outcomes, rerun
    raise AssertionError(f"still incomplete after {RERUNS} reruns")


def _unavailable_reasons(store: Path) -> set[str]:
    with Store.open(store, write=False) as db:
        found: set[str] = set()
        for account in (GLOBEX, NORDLICHT):
            for label in ("2026-10-01..2026-10-10",):
                data = db.load_dataset(account, label)
                if data is not None:
                    found |= {u.reason for u in data.unavailable}
        return found


def test_at_50_percent_faults_reruns_reach_the_fault_free_dataset(tmp_path: Path) -> None:
    """The delivery issue: values lost to errors still transient after the retries were stored
    as "unavailable" and never fetched again. Now they stay missing, the outcome says so, and
    at most RERUNS reruns give exactly the fault-free datasets."""
    with Sandbox(seed=1, now=NOW) as sb:
        clean = run(sb, _spec(), tmp_path / "clean.db", PERIOD)
    store = tmp_path / "faulty.db"
    with Sandbox(seed=1, now=NOW, fault_rate=0.5) as sb:
        sb.faults.slow_seconds = 0.05
        final, reruns = _until_complete(sb, store, retries=6, first_without_retries=True)
    assert 1 <= reruns <= RERUNS, "the fault rate left calls to fetch again"
    assert not any("retry your request later" in r.lower() for r in _unavailable_reasons(store))
    for a, b in zip(clean, final, strict=True):
        assert b.error is None, b.error
        assert comparable(a.dataset) == comparable(b.dataset)


def test_corrupt_answers_are_retried_never_stored_and_reruns_complete(tmp_path: Path) -> None:
    """HTML with status 200, truncated JSON, JSON that is not an object, a batch item whose
    body is not JSON: retried, then left for a rerun; never data, never a crash."""
    with Sandbox(seed=1, now=NOW) as sb:
        clean = run(sb, _spec(), tmp_path / "clean.db", PERIOD)
    store = tmp_path / "corrupt.db"
    with Sandbox(seed=1, now=NOW, corrupt_rate=0.3) as sb:
        final, _ = _until_complete(sb, store, retries=6)
        assert sb.faults.corrupted > 0
    for a, b in zip(clean, final, strict=True):
        assert b.error is None, b.error
        assert comparable(a.dataset) == comparable(b.dataset)


@pytest.mark.parametrize("kind", ["html200", "truncated", "not_object"])
def test_each_corrupt_answer_is_retried(kind: str) -> None:
    with Sandbox(seed=1, now=NOW) as sb:
        sleeps: list[float] = []
        client = GraphClient(base_url=sb.base_url, token=SecretStr(sb.token_for(GLOBEX)),
                             timeout=5, retry=RetryPolicy(sleep=sleeps.append))  # fmt: skip
        sb.faults.fail_next(2, kind=kind)
        body = client.get(Request("v25.0/me", (("fields", "id"),)))
        assert body == {"id": GLOBEX}
        assert len(sleeps) == 2 and client.requests_sent == 3


def test_a_batch_item_that_is_not_json_is_sent_again() -> None:
    with Sandbox(seed=1, now=NOW) as sb:
        sleeps: list[float] = []
        client = GraphClient(base_url=sb.base_url, token=SecretStr(sb.token_for(GLOBEX)),
                             timeout=5, retry=RetryPolicy(sleep=sleeps.append))  # fmt: skip
        sb.faults.fail_next(1, kind="item_not_json")
        got = client.batch("v25.0", [Request("v25.0/me", (("fields", "id"),))] * 2)
        assert got == [{"id": GLOBEX}, {"id": GLOBEX}]
        assert client.requests_sent == 2


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connection_refused_gives_up_after_one_quick_retry() -> None:
    sleeps: list[float] = []
    url = f"http://127.0.0.1:{_closed_port()}"
    client = GraphClient(base_url=url, token=SecretStr("t"), timeout=5,
                         retry=RetryPolicy(max_retries=6, sleep=sleeps.append,
                                           rng=random.Random(1)))  # fmt: skip
    with pytest.raises(Unreachable):
        client.get(Request("v25.0/me"))
    assert client.requests_sent == 2 and len(sleeps) == 1 and sleeps[0] <= 0.5


def test_a_closed_api_address_is_one_line_naming_the_url_and_the_setting(tmp_path: Path) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text(
        '[report]\nclient = "C"\ntimezone = "UTC"\ncompare = "previous_period"\n\n'
        '[[accounts]]\nid = "17841400000000001"\nname = "A"\nlogin = "facebook"\n'
        'token_env = "A_TOKEN"\n\n[[accounts]]\nid = "17841400000000004"\nname = "B"\n'
        'login = "facebook"\ntoken_env = "B_TOKEN"\n\n[account_metrics]\nmetrics = ["reach"]\n',
        encoding="utf-8",
    )
    url = f"http://127.0.0.1:{_closed_port()}"
    env = {"REPORTER_API_BASE_URL": url, "A_TOKEN": "a", "B_TOKEN": "b",
           "REPORTER_STORE": str(tmp_path / "store.sqlite3")}  # fmt: skip
    ran = run_cli(["fetch", str(spec), "--now", "2026-11-05T12:00:00Z"], env=env)
    assert ran.status == 1, ran.err
    errors = [line for line in ran.err.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: cannot connect to the Graph API at {url} (connection refused): check "
        "REPORTER_API_BASE_URL; nothing more was fetched"
    ]


def test_fetch_at_a_corrupt_rate_never_crashes_and_reruns_finish(tmp_path: Path) -> None:
    """`reporter fetch` over HTTP while a third of the answers are corrupted: exit 1 with the
    rerun line while calls are missing, never exit 3; reruns finish with exit 0."""
    spec = tmp_path / "s.toml"
    spec.write_text(
        '[report]\nclient = "C"\ntimezone = "UTC"\ncompare = "previous_period"\n\n'
        '[[accounts]]\nid = "17841400000000004"\nname = "Globex"\nlogin = "facebook"\n'
        'token_env = "G_TOKEN"\n\n[account_metrics]\nmetrics = ["reach", "likes"]\n'
        'time_series = ["reach"]\n\n[media]\nproduct_types = ["FEED", "REELS"]\n'
        'rank_by = "reach"\n\n[media.metrics]\nFEED = ["reach", "likes"]\n'
        'REELS = ["reach", "views"]\n',
        encoding="utf-8",
    )
    statuses: list[int] = []
    with Sandbox(seed=1, now=NOW, corrupt_rate=0.3) as sb:
        env = {"REPORTER_API_BASE_URL": sb.base_url, "G_TOKEN": sb.token_for(GLOBEX),
               "REPORTER_STORE": str(tmp_path / "store.sqlite3"), "REPORTER_MAX_RETRIES": "1",
               "REPORTER_BACKOFF_BASE": "0.01"}  # fmt: skip
        for _ in range(RERUNS + 1):
            ran = run_cli(["fetch", str(spec), "--now", NOW.isoformat(), "--period", "2026-10"],
                          env=env)  # fmt: skip
            statuses.append(ran.status)
            assert ran.status in (0, 1), ran.err
            if ran.status == 0:
                break
            assert "running the same command again fetches the rest" in ran.err, ran.err
    assert statuses[0] == 1 and statuses[-1] == 0, statuses
