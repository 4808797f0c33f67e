"""The replay server answers real HTTP requests from a capture as Meta answered them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from support.replay import exchange

from reporter.sandbox.replay import CaptureError, Replay, load_capture

BODY = {"data": [{"name": "reach", "period": "day", "total_value": {"value": 9}}]}


def test_matches_by_path_and_named_params_across_versions() -> None:
    exchanges = [exchange("123/insights", {"metric": "reach,views", "period": "day"}, BODY)]
    with Replay(exchanges) as replay:
        answer = requests.get(
            f"{replay.base_url}/v25.0/123/insights",
            params={"metric": "views,reach", "period": "day", "since": "1", "access_token": "x"},
            timeout=5,
        )
        assert answer.status_code == 200
        assert answer.json() == BODY
        assert replay.unmatched == []


def test_unmatched_requests_get_metas_unknown_object_error_and_are_listed() -> None:
    with Replay([exchange("123/insights", {"metric": "reach"}, BODY)]) as replay:
        answer = requests.get(f"{replay.base_url}/v25.0/123/insights?metric=views", timeout=5)
        assert answer.status_code == 400
        error = answer.json()["error"]
        assert (error["code"], error["error_subcode"]) == (100, 33)
        assert replay.unmatched == ["123/insights?metric=views"]


def test_the_most_specific_exchange_wins_and_equals_answer_in_order() -> None:
    plain = exchange("1/insights", {"metric": "reach"}, {"n": "plain"})
    first = exchange("1/insights", {"metric": "reach", "breakdown": "x"}, {"n": 1}, status=500)
    second = exchange("1/insights", {"metric": "reach", "breakdown": "x"}, {"n": 2})
    second = type(second)(**{**second.__dict__, "file": "test#2"})
    with Replay([plain, first, second]) as replay:
        url = f"{replay.base_url}/v25.0/1/insights"
        got = [requests.get(url, params={"metric": "reach", "breakdown": "x"}, timeout=5)
               for _ in range(3)]  # fmt: skip
        assert [(a.status_code, a.json()["n"]) for a in got] == [(500, 1), (200, 2), (200, 2)]
        assert requests.get(url, params={"metric": "reach"}, timeout=5).json() == {"n": "plain"}


def test_a_batch_is_answered_item_by_item_in_metas_envelope() -> None:
    exchanges = [exchange("1/insights", {"metric": "reach"}, BODY, headers={"x-app-usage": "{}"})]
    with Replay(exchanges) as replay:
        operations = [
            {"method": "GET", "relative_url": "v25.0/1/insights?metric=reach"},
            {"method": "GET", "relative_url": "v25.0/2/insights?metric=reach"},
        ]
        answer = requests.post(
            f"{replay.base_url}/v25.0/",
            data={"batch": json.dumps(operations), "access_token": "x"},
            timeout=5,
        )
        items = answer.json()
        assert [i["code"] for i in items] == [200, 400]
        assert json.loads(items[0]["body"]) == BODY
        assert {"name": "x-app-usage", "value": "{}"} in items[0]["headers"]
        assert replay.unmatched == ["2/insights?metric=reach"]


def test_a_broken_capture_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"exchanges": [{"request": {}}]}', encoding="utf-8")
    with pytest.raises(CaptureError, match=r"bad\.json#0"):
        load_capture(tmp_path)
