"""Media lists, paging through two years, fields, images, stories, auth and determinism."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import requests
from support.sandbox import ACME, GLOBEX, NOW, get

from reporter.sandbox import Sandbox

FIELDS = (
    "id,caption,media_type,media_product_type,timestamp,permalink,media_url,thumbnail_url,"
    "like_count,comments_count,username"
)
META_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$")


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(seed=11, now=NOW) as sandbox:
        yield sandbox


def _walk(sb: Sandbox, account: str, **params: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    response = get(sb, f"/v25.0/{account}/media", account=account, **params)
    while True:
        body = response.json()
        items += body["data"]
        next_url = body.get("paging", {}).get("next")
        if not next_url:
            return items
        response = requests.get(next_url, timeout=10)


def test_paging_through_two_years_of_media(sb: Sandbox) -> None:
    items = _walk(sb, ACME, fields="id,timestamp,media_product_type", limit="100")
    stamps = [str(i["timestamp"]) for i in items]
    assert len(items) == len({i["id"] for i in items})
    assert stamps == sorted(stamps, reverse=True)
    assert stamps[0] <= NOW.strftime("%Y-%m-%dT%H:%M:%S+0000")
    assert stamps[-1][:10] <= (NOW - dt.timedelta(days=725)).strftime("%Y-%m-%d")
    assert {i["media_product_type"] for i in items} == {"FEED", "REELS"}  # no stories
    me = get(sb, f"/v25.0/{ACME}", fields="media_count").json()
    assert me["media_count"] == len(items)


def test_cursors_paging_previous_and_since_until(sb: Sandbox) -> None:
    first = get(sb, f"/v25.0/{ACME}/media", limit="5").json()
    assert set(first["paging"]["cursors"]) == {"before", "after"}
    assert "previous" not in first["paging"]
    second = requests.get(first["paging"]["next"], timeout=10).json()
    back = requests.get(second["paging"]["previous"], timeout=10).json()
    assert back["data"] == first["data"]
    since = NOW - dt.timedelta(days=10)
    until = NOW - dt.timedelta(days=3)
    window = _walk(
        sb,
        ACME,
        fields="timestamp",
        since=str(int(since.timestamp())),
        until=str(int(until.timestamp())),
    )
    assert window
    assert all(
        since.strftime("%Y-%m-%dT%H:%M:%S")
        <= str(i["timestamp"])[:19]
        <= until.strftime("%Y-%m-%dT%H:%M:%S")
        for i in window
    )


def test_media_fields_and_their_quirks(sb: Sandbox) -> None:
    items = get(
        sb,
        f"/v25.0/{GLOBEX}/media",
        account=GLOBEX,
        fields=FIELDS + ",children{id,media_url}",
        limit="100",
    ).json()["data"]
    kinds = {i["media_type"] for i in items}
    assert kinds == {"IMAGE", "VIDEO", "CAROUSEL_ALBUM"}
    for item in items:
        assert META_TIME.match(str(item["timestamp"]))
        assert str(item["media_url"]).startswith(sb.base_url + "/_media/")
        assert ("thumbnail_url" in item) == (item["media_type"] == "VIDEO")
        assert ("children" in item) == (item["media_type"] == "CAROUSEL_ALBUM")
        assert re.match(r"^https://www\.instagram\.com/(p|reel)/[\w]+/$", str(item["permalink"]))
    only_ids = get(sb, f"/v25.0/{ACME}/media", limit="2").json()["data"]
    assert all(list(i) == ["id"] for i in only_ids)


def test_captions_read_like_a_roasters_posts_with_emoji_and_non_latin(sb: Sandbox) -> None:
    captions = [str(i.get("caption", "")) for i in _walk(sb, ACME, fields="caption", limit="100")]
    text = "\n".join(captions)
    # A client's own feed: coffee, no markup; hostile captions are the render tests' business.
    assert "Ethiopia Guji" in text and "#specialtycoffee" in text and "#autumnblend" in text
    assert not re.search(r"[<>{}]|url\(|&amp;|script", text), text
    assert re.search(r"[\u3040-\u30ff]", text)  # Japanese
    assert re.search(r"[\u0600-\u06ff]", text)  # Arabic
    assert re.search(r"[\U0001F300-\U0001FAFF]", text)  # emoji


def test_images_are_served_and_some_are_broken(sb: Sandbox) -> None:
    items = _walk(sb, ACME, fields="media_type,media_url,thumbnail_url", limit="100")[:120]
    statuses = set()
    for item in items:
        url = str(item.get("thumbnail_url") or item["media_url"])
        response = requests.get(url, timeout=10)
        statuses.add((response.status_code, response.headers["Content-Type"].split(";")[0]))
        if response.status_code == 200 and response.headers["Content-Type"] == "image/png":
            assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert (200, "image/png") in statuses
    assert (404, "text/html") in statuses
    assert (200, "text/html") in statuses
    picture = get(sb, f"/v25.0/{ACME}", fields="profile_picture_url").json()
    assert requests.get(picture["profile_picture_url"], timeout=10).content[:4] == b"\x89PNG"


def test_stories_are_live_for_24_hours(sb: Sandbox) -> None:
    stories = get(sb, f"/v25.0/{ACME}/stories", fields="id,media_product_type,timestamp").json()
    assert stories["data"]
    for story in stories["data"]:
        assert story["media_product_type"] == "STORY"
        posted = dt.datetime.strptime(str(story["timestamp"]), "%Y-%m-%dT%H:%M:%S%z")
        assert NOW - posted < dt.timedelta(hours=24)


def test_auth_by_query_form_or_bearer_and_tokens_in_paging_links(sb: Sandbox) -> None:
    token = sb.token_for(ACME)
    via_header = requests.get(
        f"{sb.base_url}/{ACME}/media",
        params={"limit": "2"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert via_header.status_code == 200
    assert token not in via_header.text  # a header token never appears in paging links
    via_query = get(sb, f"/{ACME}/media", limit="2")
    assert f"access_token={token}" in via_query.json()["paging"]["next"]
    via_form = requests.post(
        f"{sb.base_url}/v25.0/{ACME}",
        data={"access_token": token, "method": "GET", "fields": "username"},
        timeout=10,
    )
    assert via_form.json() == {"username": "acmecoffee", "id": ACME}


def test_version_prefix_is_optional_and_reported(sb: Sandbox) -> None:
    with_version = get(sb, f"/v24.0/{ACME}", fields="username")
    without = get(sb, f"/{ACME}", fields="username")
    assert with_version.json() == without.json()
    assert with_version.headers["facebook-api-version"] == "v24.0"
    assert without.headers["facebook-api-version"] == "v26.0"  # the catalogue's latest


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    paths = [
        (f"/v25.0/{ACME}/media", {"fields": FIELDS, "limit": "30"}),
        (
            f"/v25.0/{ACME}/insights",
            {
                "metric": "reach,follower_count",
                "period": "day",
                "since": str(int((NOW - dt.timedelta(days=20)).timestamp())),
                "until": str(int(NOW.timestamp())),
            },
        ),
        (
            f"/v25.0/{ACME}/insights",
            {
                "metric": "follower_demographics",
                "period": "lifetime",
                "metric_type": "total_value",
                "timeframe": "this_month",
                "breakdown": "city",
            },
        ),
    ]

    def run(seed: int) -> list[bytes]:
        with Sandbox(seed=seed, now=NOW) as sb:
            bodies = [get(sb, p, **q).content for p, q in paths]
            bodies.append(get(sb, "/v25.0/1/insights", metric="nope").content)
            return [b.replace(sb.base_url.encode().replace(b"/", b"\\/"), b"BASE") for b in bodies]

    first, again, other = run(5), run(5), run(6)
    assert first == again
    assert all(a != b for a, b in zip(first[:3], other[:3], strict=True))


def test_insights_by_field_expansion_and_one_bad_item_fails_the_page(sb: Sandbox) -> None:
    reels = get(sb, f"/v25.0/{ACME}/media", fields="id,media_product_type", limit="40").json()[
        "data"
    ]
    reel = next(m for m in reels[3:] if m["media_product_type"] == "REELS")
    expanded = get(sb, f"/v25.0/{reel['id']}", fields="id,insights.metric(reach,views)").json()
    plain = get(sb, f"/v25.0/{reel['id']}/insights", metric="reach,views").json()
    assert expanded["insights"] == plain
    page = get(
        sb, f"/v25.0/{ACME}/media", fields="id,insights.metric(reach,profile_visits)", limit="40"
    )
    assert page.status_code == 400  # profile_visits is not a REELS metric
    assert "profile_visits" in page.json()["error"]["message"]


def test_generated_accounts_for_benchmarks() -> None:
    with Sandbox(seed=11, now=NOW, extra_accounts=20) as sb:
        ids = [a.id for a in sb.accounts]
        assert ids[:4] == [ACME, "17841400000000002", "17841400000000003", GLOBEX]
        assert ids[4:] == [f"178414000000001{n:02d}" for n in range(20)]
        assert len(set(sb.tokens.values())) == 24
        assert all(t.startswith("SBX-") for t in sb.tokens.values())
        last = ids[-1]
        assert get(sb, f"/{last}", account=last, fields="username").json()["username"] == (
            "sandbox.account.19"
        )
        month = get(
            sb,
            f"/{GLOBEX}/media",
            account=GLOBEX,
            limit="100",
            fields="timestamp",
            since=str(int((NOW - dt.timedelta(days=30)).timestamp())),
        ).json()
        count = len(month["data"])
        while "next" in month.get("paging", {}):
            month = requests.get(month["paging"]["next"], timeout=10).json()
            count += len(month["data"])
        assert 250 <= count <= 350  # about 300 media a month
