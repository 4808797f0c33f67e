"""Reports from the store on 1 worker process against 2, on SQLite and on PostgreSQL, in one run.

    python bench/bench_workers.py [--reports 200] [--backends sqlite,postgresql]

The accounts' October is fetched into the store first (from the sandbox, in this process), so
the timed part is what a monthly run does with data it has: each report's task finds its data
in the store, renders the PDF and e-mails it (aiosmtpd on loopback). For each backend, the same
reports are sent twice, by `reporter run --send` over Redis, once with one `reporter worker`
process and once with two (the ledger emptied in between); it prints the wall time of each, the
reports a minute and the speed-up (near 2 on two free cores where the store lets both work; the
SQLite run lock lets one host write at a time, so there the workers take turns).

Needs the machine's Redis (REPORTER_BENCH_REDIS_URL, default redis://127.0.0.1:6379/14) and, for
postgresql, its PostgreSQL (REPORTER_BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/test; a schema of its own, dropped at the end).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.fetch import context  # noqa: E402
from support.smtp import SmtpServer  # noqa: E402

from reporter import catalogue  # noqa: E402
from reporter.fetch.execute import Options, fetch  # noqa: E402
from reporter.periods import comparison, parse_period  # noqa: E402
from reporter.plan.build import plan  # noqa: E402
from reporter.sandbox import Sandbox  # noqa: E402
from reporter.spec.validate import load_spec  # noqa: E402
from reporter.store.database import Store  # noqa: E402

NOW = dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)
REDIS = os.environ.get("REPORTER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
POSTGRES = os.environ.get(
    "REPORTER_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
FIRST = 17841400000000100  # the sandbox's generated accounts

SPEC = """\
[report]
client = "{name}"
compare = "none"
history_months = 0

[[accounts]]
id = "{id}"
name = "{name}"
login = "{login}"
token_env = "TOKEN_{n}"

[account_metrics]
metrics = ["reach", "views", "likes", "saves"]

[media]
product_types = ["FEED", "REELS"]

[media.metrics]
FEED = ["views", "reach", "likes", "saved"]
REELS = ["views", "reach", "likes", "saved"]

[output]
formats = ["pdf"]

[delivery]
to = ["client{n}@example.com"]
"""


def write_specs(folder: Path, accounts: list[tuple[str, str, str]], copies: int) -> list[Path]:
    """``copies`` folders of one spec per account: reports = copies x accounts."""
    folders = []
    for copy in range(copies):
        where = folder / f"agency{copy}"
        where.mkdir(parents=True)
        for n, (account_id, name, login) in enumerate(accounts):
            text = SPEC.format(id=account_id, name=name, login=login, n=n)
            (where / f"account{n:03}.toml").write_text(text, encoding="utf-8")
        folders.append(where)
    return folders


def fill(store_at: str | Path, folders: list[Path], sb: Sandbox) -> None:
    """October of every account into the store (the units are the account's, shared by specs)."""
    cat = catalogue.load()
    october = parse_period("2026-10")
    ctx = context(sb, now=NOW)
    with Store.open(store_at, lock_timeout=60) as store:
        for spec_path in sorted(folders[0].glob("*.toml")):
            spec = load_spec(spec_path, now=NOW, catalogue=cat)
            fetch_plan = plan(spec, cat, october, comparison(october, spec.report.compare),
                              today=NOW.date())  # fmt: skip
            fetch(fetch_plan, store, ctx, Options(thumbnails=False))


def timed_run(folders: list[Path], env: dict[str, str], workers: int, log: Path) -> float:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "reporter", "worker", "--concurrency", "1"],
            env=env,
            stdout=(log / f"w{workers}-{i}.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for i in range(workers)
    ]
    try:
        time.sleep(4)  # the workers connect to the broker
        start = time.perf_counter()
        ran = subprocess.run(
            [sys.executable, "-m", "reporter", "run", *map(str, folders), "--send", "--quiet",
             "--period", "2026-10", "--now", NOW.isoformat(), "--out", str(log / "out")],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        took = time.perf_counter() - start
        if ran.returncode != 0:
            raise SystemExit(f"run failed ({ran.returncode}): {ran.stderr[-2000:]}")
        return took
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(60)


def bench(backend: str, reports: int, tmp: Path) -> tuple[float, float]:
    import psycopg
    import redis

    accounts_n = min(100, reports)
    copies = max(1, reports // accounts_n)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    store_at: str | Path = (
        tmp / f"{backend}.sqlite3" if backend == "sqlite" else f"{POSTGRES}?schema={schema}"
    )
    smtp = SmtpServer().__enter__()
    try:
        with Sandbox(seed=1, now=NOW, extra_accounts=accounts_n) as sb:
            accounts = [
                (
                    str(FIRST + n),
                    f"Sandbox Account {n:02d}",
                    "facebook" if n % 2 == 0 else "instagram",
                )
                for n in range(accounts_n)
            ]
            # Each round its own spec files (so its own ledger rows), the same accounts' data.
            rounds = {w: write_specs(tmp / backend / f"round{w}", accounts, copies) for w in (1, 2)}
            fill(store_at, rounds[1], sb)
            env = {
                **os.environ,
                **{f"TOKEN_{n}": sb.token_for(a[0]) for n, a in enumerate(accounts)},
                "REPORTER_API_BASE_URL": sb.base_url,
                "REPORTER_STORE": str(store_at),
                "REPORTER_LOCK_TIMEOUT": "600",
                "REPORTER_BROKER_URL": REDIS,
                **smtp.env(),
                "HOME": str(tmp / "home"),
            }
            times = []
            for workers in (1, 2):
                redis.Redis.from_url(REDIS).flushdb()
                before = len(smtp.received)
                times.append(timed_run(rounds[workers], env, workers, tmp))
                sent = len(smtp.received) - before
                if sent != copies * accounts_n:
                    raise SystemExit(f"{backend}, {workers} worker(s): {sent} mails, not {reports}")
            return times[0], times[1]
    finally:
        smtp.__exit__()
        if backend == "postgresql":
            with psycopg.connect(POSTGRES, autocommit=True) as db:
                db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"{args.reports} reports from the store, rendered and e-mailed by reporter workers")
    print(f"{'store':<11} {'1 worker':>10} {'2 workers':>10} {'per min (2)':>12} {'speed-up':>9}")
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix="reporter-bench-") as folder:
            one, two = bench(backend, args.reports, Path(folder))
        n = (args.reports // min(100, args.reports)) * min(100, args.reports)
        print(f"{backend:<11} {one:>9.1f}s {two:>9.1f}s {n / two * 60:>12.1f} {one / two:>8.2f}x")


if __name__ == "__main__":
    main()
