"""The sandbox answers as Meta does: the requests of the conformance corpus (tests/conformance/)
sent to the sandbox, with the sandbox's own account and media in place of Meta's sample ids, get
answers of the corpus's structure (keys, nesting, value types; the same keys per data item) and,
for errors, the same code, subcode, type, transience, user title/message and wording.

Known disagreement left out here (the client must change first, see test_fetch): facebook_views
on media not shared to Facebook is refused with the sandbox's own code-100 wording, where Meta
answers ``(#-1) Fatal`` (subcode 2207086) for the whole call.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from support.replay import corpus
from support.sandbox import ACME, NORDLICHT, NOW, since_until, structure_diff

from reporter.sandbox import Sandbox
from reporter.sandbox.replay import Exchange

EXCHANGES = corpus()
SETTLED = since_until(25, NOW - dt.timedelta(days=3))


def _exchange(file: str, path: str | None = None, **params: str) -> Exchange:
    """The corpus exchange of ``file`` (and ``path``) whose named parameters include ``params``."""
    found = [e for e in EXCHANGES if e.file.split("/")[-1].startswith(f"{file}.json#")
             and path in (None, e.path)
             and all(e.params.get(k) == v for k, v in params.items())]  # fmt: skip
    assert len(found) == 1, (file, params, [e.file for e in found])
    return found[0]


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(seed=3, now=NOW) as sandbox:
        yield sandbox


def _ask(sb: Sandbox, path: str, params: dict[str, str], token: str | None = None) -> Any:
    query = {**params, "access_token": token or sb.token_for(ACME)}
    return requests.get(f"{sb.base_url}/v25.0/{path}", params=query, timeout=10)


def _same_structure(sample: dict[str, Any], actual: dict[str, Any]) -> None:
    assert set(actual) == set(sample), (list(sample), list(actual))
    if "data" not in sample or not sample["data"] or "name" not in sample["data"][0]:
        assert structure_diff(sample, actual) == []
        return
    by_name = {item["name"]: item for item in actual["data"]}
    for item in sample["data"]:
        mine = by_name[item["name"]]
        assert set(mine) == set(item), (item["name"], list(item), list(mine))
        assert structure_diff(item, mine) == []
    if "paging" in sample:
        assert structure_diff(sample["paging"], actual["paging"]) == []


def _media(sb: Sandbox, media_type: str, product: str) -> str:
    page = _ask(sb, f"{ACME}/media", {"fields": "id,media_type,media_product_type",
                                     "limit": "50"}).json()["data"]  # fmt: skip
    for item in page[5:]:  # settled: a few days old
        if (item["media_type"], item["media_product_type"]) == (media_type, product):
            return str(item["id"])
    raise AssertionError(f"no settled {media_type} {product} in the sandbox")


PAIR = "follower_demographics,engaged_audience_demographics"
ACCOUNT_CASES = [
    ("account_insights", {"metric_type": "total_value", "metric": "views,reach,accounts_engaged,"
                          "total_interactions,likes,comments,saves,shares"}),
    ("account_insights", {"breakdown": "media_product_type"}),
    ("account_insights", {"metric": "reach", "metric_type": "time_series"}),
    ("account_insights", {"metric": "follower_count"}),
    ("account_insights", {"metric": "follows_and_unfollows", "breakdown": "follow_type"}),
    ("online_followers", {"metric": "online_followers"}),
    ("demographics", {"breakdown": "country", "metric": PAIR}),
    ("demographics", {"breakdown": "age", "metric": PAIR}),
    ("demographics", {"breakdown": "city", "metric": "follower_demographics"}),
    ("demographics", {"breakdown": "gender", "metric": "engaged_audience_demographics"}),
]  # fmt: skip


@pytest.mark.parametrize(("file", "params"), ACCOUNT_CASES, ids=lambda c: str(c)[:40])
def test_account_answers_have_metas_structure(
    sb: Sandbox, file: str, params: dict[str, str]
) -> None:
    exchange = _exchange(file, **params)
    window = {} if "timeframe" in exchange.params else SETTLED
    answer = _ask(sb, f"{ACME}/insights", {**exchange.params, **window})
    assert answer.status_code == 200, answer.text
    _same_structure(exchange.body, answer.json())


def test_follows_and_unfollows_has_no_total_without_a_breakdown(sb: Sandbox) -> None:
    exchange = next(e for e in EXCHANGES if e.params.get("metric") == "follows_and_unfollows"
                    and "breakdown" not in e.params)  # fmt: skip
    answer = _ask(sb, f"{ACME}/insights", {**exchange.params, **SETTLED}).json()
    _same_structure(exchange.body, answer)
    assert "total_value" not in answer["data"][0]


def test_profile_and_listing_pages_have_metas_structure(sb: Sandbox) -> None:
    profile = _exchange("listing", fields=next(iter(
        e.params["fields"] for e in EXCHANGES if e.path == "17841405822304914" )))  # fmt: skip
    answer = _ask(sb, ACME, dict(profile.params)).json()
    _same_structure(profile.body, answer)
    pages = [e for e in EXCHANGES if e.path == "17841405822304914/media"]
    fields = ("id,media_type,media_product_type,timestamp,permalink,caption,media_url,"
              "thumbnail_url,like_count,comments_count,children{id}")  # fmt: skip
    first = _ask(sb, f"{ACME}/media", {"fields": fields, "limit": "100"}).json()
    assert structure_diff(pages[0].body["paging"], first["paging"]) == []
    ours = first["data"]
    for sample in (item for page in pages for item in page.body["data"]):
        kind = (sample["media_type"], sample["media_product_type"])
        mine = next(m for m in ours if (m["media_type"], m["media_product_type"]) == kind)
        assert structure_diff(sample, mine) == [], kind
        assert set(mine) - {"caption"} == set(sample) - {"caption"}, kind
    last = pages[-1].body
    assert "next" not in last["paging"]  # the last page: Meta leaves next out


MEDIA_CASES = [
    ("media_feed", "IMAGE", "FEED", {"metric": "reach,likes,comments,saved,shares,"
                                               "total_interactions"}),
    ("media_feed", "VIDEO", "FEED", {"metric": "views,reach,likes,comments,saved,shares,"
                                               "total_interactions"}),
    ("media_feed", "IMAGE", "FEED", {"breakdown": "action_type"}),
    ("media_reels", "VIDEO", "REELS", {"metric": "views,reach,likes,comments,saved,shares,"
                                       "ig_reels_avg_watch_time,ig_reels_video_view_total_time"}),
]  # fmt: skip


@pytest.mark.parametrize(("file", "media_type", "product", "params"), MEDIA_CASES,
                         ids=lambda c: str(c)[:30])  # fmt: skip
def test_media_answers_have_metas_structure(
    sb: Sandbox, file: str, media_type: str, product: str, params: dict[str, str]
) -> None:
    candidates = [e for e in EXCHANGES if e.file.split("/")[-1].startswith(f"{file}.json#")
                  and e.status == 200 and e.body.get("data")
                  and all(e.params.get(k) == v for k, v in params.items())]  # fmt: skip
    exchange = candidates[0]
    media = _media(sb, media_type, product)
    answer = _ask(sb, f"{media}/insights", dict(exchange.params))
    assert answer.status_code == 200, answer.text
    _same_structure(exchange.body, answer.json())


def test_story_answers_have_metas_structure(sb: Sandbox) -> None:
    listing = _exchange("media_story", path="17841405822304914/stories")
    stories = _ask(sb, f"{ACME}/stories", {"fields": "id,media_type,media_product_type,"
                                           "timestamp,permalink,media_url"}).json()  # fmt: skip
    assert structure_diff(listing.body["data"][0], stories["data"][-1]) == []
    story = stories["data"][-1]["id"]  # the oldest live story has gathered viewers
    for params in ({"metric": "views,reach,replies,shares"},
                   {"breakdown": "story_navigation_action_type"}):  # fmt: skip
        exchange = next(e for e in EXCHANGES if e.status == 200 and e.body.get("data")
                        and all(e.params.get(k) == v for k, v in params.items()))  # fmt: skip
        answer = _ask(sb, f"{story}/insights", dict(exchange.params))
        assert answer.status_code == 200, answer.text
        _same_structure(exchange.body, answer.json())


# --- errors --------------------------------------------------------------------------------------


def _wording(message: str) -> str:
    """Meta's message without the parts that name this request (ids, dates)."""
    return re.sub(r"\d{6,}", "ID", message.split(" on ")[0])


