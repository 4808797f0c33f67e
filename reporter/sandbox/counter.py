"""The request counter tests and benchmarks assert on, and the log of requests served.

``total`` counts HTTP requests received (a batch POST is one); ``by_endpoint`` counts every
logical call by endpoint, top-level or inside a batch, plus ``batch`` for the batch POSTs
themselves; ``batch_subrequests`` counts the calls made inside batches. So
``sum(by_endpoint.values()) == total + batch_subrequests``.
"""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass
from typing import Any


class Counter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._total = 0
        self._subrequests = 0
        self._by_endpoint: dict[str, int] = {}

    def record(self, endpoint: str, *, in_batch: bool = False) -> None:
        with self._lock:
            if in_batch:
                self._subrequests += 1
            else:
                self._total += 1
            self._by_endpoint[endpoint] = self._by_endpoint.get(endpoint, 0) + 1

    @property
    def total(self) -> int:
        with self._lock:
            return self._total

    @property
    def batch_subrequests(self) -> int:
        with self._lock:
            return self._subrequests

    @property
    def by_endpoint(self) -> dict[str, int]:
        with self._lock:
            return dict(self._by_endpoint)

    def reset(self) -> None:
        with self._lock:
            self._total = 0
            self._subrequests = 0
            self._by_endpoint = {}

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total": self._total,
                "batch_subrequests": self._subrequests,
                "by_endpoint": dict(self._by_endpoint),
            }


@dataclass(frozen=True)
class Served:
    """One HTTP request: whose token it carried ("" for none or an unknown one) and when it
    arrived and was answered (``time.monotonic()``)."""

    account_id: str
    started: float
    finished: float


class RequestLog:
    """The requests served, in the order answered (the last 100,000: a sandbox left running
    stays small): tests see when each account's fetch ran."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._served: collections.deque[Served] = collections.deque(maxlen=100_000)

    def add(self, account_id: str, started: float) -> None:
        with self._lock:
            self._served.append(Served(account_id, started, time.monotonic()))

    @property
    def served(self) -> list[Served]:
        with self._lock:
            return list(self._served)

    def clear(self) -> None:
        with self._lock:
            self._served.clear()
