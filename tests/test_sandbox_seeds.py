"""Replay every sample request of Meta's pages (the seeds) against the sandbox and compare the
answer's structure with the sample's (tests/fixtures/seeds/, copied from ../shared/seeds/)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import requests
from support.sandbox import ACME, structure_diff

from reporter.sandbox import Sandbox

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "seeds").glob("*.json"))


def _object_id(sb: Sandbox, kind: str, version: str) -> str:
    if kind == "account":
        return ACME
    token = sb.token_for(ACME)
    if kind == "live_story":
        stories = requests.get(
            f"{sb.base_url}/{version}/{ACME}/stories",
            params={"access_token": token, "fields": "id,timestamp"},
            timeout=10,
        ).json()["data"]
        return str(stories[-1]["id"])  # the oldest live story has gathered viewers
    page = requests.get(
        f"{sb.base_url}/{version}/{ACME}/media",
        params={"access_token": token, "fields": "id,media_product_type", "limit": "50"},
        timeout=10,
    ).json()["data"]
    for item in page[5:]:  # settled posts: a few days old
        if item["media_product_type"] != "FEED":
            continue
        answer = requests.get(
            f"{sb.base_url}/{version}/{item['id']}/insights",
            params={
                "access_token": token,
                "metric": "profile_activity",
                "breakdown": "action_type",
            },
            timeout=10,
        ).json()
        if answer["data"][0]["total_value"]["breakdowns"][0]["results"]:
            return str(item["id"])
    raise AssertionError("no feed post with profile activity")


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_seed_sample_replays_with_the_same_structure(fixture: Path) -> None:
    case: dict[str, Any] = json.loads(fixture.read_text(encoding="utf-8"))
    now = dt.datetime.fromisoformat(case["now"])
    with Sandbox(seed=3, now=now) as sb:
        version = case["version"]
        object_id = _object_id(sb, case["object"], version)
        path = case["path"].format(version=version, object=object_id)
        response = requests.get(
            sb.base_url + path,
            params={**case["query"], "access_token": sb.token_for(ACME)},
            timeout=10,
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert structure_diff(case["response"], body) == []
    # the items of data carry exactly the sample's keys, in the sample's order
    for sample_item, item in zip(case["response"]["data"], body["data"], strict=True):
        assert list(item) == list(sample_item)
        assert item["name"] == sample_item["name"]
        assert item["id"].endswith(sample_item["id"].split("/", 1)[1])
