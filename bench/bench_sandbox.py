"""Throughput of the sandbox against a trivial stdlib baseline server, side by side.

Run it from the repository root:

    python bench/bench_sandbox.py                   # 8 clients, 4 s per server
    python bench/bench_sandbox.py --clients 16 --seconds 10

Both servers are started in this process on 127.0.0.1; N client threads with keep-alive
sessions hammer each for a bounded time. The sandbox is asked for simple calls (an IG user with
a few fields, a media node, a media's insights); the baseline answers a constant tiny JSON. It
prints requests/second for each and the ratio. The target is >= 500 simple requests/s for the
sandbox, so that it is never the bottleneck of a fetch benchmark.
"""

from __future__ import annotations

import argparse
import datetime as dt
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from reporter.sandbox import Sandbox

NOW = dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.UTC)
ACME = "17841400000000001"


class _Baseline(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # as the sandbox: keep-alive answers without delayed-ACK stalls
    body = b'{"id":"17841400000000001"}'

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _BaselineServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def drive(urls: list[str], clients: int, seconds: float) -> tuple[int, int, float]:
    """(ok, failed, elapsed) after ``clients`` threads GET ``urls`` round-robin for ``seconds``."""
    ok = failed = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        nonlocal ok, failed
        session = requests.Session()
        done = bad = 0
        index = offset
        while time.perf_counter() < deadline:
            response = session.get(urls[index % len(urls)], timeout=10)
            index += 1
            if response.status_code == 200:
                done += 1
            else:
                bad += 1
        with lock:
            ok += done
            failed += bad

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ok, failed, time.perf_counter() - start


def measure(name: str, run: Callable[[], tuple[int, int, float]]) -> float:
    ok, failed, elapsed = run()
    rate = ok / elapsed
    print(f"{name:<9} {ok:>7} requests in {elapsed:5.2f} s = {rate:8.1f} req/s ({failed} failed)")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()

    baseline = _BaselineServer(("127.0.0.1", 0), _Baseline)
    threading.Thread(target=baseline.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{baseline.server_address[1]}/"
    try:
        base_rate = measure("baseline", lambda: drive([base_url], args.clients, args.seconds))
    finally:
        baseline.shutdown()
        baseline.server_close()

    with Sandbox(seed=1, now=NOW) as sb:
        token = sb.token_for(ACME)
        media = requests.get(
            f"{sb.base_url}/v25.0/{ACME}/media",
            params={"access_token": token, "limit": "20"},
            timeout=10,
        ).json()
        ids = [m["id"] for m in media["data"][5:]]
        urls = [f"{sb.base_url}/v25.0/{ACME}?fields=username,followers_count&access_token={token}"]
        urls += [
            f"{sb.base_url}/v25.0/{i}?fields=id,media_type,timestamp&access_token={token}"
            for i in ids[:5]
        ]
        urls += [
            f"{sb.base_url}/v25.0/{i}/insights?metric=reach,views&access_token={token}"
            for i in ids[5:10]
        ]
        sandbox_rate = measure("sandbox", lambda: drive(urls, args.clients, args.seconds))
        print(f"counter: {sb.counter.total} requests, by endpoint {sb.counter.by_endpoint}")
    print(f"ratio sandbox/baseline: {sandbox_rate / base_rate:.2f}")
    verdict = "meets" if sandbox_rate >= 500 else "MISSES"
    print(f"target >= 500 simple requests/s: {verdict} ({sandbox_rate:.0f} req/s)")


if __name__ == "__main__":
    main()
