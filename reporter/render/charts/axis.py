"""Value axes: round ticks that include zero, their labels in the report's number format (compact
from 10,000 up: 12.5K), a true minus sign (U+2212), and the linear scale from values to space."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reporter.render.charts.theme import Theme

MINUS = "\u2212"


def ticks(lo: float, hi: float, *, count: int = 5, integer: bool = False) -> list[float]:
    """About ``count`` steps of 1, 2, 2.5 or 5 × 10ⁿ covering ``lo``…``hi`` and zero; 0…1 when
    there is nothing to show; whole steps only when the values are whole (counts)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo <= 0:
        return [0.0, 1.0]
    raw = (hi - lo) / count
    exponent = math.floor(math.log10(raw))
    steps = (1.0, 2.0, 5.0, 10.0) if integer and exponent <= 0 else (1.0, 2.0, 2.5, 5.0, 10.0)
    fraction = raw / 10**exponent
    step = next(m for m in steps if fraction <= m + 1e-9) * 10**exponent
    if integer:
        step = max(step, 1.0)
    first = math.floor(lo / step + 1e-9)
    last = math.ceil(hi / step - 1e-9)
    return [_clean(i * step) for i in range(first, last + 1)]


def _clean(value: float) -> float:
    value = round(value, 9)
    return 0.0 if value == 0 else value  # never -0.0


def whole(values: Sequence[float | None]) -> bool:
    return all(v is None or float(v).is_integer() for v in values)


def labels(values: Sequence[float], theme: Theme) -> list[str]:
    """Tick labels: as many decimals as the step needs, the compact form from 10,000 up unless
    it would make two ticks read the same (1M, 1M)."""
    digits = next((d for d in range(7) if all(abs(round(v, d) - v) < 1e-9 for v in values)), 6)
    texts = [theme.number(v, digits) for v in values]
    if values and max(abs(v) for v in values) >= 10_000:
        compact = [theme.tick(v) for v in values]
        if len(set(compact)) == len(compact):
            texts = compact
    return [minus(t) for t in texts]


def figure(value: float, theme: Theme) -> str:
    """One value as a cell's or a bar's tooltip says it: 1,234; 12.3K from 10,000 up; −56."""
    return minus(theme.tick(value) if abs(value) >= 10_000 else theme.number(value, 0))


def minus(text: str) -> str:
    """A figure's hyphen-minus made the minus sign typography uses."""
    return text.replace("-", MINUS)


@dataclass(frozen=True)
class Scale:
    """Values ``lo``…``hi`` onto positions ``start``…``end`` (``end`` < ``start`` for y)."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.hi - self.lo or 1.0
        return self.start + (value - self.lo) * (self.end - self.start) / span
