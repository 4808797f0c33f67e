"""The pure planner: windows, grouping, horizons, media queries and the printed plan."""

from __future__ import annotations

import datetime as dt

from support.fetch import ACME, NORDLICHT, make_spec

from reporter import catalogue
from reporter.periods import Period, parse_period
from reporter.plan.build import Call, Window, chunks, media_requests, plan, plan_collect, window_of
from reporter.plan.text import describe

CAT = catalogue.load()
TODAY = dt.date(2026, 11, 2)


def _days(window: Window | None) -> float:
    assert window is not None
    return (window.until - window.since).total_seconds() / 86400


def test_a_31_day_month_is_a_30_day_window_and_a_1_day_window() -> None:
    windows = chunks(parse_period("2026-10"), "UTC", 30)
    assert [_days(w) for w in windows] == [30, 1]
    assert windows[0].since == dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    assert windows[1].until == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def test_a_dst_change_never_makes_a_window_longer_than_30_days() -> None:
    # Europe/Berlin leaves summer time on 2026-10-25: 30 local days are 30 days and 1 hour, so
    # the window starts at 01:00 on 1 October (before that day ends, which is what counts)
    windows = chunks(parse_period("2026-10"), "Europe/Berlin", 30)
    assert [_days(w) for w in windows] == [30, 1]
    assert windows[0].since == dt.datetime(2026, 9, 30, 23, tzinfo=dt.UTC)
    assert windows[0].until == windows[1].since == dt.datetime(2026, 10, 30, 23, tzinfo=dt.UTC)


def test_every_pacific_day_of_a_month_is_counted_in_the_fewest_windows() -> None:
    # Meta counts a day when its end lies in (since, until]
    pacific = "America/Los_Angeles"
    for month, sizes in [("2026-11", [30]), ("2026-10", [30, 1]), ("2026-03", [30]),
                         ("2026-02", [28])]:  # fmt: skip
        period = parse_period(month)
        windows = chunks(period, pacific, 30)
        assert [round(_days(w), 3) for w in windows] == sizes, month
        counted = [d for w in windows for d in _pacific_days_counted(w)]
        assert counted == [period.since + dt.timedelta(days=n) for n in range(period.days)]


def _pacific_days_counted(window: Window) -> list[dt.date]:
    from reporter.dataset import meta_days

    first, last = meta_days(window.since, window.until)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def test_short_periods_and_two_years() -> None:
    assert len(chunks(parse_period("2026-02"), "UTC", 30)) == 1
    two_years = chunks(Period(dt.date(2024, 11, 1), dt.date(2026, 10, 31)), "UTC", 30)
    assert len(two_years) == 25 and all(_days(w) <= 30 for w in two_years)


def test_window_is_the_period_in_the_spec_timezone() -> None:
    window = window_of(parse_period("2026-10"), "America/New_York")
    assert window.since == dt.datetime(2026, 10, 1, 4, tzinfo=dt.UTC)
    assert window.until == dt.datetime(2026, 11, 1, 4, tzinfo=dt.UTC)


def _insight_calls(spec_kwargs: dict[str, object], period: str = "2026-10") -> list[Call]:
    spec = make_spec(ACME, **spec_kwargs)
    fetch_plan = plan(spec, CAT, parse_period(period), None, today=TODAY)
    return [c for c in fetch_plan.units[0].calls if c.kind == "insights"]


def test_metrics_are_grouped_by_type_breakdown_and_window() -> None:
    calls = _insight_calls(
        {
            "account_metrics": {
                "metrics": ["reach", "views", "likes"],
                "breakdowns": {"likes": ["media_product_type"],
                               "views": ["media_product_type"], "reach": ["follow_type"]},
                "time_series": ["reach"],
            }
        }
    )  # fmt: skip
    found = sorted(
        (c.metric_type, c.breakdown or "", ",".join(c.metrics), round(_days(c.window)))
        for c in calls
    )
    assert found == [
        ("time_series", "", "reach", 1),
        ("time_series", "", "reach", 30),
        ("total_value", "", "reach,views,likes", 1),
        ("total_value", "", "reach,views,likes", 30),
        ("total_value", "follow_type", "reach", 1),
        ("total_value", "follow_type", "reach", 30),
        ("total_value", "media_product_type", "likes,views", 1),
        ("total_value", "media_product_type", "likes,views", 30),
    ]
    for call in calls:
        params = dict(call.request.params)
        assert params["period"] == "day"
        assert int(params["until"]) - int(params["since"]) <= 30 * 86400
        assert "access_token" not in call.request.relative_url


