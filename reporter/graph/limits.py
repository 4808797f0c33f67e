"""Meta's usage headers and the client's pace: slow down before a rate limit, not after.

``X-App-Usage`` ({"call_count", "total_time", "total_cputime"}; graph.instagram.com says
{"call_volume", "cpu_time"}) and ``X-Business-Use-Case-Usage`` ({"<id>": [{"call_count", ...,
"estimated_time_to_regain_access"}]}) give percentages of the allowance; they appear only once
usage is noticeable, so their absence means "fine" (developers.facebook.com/docs/graph-api/
overview/rate-limiting).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from typing import Any

USAGE_FIELDS = ("call_count", "total_time", "total_cputime", "call_volume", "cpu_time")


def _load(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _entries(headers: Mapping[str, str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    app = _load(headers.get("x-app-usage"))
    if isinstance(app, dict):
        found.append(app)
    business = _load(headers.get("x-business-use-case-usage"))
    if isinstance(business, dict):
        for items in business.values():
            if isinstance(items, list):
                found += [i for i in items if isinstance(i, dict)]
    return found


def usage_percent(headers: Mapping[str, str]) -> float | None:
    """The highest usage percentage any header reports (lower-case header names), or None."""
    values = [
        float(entry[name])
        for entry in _entries(headers)
        for name in USAGE_FIELDS
        if isinstance(entry.get(name), int | float)
    ]
    return max(values) if values else None


def regain_seconds(headers: Mapping[str, str]) -> float | None:
    """``estimated_time_to_regain_access`` (minutes) in seconds, when a header gives one."""
    minutes = [
        float(entry["estimated_time_to_regain_access"])
        for entry in _entries(headers)
        if isinstance(entry.get("estimated_time_to_regain_access"), int | float)
    ]
    # 0 is what the headers say while usage is fine: no estimate, not "wait 0 min"
    return max(minutes) * 60 if minutes and max(minutes) > 0 else None


class RateGate:
    """Shared by one account's calls: above ``start`` percent, pause before each call, longer
    as usage approaches 100 (``max_pause`` seconds at 100)."""

    def __init__(
        self,
        start: float = 75.0,
        max_pause: float = 10.0,
        *,
        percent: float = 0.0,
        shared: Callable[[float], None] | None = None,
    ) -> None:
        """``percent``: the usage others saw last (the store's); ``shared``: told each new
        reading that moved by a point or more, for the hosts that fetch next."""
        self.start = start
        self.max_pause = max_pause
        self._lock = threading.Lock()
        self._percent = percent
        self._shared = shared
        self._told = percent

    def observe(self, percent: float | None) -> None:
        if percent is None:
            return
        with self._lock:
            self._percent = percent
            tell = self._shared is not None and abs(percent - self._told) >= 1.0
            if tell:
                self._told = percent
        if tell and self._shared is not None:
            self._shared(percent)

    def pause(self) -> float:
        with self._lock:
            percent = self._percent
        if percent <= self.start:
            return 0.0
        share = min(1.0, (percent - self.start) / (100.0 - self.start))
        return round(share * self.max_pause, 3)

    def wait_before_call(self, sleep: Callable[[float], None]) -> None:
        pause = self.pause()
        if pause > 0:
            sleep(pause)
