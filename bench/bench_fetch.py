"""HTTP requests and wall time of `reporter fetch` against a naive connector, side by side, at
0 ms and at 100 ms of latency in one invocation.

Run it from the repository root:

    python bench/bench_fetch.py                 # 0 and 100 ms, Globex (~300 media), 20 accounts
    python bench/bench_fetch.py --accounts 0    # the one-account comparison only
    python bench/bench_fetch.py --latency-ms 0  # no latency only: what is left is our own work
    python bench/bench_fetch.py --store postgresql://postgres@127.0.0.1:5432/test
                                                # ours into PostgreSQL (a schema of its own)

Both runs talk to the same in-process sandbox (seed 1, a fixed clock) with injected latency per
HTTP request. Ours: the planner and fetcher as `reporter fetch` runs them (Graph batches of 50,
bounded concurrency, into a fresh store: a SQLite file, or a new schema dropped afterwards;
thumbnails off, as the baseline has none). The baseline: the way most connectors do it,
sequentially, one GET per account call, the same listing pages, then one GET per media for its
insights, storing nothing. Both ask for the same metrics; the script checks they got the same
number of media. Without latency each is timed after a warm-up, the median of three runs; with
latency once. Targets: >= 20x fewer requests, >= 10x less wall time at 100 ms, and at 0 ms no
slower than the baseline (the fetch bound by the network, not by the store's writes); requests
within a few of ceil(media / 50) + listing pages + account calls. Last, the store's side alone:
100 calls of 500 observations written one transaction per call (as before 2026-12) against 50
calls a transaction (one Graph batch's worth, as the fetch writes them now).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import math
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import requests
from pydantic import SecretStr

from reporter import catalogue
from reporter.dataset import Observation
from reporter.fetch.execute import Context, Options, fetch
from reporter.graph.client import RetryPolicy
from reporter.periods import parse_period
from reporter.plan.build import FetchPlan, media_requests, plan
from reporter.sandbox import Sandbox
from reporter.settings import Settings
from reporter.spec.models import Spec
from reporter.store.database import CallResult, Done, Store
from reporter.store.engine import Location

NOW = dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.UTC)
GLOBEX = "17841400000000004"
PERIOD = "2026-10"


def make_spec(ids: list[str], logins: dict[str, str]) -> Spec:
    return Spec.model_validate(
        {
            "report": {"client": "Bench", "timezone": "UTC", "compare": "none"},
            "accounts": [
                {"id": i, "name": i, "login": logins[i], "token_env": f"T{i}"} for i in ids
            ],
            "account_metrics": {
                "metrics": ["views", "reach", "accounts_engaged", "total_interactions", "likes"],
                "breakdowns": {"reach": ["follow_type"]},
                "time_series": ["reach"],
            },
            "media": {"product_types": ["FEED", "REELS"]},
        }
    )


@contextlib.contextmanager
def fresh_store(url: str | None) -> Iterator[Location]:
    """A new, empty store: a SQLite file, or a schema of its own in the PostgreSQL database."""
    if url is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield Path(tmp) / "bench.db"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"bench_fetch_{os.getpid()}_{time.monotonic_ns()}"
    yield make_url(url).update_query_dict({"schema": schema}).render_as_string(False)
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with engine.begin() as db:
        db.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


def ours(
    sb: Sandbox, fetch_plan: FetchPlan, workers: int, store: str | None
) -> tuple[int, float, int, int]:
    with fresh_store(store) as location:
        settings = Settings(store=location, max_workers=workers)
        ctx = Context(
            settings=settings,
            catalogue=catalogue.load(),
            token=lambda a: SecretStr(sb.token_for(a.id)),
            base_url=lambda a: sb.base_url,
            now=lambda: NOW,
            retry=RetryPolicy(rng=random.Random(1)),
        )
        Store.open(settings.store).close()  # created before the clock starts
        sb.counter.reset()
        started = time.perf_counter()
        with Store.open(settings.store) as store_:
            outcomes = fetch(fetch_plan, store_, ctx, Options(thumbnails=False))
        elapsed = time.perf_counter() - started
    errors = [str(o.error) for o in outcomes if o.error]
    if errors:
        raise SystemExit(f"our fetch failed: {errors}")
    media = sum(len(o.dataset.media) for o in outcomes if o.dataset)
    calls = sum(o.calls for o in outcomes)  # as Meta's rate limits count them
    return sb.counter.total, elapsed, media, calls


def baseline(sb: Sandbox, fetch_plan: FetchPlan) -> tuple[int, float, int]:
    """Sequential, one request per call and per media (token in the query, as such code does)."""
    session = requests.Session()
    sb.counter.reset()
    started = time.perf_counter()
    media_total = 0
    for unit in fetch_plan.units:
        token = sb.token_for(unit.account.id)

        def get(path: str, params: dict[str, str], token: str = token) -> dict[str, object]:
            url = path if path.startswith("http") else f"{sb.base_url}/{path}"
            answer = session.get(url, params={**params, "access_token": token}, timeout=30)
            body: dict[str, object] = answer.json()
            return body

        media: list[tuple[str, str]] = []
        for call in unit.calls:
            body = get(call.request.path, dict(call.request.params))
            while call.kind == "media_list":
                for raw in body.get("data") or []:  # type: ignore[attr-defined]
                    media.append((raw["id"], raw["media_product_type"]))
                following = (body.get("paging") or {}).get("next")  # type: ignore[attr-defined]
                if not following:
                    break
                body = get(str(following), {})
        for query, media_id in media_requests(unit, media):
            request = query.request(unit.version, media_id)
            get(request.path, dict(request.params))
        media_total += len(media)
    return sb.counter.total, time.perf_counter() - started, media_total


def timed(run: Callable[[], tuple[int, float, *tuple[int, ...]]], repeat: int) -> tuple[int, ...]:
    """The run's figures with its median time over ``repeat`` runs after a warm-up (repeat > 1)."""
    if repeat > 1:
        run()
    runs = [run() for _ in range(repeat)]
    median = statistics.median(r[1] for r in runs)
    return (runs[0][0], median, *runs[0][2:])  # type: ignore[return-value]


