"""Reporting periods: the one place a timeframe becomes a Period, in the spec's timezone, and
its comparison period.

Pure functions of their arguments: the caller passes the run's moment (the World's clock), so
nothing here reads a clock. `report_periods` is what every command uses; the Period it gives is
carried through plan, fetch, render and delivery.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from reporter.errors import UsageError

TimeframeName = Literal["last_month", "this_month", "last_7_days", "last_28_days", "last_90_days"]
Comparison = Literal["previous_period", "previous_year", "none"]


class Span(Protocol):
    """An explicit timeframe (a spec's ``{ since = …, until = … }``)."""

    @property
    def since(self) -> dt.date: ...
    @property
    def until(self) -> dt.date: ...


class Timeframed(Protocol):
    """What a report's periods depend on (a spec's ``[report]`` table)."""

    @property
    def timeframe(self) -> TimeframeName | Span: ...
    @property
    def compare(self) -> Comparison: ...
    @property
    def timezone(self) -> str: ...


_ROLLING_DAYS = {"last_7_days": 7, "last_28_days": 28, "last_90_days": 90}


@dataclass(frozen=True, order=True)
class Period:
    """Whole days, both ends included."""

    since: dt.date
    until: dt.date

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    @property
    def is_calendar_month(self) -> bool:
        return self.since.day == 1 and self.until == _month_end(self.since)

    @property
    def label(self) -> str:
        """`2026-10` for a calendar month, else `2026-10-01..2026-10-15`."""
        if self.is_calendar_month:
            return f"{self.since:%Y-%m}"
        return f"{self.since.isoformat()}..{self.until.isoformat()}"

    def __str__(self) -> str:
        return self.label


def _month_end(day: dt.date) -> dt.date:
    first_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def _month_of(year: int, month: int) -> Period:
    first = dt.date(year, month, 1)
    return Period(first, _month_end(first))


def today_in(timezone: str, now: dt.datetime) -> dt.date:
    """The day it is at ``now`` in ``timezone``: the one definition of "today"."""
    return now.astimezone(ZoneInfo(timezone)).date()


def report_periods(
    report: Timeframed, period_text: str | None, now: dt.datetime
) -> tuple[Period, Period | None]:
    """A report's period (``--period``, else its timeframe on today in its timezone) and the
    period it compares with."""
    if period_text:
        try:
            period = parse_period(period_text)
        except ValueError as error:
            raise UsageError(f"--period: {error}") from None
    else:
        period = resolve(report.timeframe, today_in(report.timezone, now))
    return period, comparison(period, report.compare)


def resolve(timeframe: TimeframeName | Span, today: dt.date) -> Period:
    """The period a timeframe stands for when the report runs on ``today``."""
    if not isinstance(timeframe, str):
        return Period(timeframe.since, timeframe.until)
    if timeframe == "last_month":
        previous = today.replace(day=1) - dt.timedelta(days=1)
        return _month_of(previous.year, previous.month)
    if timeframe == "this_month":
        return Period(today.replace(day=1), today)
    days = _ROLLING_DAYS[timeframe]
    return Period(today - dt.timedelta(days=days), today - dt.timedelta(days=1))


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def comparison(period: Period, compare: Comparison) -> Period | None:
    """The period the deltas compare against, or None."""
    if compare == "none":
        return None
    if compare == "previous_year":
        return Period(_shift_year(period.since, -1), _shift_year(period.until, -1))
    if period.is_calendar_month:
        previous = period.since - dt.timedelta(days=1)
        return _month_of(previous.year, previous.month)
    length = dt.timedelta(days=period.days)
    return Period(period.since - length, period.until - length)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def parse_period(text: str) -> Period:
    """Parse a `--period` argument: `2026-10` or `2026-10-01..2026-10-31`."""
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return _month_of(year, month)
    elif match := _RANGE.match(text):
        try:
            since, until = dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2])
        except ValueError:
            pass
        else:
            if since <= until:
                return Period(since, until)
            raise ValueError(f"period {text!r}: {since} is after {until}")
    raise ValueError(f"period {text!r}: expected YYYY-MM or YYYY-MM-DD..YYYY-MM-DD")
