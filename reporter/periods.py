"""Reporting periods: the one place a timeframe becomes a Period, in the spec's timezone, and
its comparison period.

Pure functions of their arguments: the caller passes the run's moment (the World's clock), so
nothing here reads a clock. `report_periods` is what every command uses; the Period it gives is
carried through plan, fetch, render and delivery.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from reporter.errors import UsageError

TimeframeName = Literal[
    "last_month",
    "this_month",
    "last_7_days",
    "last_28_days",
    "last_90_days",
    "last_quarter",
    "this_quarter",
    "year_to_date",
    "last_year",
]
# The timeframes that name the last closed calendar period: a run catches up on the ones before
# it too (run/due.py), as it does for months.
CLOSED_TIMEFRAMES = ("last_month", "last_quarter", "last_year")
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
    def is_calendar_quarter(self) -> bool:
        return (
            self.since.day == 1
            and self.since.month % 3 == 1
            and self.until == _month_end(self.since.replace(month=self.since.month + 2))
        )

    @property
    def is_calendar_year(self) -> bool:
        return self.since == dt.date(self.since.year, 1, 1) and self.until == dt.date(
            self.since.year, 12, 31
        )

    @property
    def label(self) -> str:
        """`2026-10` for a calendar month, `2026-Q3` for a quarter, `2026` for a year, else
        `2026-10-01..2026-10-15`."""
        if self.is_calendar_month:
            return f"{self.since:%Y-%m}"
        if self.is_calendar_quarter:
            return f"{self.since.year}-Q{(self.since.month - 1) // 3 + 1}"
        if self.is_calendar_year:
            return f"{self.since.year}"
        return f"{self.since.isoformat()}..{self.until.isoformat()}"

    def __str__(self) -> str:
        return self.label


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])  # December 9999 too


# The moments reporter computes periods around. A period may start up to the history limit
# before today and a comparison a year before that, so this keeps every date it computes well
# inside Python's calendar (years 1 to 9999); Instagram began in 2010 anyway.
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


def check_moment(now: dt.datetime) -> None:
    """Refuse a clock (``--now``, ``--today``) outside the years reporter can compute in."""
    if not EARLIEST <= now < LATEST:
        raise UsageError(
            f"--now: {now.isoformat()} is outside the years {EARLIEST.year} to "
            f"{LATEST.year - 1} reporter computes periods in"
        )


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def period_refusal(period: Period, today: dt.date, history_years: int) -> str | None:
    """Why a report of ``period`` cannot be made on ``today``, or None: it has not started
    (nothing to report), or it starts further back than Meta keeps insights."""
    if period.since > today:
        return (
            f"the period has not started yet (today is {today.isoformat()}): "
            "its report would be empty; choose a period that has begun"
        )
    if period.since < years_before(today, history_years):
        return (
            f"the period starts {period.since.isoformat()}, more than {history_years} years "
            f"before today ({today.isoformat()}): Meta keeps insights for {history_years} "
            "years; choose a later period"
        )
    return None


def _month_of(year: int, month: int) -> Period:
    first = dt.date(year, month, 1)
    return Period(first, _month_end(first))


def months_up_to(day: dt.date, count: int) -> list[Period]:
    """The ``count`` calendar months that end with ``day``'s month, oldest first."""
    months: list[Period] = []
    year, month = day.year, day.month
    for _ in range(count):
        months.append(_month_of(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _quarter_of(year: int, quarter: int) -> Period:
    first = dt.date(year, 3 * quarter - 2, 1)
    return Period(first, _month_end(first.replace(month=first.month + 2)))


def _year_of(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def today_in(timezone: str, now: dt.datetime) -> dt.date:
    """The day it is at ``now`` in ``timezone``: the one definition of "today"."""
    return now.astimezone(ZoneInfo(timezone)).date()


def report_periods(
    report: Timeframed, period_text: str | None, now: dt.datetime, *, history_years: int
) -> tuple[Period, Period | None]:
    """A report's period (``--period``, else its timeframe on today in its timezone) and the
    period it compares with. A ``--period`` the validator would refuse in a spec (not started,
    older than ``history_years``) is a UsageError: an empty report helps no one."""
    if period_text:
        try:
            period = parse_period(period_text)
        except ValueError as error:
            raise UsageError(f"--period: {error}") from None
        today = today_in(report.timezone, now)
        if (refusal := period_refusal(period, today, history_years)) is not None:
            raise UsageError(f"--period {period_text}: {refusal}")
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
    quarter = (today.month - 1) // 3 + 1
    if timeframe == "last_quarter":
        return (
            _quarter_of(today.year - 1, 4) if quarter == 1 else _quarter_of(today.year, quarter - 1)
        )
    if timeframe == "this_quarter":
        return Period(_quarter_of(today.year, quarter).since, today)
    if timeframe == "year_to_date":
        return Period(dt.date(today.year, 1, 1), today)
    if timeframe == "last_year":
        return _year_of(today.year - 1)
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
    previous = period.since - dt.timedelta(days=1)
    if period.is_calendar_month:
        return _month_of(previous.year, previous.month)
    if period.is_calendar_quarter:
        return _quarter_of(previous.year, (previous.month - 1) // 3 + 1)
    if period.is_calendar_year:
        return _year_of(previous.year)
    if period.since == dt.date(period.since.year, 1, 1):
        # the year to date: the same days of the year before (the days just before would be
        # the end of last year, which no one compares a year's start with)
        return Period(_shift_year(period.since, -1), _shift_year(period.until, -1))
    length = dt.timedelta(days=period.days)
    return Period(period.since - length, period.until - length)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def parse_period(text: str) -> Period:
    """Parse a `--period` argument: `2026-10`, `2026-Q3`, `2026` or `2026-10-01..2026-10-31`."""
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return _month_of(year, month)
    elif match := _QUARTER.match(text):
        return _quarter_of(int(match[1]), int(match[2]))
    elif (match := _YEAR.match(text)) and int(match[1]) >= 1:
        return _year_of(int(match[1]))
    elif match := _RANGE.match(text):
        try:
            since, until = dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2])
        except ValueError:
            pass
        else:
            if since <= until:
                return Period(since, until)
            raise ValueError(f"period {text!r}: {since} is after {until}")
    raise ValueError(f"period {text!r}: expected YYYY-MM, YYYY-Qn, YYYY or YYYY-MM-DD..YYYY-MM-DD")
