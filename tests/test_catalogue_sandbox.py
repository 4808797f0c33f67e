"""The sandbox answers from the catalogue: what the catalogue now says of Meta, it says too.

Each answer is checked against what Meta printed on a real account (sources in metrics.toml).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.sandbox import ACME, NOW, error_of, get, since_until

from reporter.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(seed=23, now=NOW) as sandbox:
        yield sandbox


def test_profile_views_and_website_clicks_answer_as_totals_only(sb: Sandbox) -> None:
    window = since_until(7)
    totals = get(
        sb,
        f"/{ACME}/insights",
        metric="profile_views,website_clicks",
        period="day",
        metric_type="total_value",
        **window,
    ).json()["data"]
    assert [item["name"] for item in totals] == ["profile_views", "website_clicks"]
    assert all(item["total_value"]["value"] >= 0 for item in totals)
    series = get(
        sb, f"/{ACME}/insights", metric="profile_views,website_clicks", period="day", **window
    )
    # the refusal clients recorded verbatim (the reference's observed errors)
    assert error_of(series)["message"] == (
        "(#100) The following metrics (profile_views, website_clicks) should be specified "
        "with parameter metric_type=total_value"
    )


# Meta's accepted account metrics as its error printed them to a Facebook-Login app on v22.0,
# 2026-05-08 (alexcriadog/get-rid-of-phyllo-plan docs/ig-probe-results.md); the same list was
# recorded on v23.0 by another client. Threads' metrics share the endpoint's list.
METAS_ACCOUNT_METRICS = (
    "(#100) metric[0] must be one of the following values: "
    "reach, follower_count, website_clicks, profile_views, online_followers, accounts_engaged, "
    "total_interactions, likes, comments, shares, saves, replies, engaged_audience_demographics, "
    "reached_audience_demographics, follower_demographics, follows_and_unfollows, "
    "profile_links_taps, views, threads_likes, threads_replies, reposts, quotes, "
    "threads_followers, threads_follower_demographics, content_views, threads_views, "
    "threads_clicks, threads_reposts"
)
THREADS_ONLY = {"quotes", "content_views"}


def test_the_accepted_metric_list_is_metas_minus_threads(sb: Sandbox) -> None:
    refused = get(sb, f"/{ACME}/insights", metric="impressions", period="day")
    message = error_of(refused)["message"]
    assert message.startswith("(#100) metric[0] must be one of the following values: ")
    offered = message.split(": ", 1)[1].split(", ")
    metas = METAS_ACCOUNT_METRICS.split(": ", 1)[1].split(", ")
    instagram = [m for m in metas if not m.startswith("threads_") and m not in THREADS_ONLY]
    assert sorted(offered) == sorted(instagram)


def test_views_breaks_down_by_follow_type_and_refuses_follower_type(sb: Sandbox) -> None:
    params = {"metric": "views", "period": "day", "metric_type": "total_value"}
    entry = get(sb, f"/{ACME}/insights", breakdown="follow_type", **params, **since_until(7))
    block = entry.json()["data"][0]["total_value"]
    results = block["breakdowns"][0]["results"]
    assert sum(r["value"] for r in results) == block["value"]
    refused = get(sb, f"/{ACME}/insights", breakdown="follower_type", **params)
    # Meta's own list of account breakdowns names no follower_type (clients/sm-crm, 2026-08)
    assert error_of(refused)["message"] == (
        "(#100) breakdown[0] must be one of the following values: "
        "age, city, contact_button_type, country, follow_type, gender, media_product_type"
    )


def test_reached_audience_demographics_answers_like_the_other_demographics(sb: Sandbox) -> None:
    body = get(
        sb,
        f"/{ACME}/insights",
        metric="reached_audience_demographics",
        period="lifetime",
        metric_type="total_value",
        timeframe="this_month",
        breakdown="country",
    ).json()
    block = body["data"][0]["total_value"]["breakdowns"][0]
    assert block["dimension_keys"] == ["timeframe", "country"]
    assert block["results"] and block["results"][0]["dimension_values"][0] == "THIS_MONTH"
    retired = get(
        sb,
        f"/{ACME}/insights",
        metric="reached_audience_demographics",
        period="lifetime",
        metric_type="total_value",
        timeframe="last_30_days",
        breakdown="country",
    )
    assert error_of(retired)["code"] == 100


def test_pinning_an_old_version_no_longer_saves_the_long_timeframes(sb: Sandbox) -> None:
    params = {
        "metric": "engaged_audience_demographics",
        "period": "lifetime",
        "metric_type": "total_value",
        "breakdown": "country",
    }
    # Meta's v20 changelog: refused from v20.0, and on every version from 2024-08-19
    old_version = get(sb, f"/v19.0/{ACME}/insights", timeframe="last_90_days", **params)
    assert error_of(old_version)["code"] == 100
    assert get(sb, f"/v19.0/{ACME}/insights", timeframe="this_week", **params).status_code == 200
