"""Numbers that hang together: breakdowns sum to totals, reach never exceeds views, totals of
additive metrics are the sums of their days, Pacific day ends, settling and unavailable data."""

from __future__ import annotations

import _thread
import datetime as dt
import io
import signal
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from support.sandbox import ACME, NOW, get, since_until

from reporter.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(seed=19, now=NOW) as sandbox:
        yield sandbox


def _by_name(body: dict[str, Any]) -> dict[str, Any]:
    return {item["name"]: item for item in body["data"]}


def test_media_numbers_hang_together(sb: Sandbox) -> None:
    media = get(sb, f"/{ACME}/media", fields="id,media_product_type,like_count", limit="40").json()[
        "data"
    ]
    for item in media[3:]:
        metrics = "views,reach,likes,comments,saved,shares,total_interactions,profile_activity"
        if item["media_product_type"] == "REELS":
            metrics = "views,reach,likes,comments,saved,shares,total_interactions"
        body = _by_name(get(sb, f"/{item['id']}/insights", metric=metrics).json())
        value = {name: entry["values"][0]["value"] for name, entry in body.items()}
        assert value["reach"] <= value["views"]
        assert value["total_interactions"] == sum(
            value[k] for k in ("likes", "comments", "saved", "shares")
        )
        assert value["likes"] == item["like_count"]
    post = next(m for m in media[3:] if m["media_product_type"] == "FEED")
    entry = get(
        sb, f"/{post['id']}/insights", metric="profile_activity", breakdown="action_type"
    ).json()["data"][0]
    results = entry["total_value"]["breakdowns"][0]["results"]
    assert sum(r["value"] for r in results) == entry["total_value"]["value"]
    assert all(r["dimension_values"][0].islower() for r in results)  # as in Meta's samples


def test_story_navigation_parts_sum_to_the_total(sb: Sandbox) -> None:
    story = get(sb, f"/{ACME}/stories").json()["data"][-1]["id"]
    entry = get(
        sb, f"/{story}/insights", metric="navigation", breakdown="story_navigation_action_type"
    ).json()["data"][0]
    results = entry["total_value"]["breakdowns"][0]["results"]
    assert sum(r["value"] for r in results) == entry["values"][0]["value"] > 0


def test_account_totals_are_sums_of_days_and_breakdowns_sum_to_totals(sb: Sandbox) -> None:
    window = since_until(25, NOW - dt.timedelta(days=3))
    for metric in ("views", "likes", "total_interactions", "reach"):
        total = get(
            sb,
            f"/{ACME}/insights",
            metric=metric,
            period="day",
            metric_type="total_value",
            breakdown="media_product_type",
            **window,
        ).json()["data"][0]["total_value"]
        parts = total["breakdowns"][0]["results"]
        assert sum(p["value"] for p in parts) == total["value"]
    series = get(
        sb, f"/{ACME}/insights", metric="reach,follower_count", period="day", **window
    ).json()
    days = _by_name(series)
    assert len(days["reach"]["values"]) == 25
    reach_total = get(
        sb, f"/{ACME}/insights", metric="reach", period="day", metric_type="total_value", **window
    ).json()["data"][0]["total_value"]["value"]
    daily = [v["value"] for v in days["reach"]["values"]]
    assert max(daily) < reach_total < sum(daily)  # unique accounts: never the sum of days
    follows = get(
        sb,
        f"/{ACME}/insights",
        metric="follows_and_unfollows",
        period="day",
        metric_type="total_value",
        breakdown="follow_type",
        **window,
    ).json()["data"][0]["total_value"]
    results = {r["dimension_values"][0]: r["value"] for r in follows["breakdowns"][0]["results"]}
    assert results["FOLLOWER"] == sum(v["value"] for v in days["follower_count"]["values"])
    assert set(results) == {"FOLLOWER", "NON_FOLLOWER"}
    # follows and unfollows are two counts: Meta answers the parts and no total, and without
    # the breakdown no total_value at all
    assert "value" not in follows
    plain = get(sb, f"/{ACME}/insights", metric="follows_and_unfollows", period="day",
                metric_type="total_value", **window).json()["data"][0]  # fmt: skip
    assert "total_value" not in plain


