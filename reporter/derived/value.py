"""The value of a derived metric: a number or the reason there is none, and what it was
computed from."""

from __future__ import annotations

from dataclasses import dataclass

from reporter.dataset.totals import Coverage


@dataclass(frozen=True)
class Value:
    value: float | None
    reason: str = ""  # why value is None
    sample: str = ""  # "12 of 14 reels": what an aggregate was computed from
    label: str = ""  # a text value (best weekday: "Tuesday") shown instead of the number
    # the days an account ratio was computed over, when a unique count in it (reach) covers
    # fewer days than the period: every total in it is then taken over those same days
    coverage: Coverage | None = None