def compare(
    title: str, sb: Sandbox, fetch_plan: FetchPlan, args: argparse.Namespace, latency: int
) -> tuple[float, float]:
    repeat = 3 if latency == 0 else 1
    our_requests, our_time, our_media, our_calls = timed(
        lambda: ours(sb, fetch_plan, args.workers, args.store), repeat
    )
    base_requests, base_time, base_media = timed(lambda: baseline(sb, fetch_plan), repeat)
    assert our_media == base_media, (our_media, base_media)
    print(f"\n{title}, {latency} ms: {len(fetch_plan.units)} account(s), {our_media} media")
    # Meta counts each call inside a batch against its rate limits: batching saves requests
    # and time, not calls (developers.facebook.com/docs/graph-api/batch-requests).
    print(f"  {'':10} {'requests':>9} {'calls':>7} {'wall time':>10}")
    print(f"  {'reporter':10} {our_requests:>9} {our_calls:>7} {our_time:>9.2f}s")
    print(f"  {'baseline':10} {base_requests:>9} {base_requests:>7} {base_time:>9.2f}s")
    print(
        f"  ratio: {base_requests / our_requests:.1f}x fewer requests, "
        f"{base_time / our_time:.2f}x less wall time"
    )
    if len(fetch_plan.units) == 1:
        unit = fetch_plan.units[0]
        account_calls = len([c for c in unit.calls if c.kind != "media_list"])
        pages = math.ceil(our_media / fetch_plan.media_page_max) or 1
        batches = math.ceil(our_media / fetch_plan.batch_size)  # one insights call per media
        floor = math.ceil(account_calls / fetch_plan.batch_size) + pages + batches
        print(
            f"  floor: {floor} requests (ceil({account_calls} account calls / 50) + "
            f"{pages} listing pages + {batches} media batches); ours is {our_requests}"
        )
    return our_time, base_time


def writes(store: str | None) -> tuple[float, float]:
    """100 calls of 500 observations each written one transaction per call, then 50 calls a
    transaction (what one Graph batch brings), into fresh stores: the store's side alone."""
    follower = (("follow_type", "FOLLOWER"),)
    observations = [
        Observation(f"m{i % 50}", f"metric{i % 10}", "day", float(i),
                    end_time=NOW + dt.timedelta(days=i % 31), dimensions=follower)
        for i in range(500)
    ]  # fmt: skip
    result = CallResult(snapshots=[(NOW, "ok", {"data": []})], observations=observations)
    window = (NOW - dt.timedelta(days=31), NOW)
    times = []
    for per_call in (True, False):
        with fresh_store(store) as location, Store.open(location) as opened:
            opened.begin_unit("1", PERIOD, period=(window[0].date(), window[1].date()),
                              window=window, api_version="v25.0", timezone="UTC", now=NOW,
                              fresh=True)  # fmt: skip
            started = time.perf_counter()
            if per_call:
                for key in range(100):
                    opened.record_call("1", PERIOD, 1, f"call{key}", result, now=NOW)
            else:
                for first in range(0, 100, 50):
                    done = [Done(PERIOD, 1, f"call{k}", result) for k in range(first, first + 50)]
                    opened.record_calls("1", done, now=NOW)
            times.append(time.perf_counter() - started)
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency-ms", default="0,100", help="comma-separated (default 0,100)")
    parser.add_argument("--accounts", type=int, default=20, help="0: skip the multi-account run")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--store", help="a postgresql:// URL: ours writes there (default SQLite)")
    args = parser.parse_args()
    cat = catalogue.load()
    period = parse_period(PERIOD)
    extra = max(0, args.accounts - 4)
    store = "PostgreSQL" if args.store else "SQLite"
    summary: list[tuple[str, int, float, float]] = []
    for latency in [int(v) for v in args.latency_ms.split(",")]:
        with Sandbox(seed=1, now=NOW, latency_ms=latency, extra_accounts=extra) as sb:
            logins = {a.id: a.login for a in sb.accounts}
            print(f"\nsandbox latency {latency} ms per HTTP request, {args.workers} workers, "
                  f"ours into {store}")  # fmt: skip
            one = plan(make_spec([GLOBEX], logins), cat, period, None, today=NOW.date())
            times = compare("one account (@globex.outdoor)", sb, one, args, latency)
            summary.append(("1 account", latency, *times))
            if args.accounts:
                ids = [a.id for a in sb.accounts][: args.accounts]
                many = plan(make_spec(ids, logins), cat, period, None, today=NOW.date())
                times = compare(f"{args.accounts} accounts in one run", sb, many, args, latency)
                summary.append((f"{args.accounts} accounts", latency, *times))
    per_call, batched = writes(args.store)
    print(
        f"\nstore writes ({store}), 100 calls x 500 observations: one transaction per call "
        f"{per_call:.2f}s, 50 calls a transaction {batched:.2f}s, {per_call / batched:.2f}x"
    )
    print(f"\nsummary ({store}): wall time, ours against the baseline")
    for what, latency, our_time, base_time in summary:
        print(f"  {what:12} {latency:>4} ms: {our_time:7.2f}s against {base_time:7.2f}s, "
              f"{base_time / our_time:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