def test_days_end_at_midnight_pacific_across_dst(sb: Sandbox) -> None:
    values = get(sb, f"/{ACME}/insights", metric="reach", period="day", **since_until(5)).json()[
        "data"
    ][0]["values"]
    ends = [v["end_time"] for v in values]
    assert "2026-10-31T07:00:00+0000" in ends  # PDT
    assert "2026-11-02T08:00:00+0000" in ends  # PST, DST ended on 1 November


def test_the_last_48_hours_are_incomplete_and_today_is_not_there() -> None:
    with Sandbox(seed=19, now=NOW) as sb:
        window = {
            "since": str(int((NOW - dt.timedelta(days=4)).timestamp())),
            "until": str(int(NOW.timestamp())),
        }
        early = get(
            sb,
            f"/{ACME}/insights",
            metric="views",
            period="day",
            metric_type="total_value",
            **window,
        ).json()["data"][0]["total_value"]["value"]
        sb.set_now(NOW + dt.timedelta(days=3))
        late = get(
            sb,
            f"/{ACME}/insights",
            metric="views",
            period="day",
            metric_type="total_value",
            **window,
        ).json()["data"][0]["total_value"]["value"]
        assert early < late
        sb.set_now(NOW)
        future = {
            "since": str(int(NOW.timestamp())),
            "until": str(int((NOW + dt.timedelta(days=2)).timestamp())),
        }
        assert (
            get(sb, f"/{ACME}/insights", metric="reach", period="day", **future).json()["data"]
            == []
        )


def test_fresh_media_has_no_insights_yet() -> None:
    with Sandbox(seed=19, now=NOW) as sb:
        newest = get(sb, f"/{ACME}/media", fields="id,timestamp", limit="1").json()["data"][0]
        posted = dt.datetime.strptime(newest["timestamp"], "%Y-%m-%dT%H:%M:%S%z")
        sb.set_now(posted + dt.timedelta(minutes=5))
        assert get(sb, f"/{newest['id']}/insights", metric="reach").json() == {"data": []}


def test_demographics_top_45_and_below_the_follower_count(sb: Sandbox) -> None:
    followers = get(sb, f"/{ACME}", fields="followers_count").json()["followers_count"]
    entry = get(
        sb,
        f"/{ACME}/insights",
        metric="follower_demographics",
        period="lifetime",
        metric_type="total_value",
        timeframe="this_week",
        breakdown="country",
    ).json()["data"][0]
    block = entry["total_value"]["breakdowns"][0]
    assert block["dimension_keys"] == ["timeframe", "country"]
    assert len(block["results"]) == 45
    assert sum(r["value"] for r in block["results"]) < followers


def test_serve_forever_prints_the_banner_and_stops_cleanly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``reporter sandbox``: banner with URL, accounts and tokens; Ctrl-C ends it quietly."""
    from reporter.sandbox import app, server

    out = io.StringIO()
    serving = threading.Event()
    original = server.SandboxServer.serve_forever

    def serve_then_signal(self: server.SandboxServer, poll_interval: float = 0.5) -> None:
        serving.set()
        original(self, poll_interval)

    def interrupt_soon() -> None:
        serving.wait(5)
        _thread.interrupt_main()  # what Ctrl-C does

    monkeypatch.setattr(server.SandboxServer, "serve_forever", serve_then_signal)
    # A shell that starts the tests in the background ignores SIGINT, and then Python would
    # ignore interrupt_main() too: Ctrl-C's handler is set here, as an interactive shell does.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    thread = threading.Thread(target=interrupt_soon)
    thread.start()
    try:
        app.serve_forever(
            port=0, seed=1, now=NOW, latency_ms=0, fault_rate=0.0, rate_limit=0, out=out
        )
    finally:
        thread.join()
        signal.signal(signal.SIGINT, previous)
    text = out.getvalue()
    assert "http://127.0.0.1:" in text
    assert "SBX-acmecoffee-" in text and "17841400000000001" in text
    assert text.endswith("sandbox stopped\n")
