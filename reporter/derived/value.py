"""The value of a derived metric: a number or the reason there is none, and what it was
computed from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Value:
    value: float | None
    reason: str = ""  # why value is None
    sample: str = ""  # "12 of 14 reels": what an aggregate was computed from
    label: str = ""  # a text value (best weekday: "Tuesday") shown instead of the number
