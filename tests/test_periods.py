"""Timeframes resolved against a given day, and their comparison periods."""

from __future__ import annotations

import datetime as dt

import pytest

from reporter.periods import Period, comparison, parse_period, resolve
from reporter.spec.models import DateRange

D = dt.date


@pytest.mark.parametrize(
    ("timeframe", "today", "expected"),
    [
        ("last_month", D(2026, 11, 23), Period(D(2026, 10, 1), D(2026, 10, 31))),
        ("last_month", D(2026, 1, 1), Period(D(2025, 12, 1), D(2025, 12, 31))),
        ("last_month", D(2024, 3, 15), Period(D(2024, 2, 1), D(2024, 2, 29))),
        ("this_month", D(2026, 11, 23), Period(D(2026, 11, 1), D(2026, 11, 23))),
        ("last_7_days", D(2026, 11, 23), Period(D(2026, 11, 16), D(2026, 11, 22))),
        ("last_28_days", D(2026, 11, 23), Period(D(2026, 10, 26), D(2026, 11, 22))),
        ("last_90_days", D(2026, 11, 23), Period(D(2026, 8, 25), D(2026, 11, 22))),
    ],
)
def test_resolve(timeframe: str, today: dt.date, expected: Period) -> None:
    period = resolve(timeframe, today)  # type: ignore[arg-type]
    assert period == expected
    if timeframe.startswith("last_") and timeframe.endswith("_days"):
        assert period.days == int(timeframe.split("_")[1])


def test_explicit_range() -> None:
    period = resolve(DateRange(since=D(2026, 10, 5), until=D(2026, 10, 9)), D(2026, 11, 23))
    assert (period.days, period.label) == (5, "2026-10-05..2026-10-09")


@pytest.mark.parametrize(
    ("period", "compare", "expected"),
    [
        (
            Period(D(2026, 10, 1), D(2026, 10, 31)),
            "previous_period",
            Period(D(2026, 9, 1), D(2026, 9, 30)),
        ),
        (
            Period(D(2026, 3, 1), D(2026, 3, 31)),
            "previous_period",
            Period(D(2026, 2, 1), D(2026, 2, 28)),
        ),
        (
            Period(D(2026, 11, 16), D(2026, 11, 22)),
            "previous_period",
            Period(D(2026, 11, 9), D(2026, 11, 15)),
        ),
        (
            Period(D(2024, 2, 1), D(2024, 2, 29)),
            "previous_year",
            Period(D(2023, 2, 1), D(2023, 2, 28)),
        ),
        (Period(D(2026, 10, 1), D(2026, 10, 31)), "none", None),
    ],
)
def test_comparison(period: Period, compare: str, expected: Period | None) -> None:
    assert comparison(period, compare) == expected  # type: ignore[arg-type]


def test_parse_period() -> None:
    assert parse_period("2026-10") == Period(D(2026, 10, 1), D(2026, 10, 31))
    assert parse_period("2026-10-01..2026-10-15").label == "2026-10-01..2026-10-15"
    assert parse_period("2026-10").label == "2026-10"
    for bad in ("2026-13", "2026-10-15..2026-10-01", "October", "2026-02-30..2026-03-01"):
        with pytest.raises(ValueError, match="period"):
            parse_period(bad)
