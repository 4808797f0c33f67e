"""Batch requests answered as Meta documents them: one entry per operation, in order, each with
its own code, headers and JSON body string; failures stay inside their entry."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
from support.sandbox import ACME, NOW, get

from reporter.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(seed=13, now=NOW) as sandbox:
        yield sandbox


def _batch(sb: Sandbox, operations: object, path: str = "/", **form: str) -> requests.Response:
    data = {"access_token": sb.token_for(ACME), "batch": json.dumps(operations), **form}
    return requests.post(sb.base_url + path, data=data, timeout=10)


def test_mixed_successes_and_errors(sb: Sandbox) -> None:
    posts = get(sb, f"/{ACME}/media", limit="10").json()["data"]
    operations = [
        {"method": "GET", "relative_url": f"v25.0/{posts[5]['id']}/insights?metric=reach,views"},
        {"method": "GET", "relative_url": f"/{posts[6]['id']}/insights?metric=navigation"},
        {"method": "GET", "relative_url": f"{ACME}?fields=username,followers_count"},
        {"method": "GET", "relative_url": "17841400000000002"},
        {"method": "GET", "relative_url": f"{ACME}/insights?metric=reach&period=day"},
    ]
    sb.counter.reset()
    response = _batch(sb, operations, path="/v25.0/")
    assert response.status_code == 200
    answers = response.json()
    assert [a["code"] for a in answers] == [200, 400, 200, 400, 200]
    for answer in answers:
        assert {"name": "Content-Type", "value": "text/javascript; charset=UTF-8"} in answer[
            "headers"
        ]
        assert isinstance(answer["body"], str)
    bodies = [json.loads(a["body"]) for a in answers]
    assert [d["name"] for d in bodies[0]["data"]] == ["reach", "views"]
    assert bodies[1]["error"]["code"] == 100
    assert bodies[2]["username"] == "acmecoffee"
    assert bodies[3]["error"]["error_subcode"] == 33
    assert bodies[4]["data"][0]["name"] == "reach"
    snapshot = sb.counter.snapshot()
    assert snapshot["total"] == 1
    assert snapshot["batch_subrequests"] == 5
    assert snapshot["by_endpoint"] == {
        "batch": 1,
        "media_insights": 2,
        "user": 2,
        "user_insights": 1,
    }


def test_batch_answers_the_same_as_single_calls(sb: Sandbox) -> None:
    url = f"{ACME}/media?fields=id,caption,timestamp&limit=3"
    single = get(sb, f"/v25.0/{ACME}/media", fields="id,caption,timestamp", limit="3").json()
    batched = json.loads(_batch(sb, [{"method": "GET", "relative_url": url}]).json()[0]["body"])
    assert batched["data"] == single["data"]


def test_include_headers_false_and_bearer_auth(sb: Sandbox) -> None:
    response = requests.post(
        sb.base_url + "/",
        data={
            "batch": json.dumps([{"method": "GET", "relative_url": "me?fields=username"}]),
            "include_headers": "false",
        },
        headers={"Authorization": f"Bearer {sb.token_for(ACME)}"},
        timeout=10,
    )
    assert response.json() == [{"code": 200, "body": f'{{"username":"acmecoffee","id":"{ACME}"}}'}]


def test_at_most_50_operations(sb: Sandbox) -> None:
    operations = [{"method": "GET", "relative_url": "me"}] * 51
    error = _batch(sb, operations).json()["error"]
    assert error["code"] == 100
    assert error["message"] == "(#100) Too many requests in batch message. Maximum batch size is 50"
    assert len(_batch(sb, operations[:50]).json()) == 50


def test_bad_batch_parameter_and_missing_token(sb: Sandbox) -> None:
    assert _batch(sb, "not a list").json()["error"]["code"] == 100
    response = requests.post(sb.base_url + "/", data={"batch": "[]"}, timeout=10)
    assert response.json()["error"]["code"] == 104


def test_unfinished_operations_come_back_null() -> None:
    with Sandbox(seed=13, now=NOW) as sb:
        sb.faults.fail_next(1, kind="null")
        answers = _batch(sb, [{"method": "GET", "relative_url": "me"}] * 3).json()
        assert answers[0] is None
        assert [a["code"] for a in answers[1:]] == [200, 200]
