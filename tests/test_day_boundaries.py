"""Day boundaries: a period's account figures are Meta's Pacific days with the period's dates,
across a DST change in the spec's timezone (Berlin, end of October) and in Pacific time itself
(New York November: 1 November is a 25-hour Pacific day), against the sandbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from support.fetch import ACME, make_spec, run

from reporter.dataset import Dataset, Observation, meta_day_ending, meta_days
from reporter.sandbox import Sandbox

NOW = dt.datetime(2026, 12, 5, 12, tzinfo=dt.UTC)  # both months settled


def _fetch(tmp_path: Path, timezone: str, period: str) -> Dataset:
    spec = make_spec(ACME, report={"timezone": timezone}, media=None)
    with Sandbox(seed=1, now=NOW) as sb:
        [outcome] = run(sb, spec, tmp_path / "s.db", period, now=NOW)
    assert outcome.error is None and outcome.dataset is not None
    return outcome.dataset


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def test_berlin_october_is_pacific_1_to_31_october(tmp_path: Path) -> None:
    data = _fetch(tmp_path, "Europe/Berlin", "2026-10")  # Berlin leaves DST on 25 October
    series = data.series(ACME, "reach")
    assert [meta_day_ending(o.end_time) for o in series if o.end_time] == _days(
        dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    )
    # Pacific time is still on PDT all October: every day ends at 07:00 UTC
    assert {o.end_time.time() for o in series if o.end_time} == {dt.time(7)}
    assert data.meta_days() == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    totals = [o for o in data.for_object(ACME, "views") if not o.dimensions]
    assert sorted(o.meta_days for o in totals if o.meta_days) == [
        (dt.date(2026, 10, 1), dt.date(2026, 10, 30)),
        (dt.date(2026, 10, 31), dt.date(2026, 10, 31)),
    ]
    # additive: the two windows' views are the sum of the 31 Pacific days, none twice
    assert sum(o.value for o in totals) > 0


def test_new_york_november_splits_at_the_25_hour_pacific_day(tmp_path: Path) -> None:
    data = _fetch(tmp_path, "America/New_York", "2026-11")
    series = data.series(ACME, "reach")
    days = [meta_day_ending(o.end_time) for o in series if o.end_time]
    assert days == _days(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert series[0].end_time == dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC)  # PST from 1 Nov
    # 30 Pacific days including the 25-hour 1 November are 1 h more than Meta's 2,592,000 s,
    # but Meta counts the days whose end lies in (since, until]: one window of exactly 30 days
    # starting at 01:00 PDT on 1 November still counts all of them
    windows = sorted({(o.since, o.until) for o in data.for_object(ACME, "views")})
    assert windows == [
        (dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC))
    ]
    assert data.meta_days() == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def test_meta_days_of_old_windows_say_which_days_they_really_counted() -> None:
    # a dataset fetched with Berlin midnights (before this fix) covered 30 Sep..30 Oct
    since = dt.datetime(2026, 9, 30, 22, tzinfo=dt.UTC)
    until = dt.datetime(2026, 10, 31, 23, tzinfo=dt.UTC)
    assert meta_days(since, until) == (dt.date(2026, 9, 30), dt.date(2026, 10, 30))
    old = Observation(ACME, "views", "day", 1.0, since=since, until=until)
    assert old.meta_days == (dt.date(2026, 9, 30), dt.date(2026, 10, 30))
    assert Observation(ACME, "views", "lifetime", 1.0, metric_type="lifetime").meta_days is None


def test_the_report_says_which_pacific_days_its_figures_cover() -> None:
    from support import render as rs

    from reporter.render import build_html

    spec = rs.spec(report={"client": "Acme", "timezone": "Europe/Berlin"})
    current = rs.dataset(rs.OCTOBER)
    html = build_html(
        spec,
        spec.accounts[0],
        current,
        None,
        catalogue=rs.CATALOGUE,
        thumbnails={},
        now=rs.FETCHED_AT,
    ).html
    assert (
        "Account figures cover the Pacific-time days Oct 1\u2009\u2013\u200931 (Meta's day ends "
        "at midnight Pacific time, and a day in the charts is a Pacific day); posts are those "
        "published Oct 1\u2009\u2013\u200931 (Europe/Berlin time)."
    ) in html.replace("&#39;", "'")
