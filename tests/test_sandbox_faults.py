"""Faults, rate limits with their usage headers, and the request counter."""

from __future__ import annotations

import json

import pytest
import requests
from support.sandbox import ACME, NORDLICHT, NOW, error_of, get

from reporter.sandbox import Sandbox


def test_forced_faults_one_of_each_kind() -> None:
    with Sandbox(seed=17, now=NOW) as sb:
        sb.faults.fail_next(1, kind="http500")
        response = get(sb, "/me")
        assert response.status_code == 500
        assert error_of(response)["is_transient"] is True
        assert error_of(response)["code"] == 1
        sb.faults.fail_next(1, kind="transient")
        error = error_of(get(sb, "/me"))
        assert (error["code"], error["is_transient"]) == (2, True)
        sb.faults.fail_next(1, kind="http503")
        response = get(sb, "/me")
        assert response.status_code == 503
        assert response.headers["Content-Type"].startswith("text/html")
        sb.faults.fail_next(1, kind="drop")
        with pytest.raises(requests.ConnectionError):
            get(sb, "/me")
        sb.faults.slow_seconds = 1.0
        sb.faults.fail_next(1, kind="slow")
        with pytest.raises(requests.Timeout):
            requests.get(
                f"{sb.base_url}/me", params={"access_token": sb.token_for(ACME)}, timeout=0.3
            )
        assert get(sb, "/me").status_code == 200


def test_random_faults_do_not_change_the_data() -> None:
    with Sandbox(seed=17, now=NOW) as clean:
        expected = get(clean, f"/{ACME}/media", fields="id,like_count", limit="20").json()["data"]
    with Sandbox(seed=17, now=NOW, fault_rate=0.5) as sb:
        sb.faults.slow_seconds = 0.05
        outcomes: dict[str, int] = {}
        for _ in range(40):
            try:
                response = get(sb, f"/{ACME}/media", fields="id,like_count", limit="20")
            except requests.ConnectionError:
                outcomes["drop"] = outcomes.get("drop", 0) + 1
                continue
            key = str(response.status_code)
            outcomes[key] = outcomes.get(key, 0) + 1
            if response.status_code == 200:
                assert response.json()["data"] == expected
        assert outcomes.get("200", 0) >= 10
        assert len(outcomes) >= 3
        sb.set_fault_rate(0.0)
        assert get(sb, "/me").status_code == 200


def test_rate_limit_usage_headers_then_80002() -> None:
    with Sandbox(seed=17, now=NOW, rate_limit=20) as sb:
        first = get(sb, "/me")
        assert "X-Business-Use-Case-Usage" in first.headers  # 5 % of 20 calls
        usage = json.loads(first.headers["X-Business-Use-Case-Usage"])[ACME][0]
        assert usage["type"] == "instagram"
        assert usage["call_count"] == 5
        assert usage["estimated_time_to_regain_access"] == 0
        assert set(json.loads(first.headers["X-App-Usage"])) == {
            "call_count",
            "total_cputime",
            "total_time",
        }
        for _ in range(19):
            assert get(sb, "/me").status_code == 200
        blocked = get(sb, "/me")
        error = error_of(blocked)
        assert error["code"] == 80002
        assert error["message"].startswith(
            "(#80002) There have been too many calls to this Instagram account."
        )
        usage = json.loads(blocked.headers["X-Business-Use-Case-Usage"])[ACME][0]
        assert usage["call_count"] == 100
        assert usage["estimated_time_to_regain_access"] == 60
        assert get(sb, "/me", account=NORDLICHT).status_code == 200  # per account


def test_instagram_login_usage_header_field_names() -> None:
    with Sandbox(seed=17, now=NOW, rate_limit=10) as sb:
        response = get(sb, "/me", account=NORDLICHT)
        assert set(json.loads(response.headers["X-App-Usage"])) == {"call_volume", "cpu_time"}


def test_no_limit_no_headers() -> None:
    with Sandbox(seed=17, now=NOW) as sb:
        response = get(sb, "/me")
        assert "X-App-Usage" not in response.headers
        assert "X-Business-Use-Case-Usage" not in response.headers


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (4, "(#4) Application request limit reached"),
        (17, "(#17) User request limit reached"),
        (32, "(#32) Page request limit reached"),
        (613, "(#613) Calls to this api have exceeded the rate limit."),
        (80002, "(#80002) There have been too many calls to this Instagram account."),
    ],
)
def test_forced_rate_limit_windows(code: int, message: str) -> None:
    with Sandbox(seed=17, now=NOW) as sb:
        sb.faults.rate_limit_for(ACME, minutes=7, code=code)
        response = get(sb, "/me")
        error = error_of(response)
        assert error["code"] == code
        assert error["message"].startswith(message)
        usage = json.loads(response.headers["X-Business-Use-Case-Usage"])[ACME][0]
        assert usage["estimated_time_to_regain_access"] == 7
        assert get(sb, "/me", account=NORDLICHT).status_code == 200
        sb.faults.clear()
        assert get(sb, "/me").status_code == 200


def test_counter_by_endpoint() -> None:
    with Sandbox(seed=17, now=NOW) as sb:
        get(sb, "/me")
        media = get(sb, f"/{ACME}/media", limit="3").json()["data"]
        get(sb, f"/{media[2]['id']}/insights", metric="reach")
        get(sb, f"/{media[2]['id']}")
        get(sb, f"/{ACME}/stories")
        get(sb, f"/{ACME}/insights", metric="reach", period="day")
        assert sb.counter.total == 6
        assert sb.counter.by_endpoint == {
            "user": 1,
            "media_list": 1,
            "media_insights": 1,
            "media": 1,
            "stories": 1,
            "user_insights": 1,
        }
        sb.counter.reset()
        assert sb.counter.snapshot() == {"total": 0, "batch_subrequests": 0, "by_endpoint": {}}


def test_forced_corrupt_answers_one_of_each_kind() -> None:
    """What a proxy or a broken connection hands a client instead of Meta's JSON."""
    with Sandbox(seed=17, now=NOW) as sb:
        sb.faults.fail_next(1, kind="html200")
        page = get(sb, "/me")
        assert page.status_code == 200
        assert page.headers["Content-Type"].startswith("text/html")
        sb.faults.fail_next(1, kind="truncated")
        cut = get(sb, "/me")
        with pytest.raises(ValueError):
            json.loads(cut.content)
        sb.faults.fail_next(1, kind="not_object")
        assert get(sb, "/me").json() == "ok"
        sb.faults.fail_next(1, kind="item_not_json")
        batch = requests.post(
            f"{sb.base_url}/v25.0/",
            data={"access_token": sb.token_for(ACME),
                  "batch": json.dumps([{"method": "GET", "relative_url": "me"}] * 2)},
            timeout=10,
        )  # fmt: skip
        first, second = batch.json()
        with pytest.raises(ValueError):
            json.loads(first["body"])
        assert json.loads(second["body"])["id"] == ACME
        assert sb.faults.corrupted == 4
        assert get(sb, "/me").json()["id"] == ACME


def test_a_corrupt_rate_corrupts_some_answers_and_leaves_the_data() -> None:
    with Sandbox(seed=17, now=NOW, corrupt_rate=0.5) as sb:
        shapes = set()
        for _ in range(30):
            answer = get(sb, "/me")
            try:
                body = answer.json()
            except ValueError:
                shapes.add("not json")
                continue
            shapes.add("object" if isinstance(body, dict) else "other")
            if isinstance(body, dict):
                assert body["id"] == ACME
        assert shapes == {"object", "not json", "other"}
        assert 0 < sb.faults.corrupted < 30
