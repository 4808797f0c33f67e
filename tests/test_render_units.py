"""Formatting per locale, honest totals over Meta's 30-day windows, and the change arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest

from reporter.dataset import AccountInfo, Dataset, Observation, totals
from reporter.periods import Period
from reporter.render.formatting import Formatter
from reporter.render.sections.summary import change

UTC = dt.UTC


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en_US", ["1,234,567", "12.3K", "1.2 million", "−1,234", "12.3%", "+5.2%", "12.4 sec",
                   "3.6 min"]),
        ("de_DE", ["1.234.567", "12.345", "1,2 Millionen", "−1.234", "12,3\u00a0%", "+5,2\u00a0%",
                   "12,4 Sek.", "3,6 Min."]),
    ],
)  # fmt: skip
def test_numbers_per_locale(locale: str, expected: list[str]) -> None:
    f = Formatter(locale, "UTC")
    got = [
        f.number(1234567), f.compact(12345), f.compact(1234567), f.signed(-1234),
        f.percent(0.1234), f.signed_percent(0.052), f.duration(12400), f.duration(215000),
    ]  # fmt: skip
    assert got == expected


def test_dates_periods_and_times() -> None:
    en, de = Formatter("en_US", "America/Los_Angeles"), Formatter("de_DE", "Europe/Berlin")
    october = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    half = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 15))
    moment = dt.datetime(2026, 11, 2, 17, tzinfo=UTC)
    assert (en.period(october), de.period(october)) == ("October 2026", "Oktober 2026")
    assert en.period(half) == "Oct 1\u2009–\u200915, 2026"
    assert en.datetime(moment) == "Nov 2, 2026, 9:00\u202fAM PST"
    assert de.datetime(moment) == "02.11.2026, 18:00 MEZ"
    assert (en.country("DE"), de.country("DE")) == ("Germany", "Deutschland")
    assert en.value(None, "count") == "n/a" and en.duration(5_400_000) == "1.5 hr"


def _window(day: int, days: int, value: float, metric: str = "reach") -> Observation:
    since = dt.datetime(2026, 10, day, 7, tzinfo=UTC)
    return Observation("1", metric, "day", value, since=since, until=since + dt.timedelta(days))


def _ds(*observations: Observation) -> Dataset:
    return Dataset(
        AccountInfo("1", "a", "A"), dt.date(2026, 10, 1), dt.date(2026, 10, 31),
        dt.datetime(2026, 11, 2, tzinfo=UTC), observations=observations,
    )  # fmt: skip


def test_reach_is_never_summed_over_windows() -> None:
    ds = _ds(_window(1, 30, 700), _window(31, 1, 90))
    total = totals.account_total(ds, "reach", additive=False)
    assert total.value == 700 and total.coverage.days == 30


def test_additive_metrics_sum_disjoint_windows() -> None:
    ds = _ds(_window(1, 30, 700, "views"), _window(31, 1, 90, "views"))
    total = totals.account_total(ds, "views", additive=True)
    assert total.value == 790 and total.coverage.days == 31


def test_overlapping_windows_are_never_summed() -> None:
    ds = _ds(_window(1, 30, 700, "views"), _window(2, 30, 710, "views"))
    assert totals.account_total(ds, "views", additive=True).value == 700


def test_missing_total_says_why() -> None:
    total = totals.account_total(_ds(), "reach", additive=False)
    assert total.value is None and total.reason == "Meta returned no value for this period."


def test_change() -> None:
    assert change(120, 100) == (20, 0.2)
    assert change(5, 0) == (5, None)  # no percentage against zero
    assert change(None, 100) == (None, None)
