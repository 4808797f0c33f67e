"""Fault injection and rate limiting, on their own RNG so they never change the data.

Faults (drawn per HTTP request with probability ``fault_rate``, or forced with ``fail_next``):
``http500`` (code 1, is_transient), ``http503`` (a gateway's HTML page, no JSON), ``transient``
(code 2, is_transient), ``drop`` (the socket closes without a response), ``slow`` (the answer
comes after ``slow_seconds``, past a client's timeout). Inside a batch a sub-request may come back
``null`` (unfinished at Meta's timeout) or as a transient error.

Corrupt answers (drawn per answer with probability ``corrupt_rate``, on their own RNG, or forced
with ``fail_next``): what a proxy or a broken connection hands a client instead of Meta's JSON:
``html200`` (a proxy's HTML page with status 200), ``truncated`` (the answer cut in half),
``not_object`` (JSON that is not an object); inside a batch ``item_not_json`` (an item whose
``body`` string is cut in half).

Rate limits: ``rate_limit`` calls per account per rolling hour (real time); beyond it error
80002 with ``estimated_time_to_regain_access``, and calls made while throttled still count, as on
Meta. ``rate_limit_for`` forces a window with any of the codes 4, 17, 32, 613, 80002.
"""

from __future__ import annotations

import collections
import math
import random
import threading
import time
from dataclasses import dataclass

from reporter.sandbox import errors

KINDS = ("http500", "http503", "transient", "drop", "slow")
BATCH_KINDS = ("null", "transient")
CORRUPT_KINDS = ("html200", "truncated", "not_object")
BATCH_CORRUPT_KINDS = ("item_not_json",)
ALL_KINDS = KINDS + BATCH_KINDS + CORRUPT_KINDS + BATCH_CORRUPT_KINDS
WINDOW = 3600.0


@dataclass(frozen=True)
class Usage:
    """Percentages of the allowance, for the usage headers; None when there is no limit."""

    account_pct: int
    app_pct: int
    regain_minutes: int


class Throttled(errors.GraphError):
    """A rate-limit error that carries the usage to report in the headers."""

    def __init__(self, code: int, usage: Usage | None) -> None:
        super().__init__(
            errors.RATE_LIMIT_MESSAGES[code],
            code=code,
            subcode=errors.RATE_LIMIT_SUBCODES.get(code),
            transient=code in errors.RATE_LIMIT_TRANSIENT,
        )
        self.usage = usage


class Faults:
    def __init__(
        self, seed: int, fault_rate: float = 0.0, rate_limit: int = 0, corrupt_rate: float = 0.0
    ) -> None:
        self._rng = random.Random(f"{seed}|faults")
        self._corrupt_rng = random.Random(f"{seed}|corrupt")
        self.corrupt_rate = corrupt_rate
        self.corrupted = 0  # answers corrupted so far
        self._lock = threading.Lock()
        self.fault_rate = fault_rate
        self.rate_limit = rate_limit
        self.slow_seconds = 3.0
        self._forced: collections.deque[str] = collections.deque()
        self._windows: dict[str | None, tuple[float, int]] = {}
        self._calls: dict[str, collections.deque[float]] = {}
        self._app_calls: collections.deque[float] = collections.deque()

    # --- faults --------------------------------------------------------------------------------

    def set_fault_rate(self, rate: float) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be within 0..1, got {rate}")
        with self._lock:
            self.fault_rate = rate

    def set_corrupt_rate(self, rate: float) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"corrupt rate must be within 0..1, got {rate}")
        with self._lock:
            self.corrupt_rate = rate

    def fail_next(self, n: int = 1, kind: str = "http500") -> None:
        if kind not in ALL_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {', '.join(ALL_KINDS)}")
        with self._lock:
            self._forced.extend([kind] * n)

    def draw(self, *, in_batch: bool = False) -> str | None:
        """The fault for this request (or batch sub-request), if any."""
        kinds = BATCH_KINDS if in_batch else KINDS
        with self._lock:
            if self._forced and self._forced[0] in kinds:
                return self._forced.popleft()
            if self.fault_rate <= 0:
                return None
            if self._rng.random() >= self.fault_rate:
                return None
            return self._rng.choice(kinds)

    def draw_corrupt(self, *, in_batch: bool = False) -> str | None:
        """How to corrupt this answer (or batch item), if at all."""
        kinds = BATCH_CORRUPT_KINDS if in_batch else CORRUPT_KINDS
        with self._lock:
            if self._forced and self._forced[0] in kinds:
                kind = self._forced.popleft()
            elif self.corrupt_rate <= 0 or self._corrupt_rng.random() >= self.corrupt_rate:
                return None
            else:
                kind = self._corrupt_rng.choice(kinds)
            self.corrupted += 1
            return kind

    # --- rate limits ---------------------------------------------------------------------------

    def rate_limit_for(
        self, account_id: str | None, minutes: float = 10, code: int = 80002
    ) -> None:
        """Throttle ``account_id`` (None: the whole app) for ``minutes`` with error ``code``."""
        if code not in errors.RATE_LIMIT_MESSAGES:
            raise ValueError(f"not a rate-limit code: {code}")
        with self._lock:
            self._windows[account_id] = (time.monotonic() + minutes * 60, code)

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()
            self._calls.clear()
            self._app_calls.clear()
            self._forced.clear()

    def admit(self, account_id: str) -> Usage | None:
        """Count one call for ``account_id``; raise the rate-limit error when throttled."""
        now = time.monotonic()
        with self._lock:
            calls = self._calls.setdefault(account_id, collections.deque())
            calls.append(now)
            self._app_calls.append(now)
            for queue in (calls, self._app_calls):
                while queue and queue[0] <= now - WINDOW:
                    queue.popleft()
            forced = self._windows.get(account_id) or self._windows.get(None)
            if forced and forced[0] <= now:
                self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
                forced = None
            usage = self._usage(calls, now, forced)
        if forced is not None:
            raise Throttled(forced[1], usage)
        if usage is not None and usage.account_pct > 100:
            raise Throttled(80002, usage)
        return usage

    def _usage(
        self, calls: collections.deque[float], now: float, forced: tuple[float, int] | None
    ) -> Usage | None:
        if forced is not None:
            return Usage(100, 100 if forced[1] == 4 else 40, math.ceil((forced[0] - now) / 60))
        if self.rate_limit <= 0:
            return None
        pct = len(calls) * 100 // self.rate_limit
        app_pct = len(self._app_calls) * 100 // (self.rate_limit * 10)
        regain = math.ceil((calls[0] + WINDOW - now) / 60) if pct > 100 else 0
        return Usage(pct, app_pct, regain)
