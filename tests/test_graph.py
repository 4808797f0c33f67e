"""The Graph client against the sandbox: retries, rate limits, batches, paging, downloads."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from support.fetch import ACME, GLOBEX, NORDLICHT, NOW

from reporter.graph.client import (
    GraphClient,
    GraphError,
    RateLimited,
    Request,
    RetryPolicy,
    TokenInvalid,
    TransportError,
    error_from,
    make_insights_request,
    make_profile_request,
    metrics_named,
    scrub,
    strip_token,
)
from reporter.graph.limits import RateGate, regain_seconds, usage_percent
from reporter.graph.media import MediaHosts
from reporter.sandbox import Sandbox


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(seed=1, now=NOW) as sandbox:
        yield sandbox


def _client(sb: Sandbox, account: str = ACME, sleeps: list[float] | None = None,
            **retry: object) -> GraphClient:  # fmt: skip
    policy = RetryPolicy(sleep=(sleeps if sleeps is not None else []).append,
                         rng=random.Random(3), **retry)  # type: ignore[arg-type]  # fmt: skip
    return GraphClient(
        base_url=sb.base_url, token=SecretStr(sb.token_for(account)), timeout=2, retry=policy
    )


def test_error_classification() -> None:
    unknown = error_from({"error": {"message": "An unknown error has occurred.", "code": 1,
                                    "is_transient": False}}, 500, [])  # fmt: skip
    assert not unknown.transient  # an unsupported breakdown: never retried
    assert error_from({"error": {"message": "x", "code": 2}}, 503, []).transient
    assert error_from({"error": {"message": "x", "code": 1, "is_transient": True}}, 500, [])
    gateway = error_from(None, 503, [])
    assert isinstance(gateway, TransportError) and gateway.transient
    assert isinstance(error_from({"error": {"message": "x", "code": 190}}, 400, []), TokenInvalid)
    limited = error_from({"error": {"message": "x", "code": 80002, "is_transient": True}}, 400, [])
    assert isinstance(limited, RateLimited) and not limited.transient
    assert not error_from({"error": {"message": "x", "code": 100}}, 400, []).transient


@pytest.mark.parametrize(
    ("message", "blamed"),
    [
        ("(#100) metric[2] must be one of the following values: reach", ["c"]),
        ("(#100) The Media Insights API does not support the b metric for this media", ["b"]),
        ("(#100) The following metrics (a, c) should be specified with parameter", ["a", "c"]),
        ("(#100) The following metric (b) is incompatible with the metric type", ["b"]),
        ("(#100) (a) metric only supports querying data for the last 30 days", ["a"]),
        ("(#10) Not enough followers to show insights: the (c) metric needs", ["c"]),
        ("An unknown error has occurred.", []),
    ],
)
def test_metrics_named_in_meta_messages(message: str, blamed: list[str]) -> None:
    assert metrics_named(message, ["a", "b", "c"]) == blamed


def test_scrub_and_strip_token() -> None:
    url = "https://graph.facebook.com/v25.0/1/media?access_token=SECRET&after=abc"
    assert strip_token(url) == "https://graph.facebook.com/v25.0/1/media?after=abc"
    body = {"paging": {"next": url}, "note": ["said SECRET"]}
    assert scrub(body, ["SECRET"]) == {
        "paging": {"next": "https://graph.facebook.com/v25.0/1/media?after=abc"},
        "note": ["said [REDACTED]"],
    }


def test_usage_headers_both_spellings_and_absent() -> None:
    assert usage_percent({}) is None
    assert usage_percent({"x-app-usage": '{"call_count": 28, "total_time": 5}'}) == 28
    assert usage_percent({"x-app-usage": '{"call_volume": 91, "cpu_time": 3}'}) == 91
    business = (
        '{"1": [{"type": "instagram", "call_count": 40, "estimated_time_to_regain_access": 3}]}'
    )
    assert usage_percent({"x-business-use-case-usage": business}) == 40
    assert regain_seconds({"x-business-use-case-usage": business}) == 180
    assert regain_seconds({"x-app-usage": "not json"}) is None
    gate = RateGate(start=75, max_pause=10)
    gate.observe(50)
    assert gate.pause() == 0
    gate.observe(95)
    assert gate.pause() == 8.0


def test_transient_faults_are_retried_with_growing_jittered_backoff(sb: Sandbox) -> None:
    sleeps: list[float] = []
    client = _client(sb, sleeps=sleeps, backoff_base=1.0)
    sb.faults.fail_next(3, "http500")
    body = client.get(make_profile_request("v25.0", ACME, ["username"]))
    assert body["username"] == "acmecoffee"
    assert client.requests_sent == 4 and len(sleeps) == 3
    assert all(0 <= s <= 2**i for i, s in enumerate(sleeps))


def test_a_gateway_page_and_a_dropped_connection_are_retried(sb: Sandbox) -> None:
    client = _client(sb)
    sb.faults.fail_next(1, "http503")
    sb.faults.fail_next(1, "drop")
    assert client.get(make_profile_request("v25.0", ACME, ["id"]))["id"] == ACME


def test_unsupported_breakdown_is_not_retried(sb: Sandbox) -> None:
    client = _client(sb)
    request = make_insights_request(
        "v25.0", ACME, ["likes"], period="day", metric_type="total_value", breakdown="follow_type"
    )
    with pytest.raises(GraphError) as caught:
        client.get(request)
    assert (caught.value.code, caught.value.transient) == (1, False)
    assert client.requests_sent == 1


def test_retries_give_up_with_a_transport_error(sb: Sandbox) -> None:
    client = _client(sb, max_retries=2)
    sb.faults.fail_next(3, "http503")
    with pytest.raises(TransportError):
        client.get(make_profile_request("v25.0", ACME, ["id"]))
    assert client.requests_sent == 3


def test_short_rate_limit_waits_the_estimated_time(sb: Sandbox) -> None:
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        sb.faults.clear()  # the window passes while we wait

    client = _client(sb)
    client.retry.sleep = sleep
    sb.faults.rate_limit_for(ACME, minutes=1, code=80002)
    assert client.get(make_profile_request("v25.0", ACME, ["id"]))["id"] == ACME
    assert sleeps == [60.0]


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80002])
def test_long_rate_limit_raises_at_once(sb: Sandbox, code: int) -> None:
    client = _client(sb)
    sb.faults.rate_limit_for(ACME, minutes=30, code=code)
    with pytest.raises(RateLimited) as caught:
        client.get(make_profile_request("v25.0", ACME, ["id"]))
    assert caught.value.code == code and caught.value.retry_after == 1800
    assert client.requests_sent == 1


def test_paging_follows_next_without_a_token_in_any_url(sb: Sandbox) -> None:
    client = _client(sb, GLOBEX)
    since = int(dt.datetime(2026, 10, 1, tzinfo=dt.UTC).timestamp())
    request = Request(
        f"v25.0/{GLOBEX}/media", (("fields", "id"), ("limit", "100"), ("since", str(since)))
    )
    pages = list(client.pages(request))
    assert len(pages) >= 3 and all(len(p["data"]) <= 100 for p in pages)
    ids = [m["id"] for p in pages for m in p["data"]]
    assert len(ids) == len(set(ids))
    token = sb.token_for(GLOBEX)
    assert all(token not in str(p) for p in pages)


def test_batch_per_item_errors_and_null_items(sb: Sandbox) -> None:
    client = _client(sb)
    good = make_profile_request("v25.0", ACME, ["username"])
    missing = make_profile_request("v25.0", "18001009999999999", ["id"])
    bad_metric = make_insights_request("v25.0", ACME, ["nonsense"], period="day")
    sb.faults.fail_next(2, "null")
    outcomes = client.batch("v25.0", [good, missing, bad_metric, good])
    assert outcomes[0] == outcomes[3] == {"username": "acmecoffee", "id": ACME}
    assert isinstance(outcomes[1], GraphError) and outcomes[1].subcode == 33
    assert isinstance(outcomes[2], GraphError) and outcomes[2].code == 100
    assert client.requests_sent == 2  # the null items went again in a second, smaller batch
    # Meta counts each call inside a batch against its rate limits (4, then the 2 sent again)
    assert client.calls_counted == 6


def test_batch_with_a_revoked_token_raises(sb: Sandbox) -> None:
    client = _client(sb)
    sb.invalidate_token(ACME)
    with pytest.raises(TokenInvalid):
        client.batch("v25.0", [make_profile_request("v25.0", ACME, ["id"])])


def test_instagram_login_get_with_bearer(sb: Sandbox) -> None:
    client = _client(sb, NORDLICHT)
    assert client.get(make_profile_request("v25.0", NORDLICHT, ["username"]))["username"] == (
        "nordlicht.studio"
    )


def test_download_only_small_images_from_the_allowed_origin(sb: Sandbox) -> None:
    client = _client(sb)
    hosts = MediaHosts.only(sb.base_url)

    def get(url: str, max_bytes: int = 10**6) -> tuple[str, bytes] | None:
        return client.download(url, hosts=hosts, max_bytes=max_bytes, timeout=2)

    picture = f"{sb.base_url}/_media/profile/{ACME}.png"
    got = get(picture, 100_000)
    assert got is not None and got[0] == "image/png" and got[1].startswith(b"\x89PNG")
    assert get(picture, 100) is None
    assert get(f"{sb.base_url}/_media/profile/1.png") is None
    assert get("file:///etc/passwd") is None
    assert get(f"{sb.base_url}/v25.0/{ACME}") is None