def test_follower_count_is_clipped_to_its_30_day_horizon_or_skipped() -> None:
    [call] = _insight_calls({"account_metrics": {"time_series": ["follower_count"]}})
    # the Pacific day 4 October starts at 07:00 UTC (Meta's days are Pacific days)
    assert call.window is not None
    assert call.window.since == dt.datetime(2026, 10, 4, 7, tzinfo=dt.UTC)
    spec = make_spec(ACME, account_metrics={"time_series": ["follower_count"]})
    old = plan(spec, CAT, parse_period("2026-08"), None, today=TODAY).units[0]
    assert not [c for c in old.calls if c.kind == "insights"]
    [skipped] = old.skipped
    assert (skipped.metric, skipped.kind) == ("follower_count", "history")


def test_demographics_one_call_per_breakdown_with_timeframe_for_the_report_only() -> None:
    spec = make_spec(
        ACME,
        report={"compare": "previous_period"},
        audience={"metrics": ["follower_demographics", "engaged_audience_demographics"],
                  "breakdowns": ["country", "age"], "timeframe": "this_month"},
    )  # fmt: skip
    report, compared = plan(spec, CAT, parse_period("2026-10"), parse_period("2026-09"),
                            today=TODAY).units  # fmt: skip
    demographics = [c for c in report.calls if c.kind == "demographics"]
    assert [c.request.relative_url for c in demographics] == [
        f"v25.0/{ACME}/insights?metric=follower_demographics%2Cengaged_audience_demographics"
        f"&period=lifetime&metric_type=total_value&breakdown={b}&timeframe=this_month"
        for b in ("country", "age")
    ]
    assert not [c for c in compared.calls if c.kind == "demographics"]
    assert compared.role == "comparison" and compared.label == "2026-09"


def test_media_listing_and_queries_per_product_type_and_breakdown() -> None:
    spec = make_spec(
        ACME,
        media={"product_types": ["FEED", "STORY"],
               "metrics": {"FEED": ["reach", "profile_activity"], "STORY": ["reach", "navigation"]},
               "breakdowns": {"profile_activity": ["action_type"],
                              "navigation": ["story_navigation_action_type"]}},
    )  # fmt: skip
    unit = plan(spec, CAT, parse_period("2026-10-20..2026-11-01"), None, today=TODAY).units[0]
    [listing] = [c for c in unit.calls if c.kind == "media_list"]
    params = dict(listing.request.params)
    assert params["limit"] == "100" and params["since"] == "1792454400"
    assert params["until"] == str(1792454400 + 13 * 86400 - 1)
    assert [c.kind for c in unit.calls].count("stories") == 1  # the period reaches yesterday
    queries = [(q.product_type, q.metrics, q.breakdown) for q in unit.media_queries]
    assert queries == [
        ("FEED", ("reach",), None),
        ("FEED", ("profile_activity",), "action_type"),
        ("STORY", ("reach",), None),
        ("STORY", ("navigation",), "story_navigation_action_type"),
    ]
    pairs = media_requests(unit, [("1", "FEED"), ("2", "REELS"), ("3", "STORY")])
    assert [(q.product_type, m) for q, m in pairs] == [
        ("FEED", "1"), ("FEED", "1"), ("STORY", "3"), ("STORY", "3"),
    ]  # fmt: skip
    assert pairs[1][0].request("v25.0", "1").relative_url == (
        "v25.0/1/insights?metric=profile_activity&breakdown=action_type"
    )


def test_described_plan_counts_batches_and_says_what_depends_on_the_listing() -> None:
    spec = make_spec(ACME, NORDLICHT, report={"compare": "previous_period"})
    fetch_plan = plan(spec, CAT, parse_period("2026-10"), parse_period("2026-09"), today=TODAY)
    lines = describe(fetch_plan, {ACME: "https://graph.facebook.com"})
    assert lines[0] == (
        "Account 01 (17841400000000001, facebook login) report 2026-10: https://graph.facebook.com"
    )
    assert "  = 5 calls sent as 1 batch request(s), plus 1 listing" in lines
    assert any(line.endswith("in batches of 50") for line in lines)
    assert any(line.endswith("one request each") for line in lines)
    # Acme: 2 units x (1 batch + 1 listing); Nordlicht: 6 + 4 direct calls
    # Meta counts every call inside a batch: more calls (20) than requests (14)
    assert lines[-1].startswith(
        "14 requests (20 calls against Meta's rate limit, which counts each call inside a "
        "batch) known before the media listing;"
    )
    assert fetch_plan.batch_size == 50


def test_collect_plans_yesterday_and_live_stories_without_listing() -> None:
    spec = make_spec(ACME, media={"product_types": ["FEED", "STORY"]})
    [unit] = plan_collect(spec, CAT, today=TODAY).units
    assert unit.label == "day:2026-11-01" and unit.role == "day"
    kinds = [c.kind for c in unit.calls]
    assert "media_list" not in kinds and kinds.count("stories") == 1
