"""Which periods `reporter run --send` delivers when no ``--period`` is given: every period of a
spec that is due, so a run on any day (a daily cron line) catches up on what an earlier run held
or missed, and sends each exactly once (the ledger skips what went out).

The spec's timeframe decides the kind of period: ``last_month`` looks back over the last
``LOOK_BACK`` calendar months (``last_quarter`` and ``last_year`` over quarters and years);
every other timeframe has the one period it resolves to today. A
period is due once it is over in the spec's timezone and, unless ``[quality]
wait_for_settling = false``, Meta's 48-hour settling window after it has closed (predicted from
the dates alone, so `--dry-run` says it too; the data-quality rules check the fetched data
again). A period before the newest is only looked back on when the store knows it (it was held or
partly delivered) or knows an earlier period of the spec and account (a run missed it): a spec
new to the store starts with its newest period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from reporter.dataset import META_TIMEZONE
from reporter.periods import CLOSED_TIMEFRAMES, Period, resolve, today_in
from reporter.run.report import Report
from reporter.spec.models import Spec
from reporter.store.database import Store

LOOK_BACK = 2  # periods a `last_month` (`last_quarter`, `last_year`) spec looks back over
_UTC_FORMAT = "%Y-%m-%d %H:%M UTC"


@dataclass(frozen=True)
class Candidate:
    period: Period
    not_due: str  # why it is not due yet; "" when it is
    newest: bool
    over: bool  # the period has ended (it may still be settling)


def candidates(spec: Spec, now: dt.datetime, settle_hours: int) -> list[Candidate]:
    """The periods a run at ``now`` considers, oldest first."""
    newest = resolve(spec.report.timeframe, today_in(spec.report.timezone, now))
    periods = [newest]
    if (timeframe := spec.report.timeframe) in CLOSED_TIMEFRAMES:
        for _ in range(LOOK_BACK - 1):
            periods.insert(0, resolve(timeframe, periods[0].since))
    found = []
    for period in periods:
        end = period_end(period, spec.report.timezone)
        found.append(
            Candidate(period, _not_due(spec, end, now, settle_hours), period == newest, now >= end)
        )
    return found


def period_end(period: Period, timezone: str) -> dt.datetime:
    """The moment the period ends: midnight after its last day, in its timezone."""
    day = period.until + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), ZoneInfo(timezone)).astimezone(dt.UTC)


def settles_at(end: dt.datetime, settle_hours: int) -> dt.datetime:
    """When Meta's figures of a period ending at ``end`` stop changing: its last Pacific day
    (Meta counts days in Pacific time) has ended, plus the settling delay."""
    pacific = ZoneInfo(META_TIMEZONE)
    local = end.astimezone(pacific)
    midnight = dt.datetime.combine(local.date(), dt.time(), pacific)
    if midnight < end:
        midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), pacific)
    return max(end, midnight).astimezone(dt.UTC) + dt.timedelta(hours=settle_hours)


def _not_due(spec: Spec, end: dt.datetime, now: dt.datetime, settle_hours: int) -> str:
    if now < end:
        return (
            f"not due: the period ends {end.strftime(_UTC_FORMAT)}; a run after Meta's figures "
            "have settled sends it"
        )
    settled = settles_at(end, settle_hours)
    if spec.quality.wait_for_settling and now < settled:
        return (
            f"not due yet: Meta's {settle_hours}-hour settling window closes "
            f"{settled.strftime(_UTC_FORMAT)}; the first run after then sends it"
        )
    return ""


def look_back(reports: Sequence[Report], store: Store) -> list[Report]:
    """The reports to consider: each spec and account's newest period, and an earlier one only
    when the store knows it (held, or partly delivered) or knows a period before it (so it was
    expected, and a run missed it). A spec new to the store starts with its newest period."""
    newest: dict[tuple[str, str], str] = {}
    for r in reports:
        newest[(r.key.spec, r.key.account_id)] = r.key.period  # candidates are oldest first
    known: dict[tuple[str, str], set[str]] = {}
    kept = []
    for r in reports:
        mine = (r.key.spec, r.key.account_id)
        if newest[mine] != r.key.period:
            seen = known.setdefault(mine, store.known_periods(*mine))
            if r.key.period not in seen and not any(p < r.key.period for p in seen):
                continue
        kept.append(r)
    return kept
