"""The sandbox's world hangs together as a real account does: an account's totals for a period
are at least what that period's own posts earned within it, its unique counts stay between the
best single post and the views, and its rates are those of real accounts. Checked over HTTP for
every fixed account and two generated ones, over two months (30-day windows, settled: read three
days after they end)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests
from support.sandbox import NOW

from reporter.sandbox import Sandbox
from reporter.sandbox.timefmt import day_end, day_start

ADDITIVE = {  # account metric -> the media metric it sums (seeds/003: saves, seeds/001: saved)
    "views": "views",
    "likes": "likes",
    "comments": "comments",
    "saves": "saved",
    "shares": "shares",
    "total_interactions": "total_interactions",
}
ACCOUNT_METRICS = [*ADDITIVE, "reach", "accounts_engaged"]
WINDOWS = (  # Pacific days; each under Meta's 30-day (2,592,000 s) cap
    (dt.date(2026, 10, 2), dt.date(2026, 10, 31)),
    (dt.date(2026, 11, 2), dt.date(2026, 11, 30)),
)


def _get(sb: Sandbox, path: str, account: str, **params: str) -> dict[str, Any]:
    params["access_token"] = sb.token_for(account)
    body: dict[str, Any] = requests.get(f"{sb.base_url}/v25.0/{path}", params=params,
                                        timeout=10).json()  # fmt: skip
    assert "error" not in body, (path, body)
    return body


def _posts_earned(sb: Sandbox, account: str, start: dt.datetime, end: dt.datetime) -> list[dict]:
    """Each post and reel published in the window, with its insights as of the window's end."""
    sb.set_now(end)
    since, until = str(int(start.timestamp())), str(int(end.timestamp()) - 1)
    listing = _get(sb, f"{account}/media", account, fields="id", limit="100",
                   since=since, until=until)  # fmt: skip
    items = list(listing["data"])
    while "next" in listing.get("paging", {}):
        listing = requests.get(listing["paging"]["next"], timeout=10).json()
        items += listing["data"]
    metrics = ",".join([*ADDITIVE.values(), "reach"])
    posts = []
    for item in items:
        body = _get(sb, f"{item['id']}/insights", account, metric=metrics)
        posts.append({d["name"]: d["values"][0]["value"] for d in body["data"]})
    return posts


@pytest.fixture(scope="module")
def sandbox() -> Any:
    with Sandbox(seed=3, now=NOW, extra_accounts=2) as sb:
        yield sb


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: w[0].strftime("%Y-%m"))
@pytest.mark.parametrize(
    "account",
    [str(17841400000000001 + n) for n in range(4)] + ["17841400000000100", "17841400000000101"],
)
def test_account_totals_hold_what_their_posts_earned(
    sandbox: Sandbox, account: str, window: tuple[dt.date, dt.date]
) -> None:
    start, end = day_start(window[0]), day_end(window[1])
    posts = _posts_earned(sandbox, account, start, end)
    assert posts, "a month without posts proves nothing"
    sandbox.set_now(end + dt.timedelta(days=3))
    body = _get(sandbox, f"{account}/insights", account, metric=",".join(ACCOUNT_METRICS),
                period="day", metric_type="total_value", since=str(int(start.timestamp())),
                until=str(int(end.timestamp())))  # fmt: skip
    total = {d["name"]: d["total_value"]["value"] for d in body["data"]}

    for metric, media_metric in ADDITIVE.items():
        earned = sum(p.get(media_metric, 0) for p in posts)
        assert total[metric] >= earned, (metric, total[metric], earned)
    best = max(p.get("reach", 0) for p in posts)
    assert best <= total["reach"] <= total["views"]
    assert total["accounts_engaged"] <= min(total["reach"], total["total_interactions"])

    followers = _get(sandbox, account, account, fields="followers_count")["followers_count"]
    if followers >= 1000:  # below that, a handful of likes swings every rate
        # per post, interactions of about 0.45-0.55 % of the followers on average (Socialinsider
        # 2025-26, quoted at outfame.com/blog/instagram-engagement-rate-statistics)
        per_post = sum(p.get("total_interactions", 0) for p in posts) / len(posts) / followers
        assert 0.002 <= per_post <= 0.012, per_post
        # and so the account's engagement rate on reach lands in single digits
        assert 0.01 <= total["total_interactions"] / total["reach"] <= 0.10
