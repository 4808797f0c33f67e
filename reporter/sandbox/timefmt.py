"""Time as Meta shows it: UTC timestamps like ``2026-10-05T14:03:11+0000`` and account days that
end at midnight America/Los_Angeles (``end_time`` 07:00 or 08:00 UTC, depending on DST)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC


def meta_time(when: dt.datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def pacific_day(when: dt.datetime) -> dt.date:
    """The Pacific calendar day ``when`` falls in."""
    return when.astimezone(PACIFIC).date()


def day_start(day: dt.date) -> dt.datetime:
    """Midnight Pacific at the start of ``day``, in UTC."""
    return dt.datetime.combine(day, dt.time(), tzinfo=PACIFIC).astimezone(UTC)


def day_end(day: dt.date) -> dt.datetime:
    """Midnight Pacific at the end of ``day``, in UTC: the ``end_time`` Meta gives that day."""
    return day_start(day + dt.timedelta(days=1))


def parse_time(text: str) -> dt.datetime | None:
    """``since``/``until``: Unix seconds, or an ISO date or date-time (Meta accepts both)."""
    text = text.strip()
    if text.lstrip("-").isdigit():
        return dt.datetime.fromtimestamp(int(text), tz=UTC)
    try:
        parsed = dt.datetime.fromisoformat(text.replace("+0000", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