def _same_error(sample: dict[str, Any], actual: Any) -> None:
    expected, error = sample["error"], actual.json()["error"]
    assert structure_diff(expected, error) == []
    for key in ("code", "error_subcode", "type", "is_transient"):
        if key in expected:
            assert error.get(key) == expected[key], (key, expected, error)
    for key in ("error_user_title", "error_user_msg", "error_data"):
        assert (key in error) == (key in expected), (key, error)
        if key in expected:
            assert error[key] == expected[key]
    assert _wording(error["message"]) == _wording(expected["message"])


def _case(case: str) -> dict[str, Any]:
    body: dict[str, Any] = _exchange("errors", case=case).body
    return body


def test_request_errors_match_metas(sb: Sandbox) -> None:
    _same_error(_case("100-33"), _ask(sb, "17841400000009999/insights", {"metric": "reach"}))
    too_long = since_until(40, NOW - dt.timedelta(days=3))
    asked = {"metric": "reach", "period": "day", "metric_type": "total_value", **too_long}
    _same_error(_case("100-range"), _ask(sb, f"{ACME}/insights", asked))
    expired = _ask(sb, f"{ACME}/insights", {"metric": "reach", "period": "day"},
                   token=sb.expired_token)  # fmt: skip
    _same_error(_case("190-463"), expired)


def test_media_posted_before_the_conversion_is_refused_as_meta_does(sb: Sandbox) -> None:
    converted = sb.world.converted_on[NORDLICHT]
    until = dt.datetime.combine(converted, dt.time(), tzinfo=dt.UTC)
    old = _ask(sb, f"{NORDLICHT}/media", {"fields": "id", "until": str(int(until.timestamp()))},
               token=sb.token_for(NORDLICHT)).json()["data"]  # fmt: skip
    answer = _ask(sb, f"{old[0]['id']}/insights", {"metric": "reach"},
                  token=sb.token_for(NORDLICHT))  # fmt: skip
    _same_error(_case("100-2108006"), answer)


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80002])
def test_rate_limits_match_metas(code: int) -> None:
    with Sandbox(seed=3, now=NOW) as sb:
        sb.faults.rate_limit_for(ACME, minutes=5, code=code)
        answer = _ask(sb, f"{ACME}/insights", {"metric": "reach", "period": "day"})
    _same_error(_case(str(code)), answer)


@pytest.mark.parametrize(("kind", "case"), [("http500", "1"), ("transient", "2")])
def test_transient_errors_match_metas(kind: str, case: str) -> None:
    with Sandbox(seed=3, now=NOW) as sb:
        sb.faults.fail_next(1, kind)
        answer = _ask(sb, f"{ACME}/insights", {"metric": "reach", "period": "day"})
    _same_error(_case(case), answer)
