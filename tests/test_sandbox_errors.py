"""Each error the sandbox answers, by code, subcode and message, as the reference documents them
(../shared/reference/graph-api.md and the seeds), not as the validator words them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import requests
from support.sandbox import ACME, NORDLICHT, NOW, TINY, error_of, get, since_until

from reporter.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(seed=7, now=NOW) as sandbox:
        yield sandbox


def _first(sb: Sandbox, account: str, product: str, media_type: str | None = None) -> str:
    page = get(
        sb,
        f"/v25.0/{account}/media",
        account=account,
        fields="id,media_product_type,media_type",
        limit="100",
    ).json()["data"]
    for item in page[3:]:
        if item["media_product_type"] == product and media_type in (None, item["media_type"]):
            return str(item["id"])
    raise AssertionError(f"no {product} {media_type} media")


def test_missing_token_is_104(sb: Sandbox) -> None:
    response = requests.get(f"{sb.base_url}/v25.0/{ACME}", timeout=10)
    assert response.status_code == 400
    assert error_of(response)["code"] == 104
    assert error_of(response)["message"] == "An access token is required to request this resource."


def test_unknown_token_is_190_cannot_parse(sb: Sandbox) -> None:
    error = error_of(get(sb, "/v25.0/me", token="EAAOc-not-a-real-token"))
    assert (error["code"], error["type"]) == (190, "OAuthException")
    assert error["message"] == "Invalid OAuth access token - Cannot parse access token"
    assert isinstance(error["fbtrace_id"], str) and error["fbtrace_id"]


def test_expired_token_is_190_463_with_metas_wording(sb: Sandbox) -> None:
    response = get(sb, "/v25.0/me", token=sb.expired_token)
    error = error_of(response)
    assert (error["code"], error["error_subcode"]) == (190, 463)
    assert error["message"].startswith("Error validating access token: Session has expired on ")
    assert "The current time is Monday, 02-Nov-26 09:00:00 PST." in error["message"]
    assert "WWW-Authenticate" in response.headers


def test_any_account_token_can_be_expired_invalidated_and_restored() -> None:
    with Sandbox(seed=7, now=NOW) as sb:
        sb.expire_token(NORDLICHT)
        assert error_of(get(sb, "/me", account=NORDLICHT))["error_subcode"] == 463
        sb.invalidate_token(NORDLICHT, subcode=460)
        error = error_of(get(sb, "/me", account=NORDLICHT))
        assert (error["code"], error["error_subcode"]) == (190, 460)
        assert "changed their password" in error["message"]
        sb.restore_token(NORDLICHT)
        assert get(sb, "/me", account=NORDLICHT).status_code == 200


def test_other_accounts_objects_do_not_exist_for_a_token(sb: Sandbox) -> None:
    error = error_of(get(sb, f"/v25.0/{NORDLICHT}", account=ACME))
    assert (error["code"], error["error_subcode"], error["type"]) == (
        100,
        33,
        "GraphMethodException",
    )
    assert error["message"].startswith(
        f"Unsupported get request. Object with ID '{NORDLICHT}' does not exist"
    )
    assert error_of(get(sb, "/v25.0/18999999999999999"))["error_subcode"] == 33


def test_unknown_metric_names_its_index_and_the_valid_values(sb: Sandbox) -> None:
    error = error_of(get(sb, f"/v25.0/{ACME}/insights", metric="reach,viewz", period="day"))
    assert error["code"] == 100
    assert error["message"].startswith("(#100) metric[1] must be one of the following values: ")
    assert "views, reach, accounts_engaged" in error["message"]
    assert "impressions" not in error["message"]


def test_a_metric_removed_on_all_versions_is_gone(sb: Sandbox) -> None:
    error = error_of(get(sb, f"/v21.0/{ACME}/insights", metric="impressions", period="day"))
    assert error["message"].startswith("(#100) metric[0] must be one of the following values")
    media = _first(sb, ACME, "REELS")
    error = error_of(get(sb, f"/v20.0/{media}/insights", metric="plays"))
    assert error["message"].startswith("(#100) metric[0] must be one of")


def test_a_metric_removed_for_the_requested_version_says_so() -> None:
    before_removal = dt.datetime(2025, 3, 1, 17, tzinfo=dt.UTC)
    with Sandbox(seed=7, now=before_removal) as sb:
        error = error_of(get(sb, f"/v22.0/{ACME}/insights", metric="impressions", period="day"))
        assert error["code"] == 100
        assert error["message"].startswith(
            "(#100) Starting from version 22 and above, the impressions metric is no longer "
            "supported for the queried user."
        )
        response = get(sb, f"/v21.0/{ACME}/insights", metric="impressions", period="day")
        assert response.status_code == 200, response.text


def test_one_bad_metric_fails_the_whole_request(sb: Sandbox) -> None:
    post = _first(sb, ACME, "FEED", "IMAGE")
    response = get(sb, f"/v25.0/{post}/insights", metric="reach,navigation,likes")
    assert response.status_code == 400
    assert error_of(response)["message"] == (
        "(#100) The Media Insights API does not support the navigation metric for this media "
        "product type."
    )


def test_breakdown_not_supported_is_metas_unknown_error(sb: Sandbox) -> None:
    post = _first(sb, ACME, "FEED")
    response = get(
        sb, f"/v25.0/{post}/insights", metric="reach,profile_activity", breakdown="action_type"
    )
    assert response.status_code == 500
    error = error_of(response)
    assert (error["code"], error["message"]) == (1, "An unknown error has occurred.")
    response = get(
        sb,
        f"/v25.0/{ACME}/insights",
        metric="likes",
        period="day",
        metric_type="total_value",
        breakdown="follow_type",
    )
    assert error_of(response)["message"] == "An unknown error has occurred."


def test_range_longer_than_30_days(sb: Sandbox) -> None:
    response = get(sb, f"/v25.0/{ACME}/insights", metric="reach", period="day", **since_until(31))
    assert error_of(response)["message"] == (
        "(#100) There cannot be more than 30 days (2592000 s) between since and until"
    )
    ok = get(sb, f"/v25.0/{ACME}/insights", metric="reach", period="day", **since_until(30))
    assert ok.status_code == 200


def test_metric_type_errors(sb: Sandbox) -> None:
    error = error_of(get(sb, f"/v25.0/{ACME}/insights", metric="reach,views,likes", period="day"))
    assert error["message"] == (
        "(#100) The following metrics (views, likes) should be specified with parameter "
        "metric_type=total_value"
    )
    error = error_of(
        get(
            sb,
            f"/v25.0/{ACME}/insights",
            metric="follower_count",
            period="day",
            metric_type="total_value",
        )
    )
    assert error["message"] == (
        "(#100) The following metric (follower_count) is incompatible with the metric type "
        "(total_value)"
    )


def test_follower_count_only_for_the_last_30_days(sb: Sandbox) -> None:
    error = error_of(
        get(
            sb,
            f"/v25.0/{ACME}/insights",
            metric="follower_count",
            period="day",
            **since_until(10, NOW - dt.timedelta(days=40)),
        )
    )
    assert error["message"] == (
        "(#100) (follower_count) metric only supports querying data for the last 30 days "
        "excluding the current day"
    )


def test_demographics_timeframes_refused_from_v20(sb: Sandbox) -> None:
    query = {
        "metric": "follower_demographics",
        "period": "lifetime",
        "breakdown": "age",
        "metric_type": "total_value",
        "timeframe": "last_30_days",
    }
    error = error_of(get(sb, f"/v25.0/{ACME}/insights", **query))
    assert error["code"] == 100
    assert error["message"] == (
        "(#100) timeframe must be one of the following values: this_week, this_month"
    )
    assert get(sb, f"/v19.0/{ACME}/insights", **query).status_code == 200


def test_too_few_followers(sb: Sandbox) -> None:
    for metric, extra in [
        ("follower_count", {}),
        ("online_followers", {"period": "lifetime"}),
        ("follows_and_unfollows", {"metric_type": "total_value"}),
        (
            "follower_demographics",
            {
                "period": "lifetime",
                "metric_type": "total_value",
                "timeframe": "this_month",
                "breakdown": "country",
            },
        ),
    ]:
        query = {"metric": metric, "period": "day", **extra}
        error = error_of(get(sb, f"/v25.0/{TINY}/insights", account=TINY, **query))
        assert error["code"] == 10, metric
        assert f"({metric}) metric needs at least 100 followers" in error["message"]
    assert (
        get(sb, f"/v25.0/{TINY}/insights", account=TINY, metric="reach", period="day").status_code
        == 200
    )


def _tiny_story(sb: Sandbox) -> tuple[str, dt.datetime]:
    day = NOW.date()
    while True:
        day -= dt.timedelta(days=1)
        for item in sb.world.day_media(3, day):
            if item.product == "STORY":
                return item.id, item.timestamp


def test_story_rules_not_enough_viewers_then_gone_after_24_hours() -> None:
    with Sandbox(seed=7, now=NOW) as sb:
        story, posted = _tiny_story(sb)
        sb.set_now(posted + dt.timedelta(hours=6))
        response = get(sb, f"/v25.0/{story}/insights", account=TINY, metric="reach,views")
        assert error_of(response)["code"] == 10
        assert error_of(response)["message"] == (
            "(#10) Not enough viewers for the media to show insights"
        )
        sb.set_now(posted + dt.timedelta(hours=25))
        gone = get(sb, f"/v25.0/{story}/insights", account=TINY, metric="reach")
        assert (gone.status_code, gone.json()) == (200, {"data": []})


def test_carousel_children_have_no_insights(sb: Sandbox) -> None:
    album = _first(sb, ACME, "FEED", "CAROUSEL_ALBUM")
    child = get(sb, f"/v25.0/{album}/children").json()["data"][0]["id"]
    error = error_of(get(sb, f"/v25.0/{child}/insights", metric="reach"))
    assert error["code"] == 10
    assert get(sb, f"/v25.0/{album}/insights", metric="reach").status_code == 200


def test_media_posted_before_the_business_conversion(sb: Sandbox) -> None:
    oldest = sb.world.origin + dt.timedelta(days=1)
    for day in (oldest + dt.timedelta(days=n) for n in range(10)):
        posts = [m for m in sb.world.day_media(2, day) if m.product != "STORY"]
        if posts:
            break
    error = error_of(get(sb, f"/v25.0/{posts[0].id}/insights", account=NORDLICHT, metric="reach"))
    assert (error["code"], error["error_subcode"]) == (100, 2108006)
    assert error["error_user_title"] == "Media posted before business account conversion"


def test_unknown_fields_and_paths(sb: Sandbox) -> None:
    error = error_of(get(sb, f"/v25.0/{ACME}", fields="username,favourite_colour"))
    assert error["message"] == (
        "(#100) Tried accessing nonexisting field (favourite_colour) on node type (IGUser)"
    )
    assert error_of(get(sb, f"/v25.0/{ACME}/insights/reach/day"))["code"] == 2500
