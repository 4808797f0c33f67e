"""HTTP requests and wall time of `reporter fetch` against a naive connector, side by side.

Run it from the repository root:

    python bench/bench_fetch.py                  # latency 100 ms, Globex (~300 media), 20 accounts
    python bench/bench_fetch.py --accounts 0     # the one-account comparison only
    python bench/bench_fetch.py --latency-ms 0   # no latency: what is left is our own work

Both runs talk to the same in-process sandbox (seed 1, a fixed clock) with injected latency per
HTTP request. Ours: the planner and fetcher as `reporter fetch` runs them (Graph batches of 50,
bounded concurrency, into a fresh SQLite store; thumbnails off, as the baseline has none). The
baseline: the way most connectors do it, sequentially, one GET per account call, the same
listing pages, then one GET per media for its insights. Both ask for the same metrics; the
script checks they got the same number of media. Targets: >= 20x fewer requests, >= 10x less
wall time, requests within a few of ceil(media / 50) + listing pages + account calls.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import tempfile
import time
from pathlib import Path

import requests
from pydantic import SecretStr

from reporter import catalogue
from reporter.fetch.execute import Context, Options, fetch
from reporter.graph.client import RetryPolicy
from reporter.periods import parse_period
from reporter.plan.build import FetchPlan, media_requests, plan
from reporter.sandbox import Sandbox
from reporter.settings import Settings
from reporter.spec.models import Spec
from reporter.store.database import Store

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


def ours(sb: Sandbox, fetch_plan: FetchPlan, workers: int) -> tuple[int, float, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(store=Path(tmp) / "bench.db", max_workers=workers)
        ctx = Context(
            settings=settings,
            catalogue=catalogue.load(),
            token=lambda a: SecretStr(sb.token_for(a.id)),
            base_url=lambda a: sb.base_url,
            now=lambda: NOW,
            retry=RetryPolicy(rng=random.Random(1)),
        )
        sb.counter.reset()
        started = time.perf_counter()
        with Store.open(settings.store) as store:
            outcomes = fetch(fetch_plan, store, ctx, Options(thumbnails=False))
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


def compare(title: str, sb: Sandbox, fetch_plan: FetchPlan, workers: int) -> None:
    our_requests, our_time, our_media, our_calls = ours(sb, fetch_plan, workers)
    base_requests, base_time, base_media = baseline(sb, fetch_plan)
    assert our_media == base_media, (our_media, base_media)
    print(f"\n{title}: {len(fetch_plan.units)} account(s), {our_media} media in {PERIOD}")
    # Meta counts each call inside a batch against its rate limits: batching saves requests
    # and time, not calls (developers.facebook.com/docs/graph-api/batch-requests).
    print(f"  {'':10} {'requests':>9} {'calls':>7} {'wall time':>10}")
    print(f"  {'reporter':10} {our_requests:>9} {our_calls:>7} {our_time:>9.2f}s")
    print(f"  {'baseline':10} {base_requests:>9} {base_requests:>7} {base_time:>9.2f}s")
    print(
        f"  ratio: {base_requests / our_requests:.1f}x fewer requests, "
        f"{base_time / our_time:.1f}x less wall time"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--accounts", type=int, default=20, help="0: skip the multi-account run")
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    cat = catalogue.load()
    period = parse_period(PERIOD)
    extra = max(0, args.accounts - 4)
    with Sandbox(seed=1, now=NOW, latency_ms=args.latency_ms, extra_accounts=extra) as sb:
        logins = {a.id: a.login for a in sb.accounts}
        print(f"sandbox latency {args.latency_ms} ms per HTTP request, {args.workers} workers")
        one = plan(make_spec([GLOBEX], logins), cat, period, None, today=NOW.date())
        compare("one account (@globex.outdoor)", sb, one, args.workers)
        if args.accounts:
            ids = [a.id for a in sb.accounts][: args.accounts]
            many = plan(make_spec(ids, logins), cat, period, None, today=NOW.date())
            compare(f"{args.accounts} accounts in one run", sb, many, args.workers)


if __name__ == "__main__":
    main()
