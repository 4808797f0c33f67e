"""Meta's refusals over real HTTP, from the bodies real clients recorded (tests/conformance/
defect_errors_*.json), through `reporter fetch` against the replay server."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from typing import Any

import pytest
from support.replay import corpus, exchange, fetch_on

from reporter.sandbox.replay import Exchange

ACCOUNT = "17841400000000902"  # its own id: a whole-corpus replay never mixes these in
REEL = "18246395218306388"
NOW = "2026-11-05T12:00:00Z"
METRICS = ["reach", "views", "likes", "comments", "shares", "saved", "total_interactions",
           "facebook_views"]  # fmt: skip
SPEC = f"""\
[report]
client = "Conformance"
timezone = "UTC"
compare = "none"

[[accounts]]
id = "{ACCOUNT}"
name = "Sample"
login = "facebook"
token_env = "SAMPLE_TOKEN"

[account_metrics]
metrics = ["reach"]

[media]
product_types = ["REELS"]

[media.metrics]
REELS = [{", ".join(f'"{m}"' for m in METRICS)}]
"""
PROFILE = {"id": ACCOUNT, "username": "sample", "name": "Sample", "followers_count": 419,
           "follows_count": 112, "media_count": 306}  # fmt: skip
REACH = {"data": [{"name": "reach", "period": "day", "total_value": {"value": 9}}]}


def _spec(tmp: Path) -> Path:
    path = tmp / "sample.toml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def _media_list(media_id: str = REEL) -> Exchange:
    item = {"id": media_id, "media_type": "VIDEO", "media_product_type": "REELS",
            "timestamp": "2026-10-10T12:00:00+0000", "like_count": 11}  # fmt: skip
    return exchange(f"{ACCOUNT}/media", {}, {"data": [item]})


def _account() -> list[Exchange]:
    return [exchange(ACCOUNT, {}, PROFILE), exchange(f"{ACCOUNT}/insights", {}, REACH)]


def _values(metrics: list[str], media_id: str = REEL) -> dict[str, Any]:
    return {"data": [{"name": m, "period": "lifetime", "values": [{"value": 10 + i}],
                      "id": f"{media_id}/insights/{m}/lifetime"}
                     for i, m in enumerate(metrics)]}  # fmt: skip


def _named(items: list[Exchange], prefix: str = "test") -> list[Exchange]:
    """Each exchange under its own name, so the replay counts how often each was served."""
    return [dataclasses.replace(e, file=f"{prefix}#{n}") for n, e in enumerate(items)]


def _error_body(name: str, path_part: str) -> tuple[int, Any]:
    found = next(e for e in corpus(name) if path_part in e.path)
    return found.status, found.body


def test_a_fatal_whole_call_refusal_is_split_down_to_its_culprit(tmp_path: Path) -> None:
    """`facebook_views` on a reel not shared to Facebook refuses the whole call with (#-1) Fatal
    naming no metric: only it becomes unavailable, found in 2·⌈log2 8⌉ = 6 extra calls."""
    status, fatal = _error_body("defect_errors_fatal", REEL)
    insights = []
    for start, end in itertools.combinations(range(len(METRICS) + 1), 2):
        part = METRICS[start:end]
        body = fatal if "facebook_views" in part else _values(part)
        insights.append(exchange(f"{REEL}/insights", {"metric": ",".join(part)}, body,
                                 status=status if "facebook_views" in part else 200))  # fmt: skip
    exchanges = [*_named([*_account(), _media_list()]), *_named(insights, "insights")]
    got = fetch_on(exchanges, _spec(tmp_path), tmp_path, now=NOW, period="2026-10")
    assert got.ran.status == 0, got.ran.err
    assert got.unmatched == []
    [data] = got.datasets
    gaps = [(u["object_id"], u["metric"], u["kind"], u["code"]) for u in data["unavailable"]]
    assert gaps == [(REEL, "facebook_views", "not_shared_to_facebook", -1)]
    assert "only for media also shared to Facebook" in data["unavailable"][0]["reason"]
    answered = {o["metric"] for o in data["observations"] if o["object_id"] == REEL}
    assert answered == set(METRICS) - {"facebook_views"}
    # the replay saw 1 + 6 media-insight calls: the whole list, then two halves per level
    assert sum(n for f, n in got.served.items() if f.startswith("insights#")) == 7


def test_metas_explanation_is_kept_where_the_message_says_only_invalid_parameter(
    tmp_path: Path,
) -> None:
    """2108006 refuses the media itself: recorded once (not split) with Meta's explanation."""
    media = "17890000000000001"
    [before] = [e for e in corpus("defect_errors_explained") if media in e.path]
    got = fetch_on([*_account(), _media_list(media), *_named([before], "before")],
                   _spec(tmp_path), tmp_path, now=NOW, period="2026-10")  # fmt: skip
    assert got.ran.status == 0, got.ran.err
    [data] = got.datasets
    reasons = {(u["metric"], u["kind"], u["reason"]) for u in data["unavailable"]}
    assert reasons == {
        (m, "before_conversion", "Media Posted Before Business Account Conversion: The media was "
         "posted before the most recent time that the user's account was converted to a "
         "business account from a personal account.") for m in METRICS
    }  # fmt: skip
    assert got.served["before#0"] == 1  # the object's refusal is not split


def test_a_refused_media_list_names_the_account_the_period_and_metas_explanation(
    tmp_path: Path,
) -> None:
    [refused] = [e for e in corpus("defect_errors_explained") if e.path.endswith("/media")]
    got = fetch_on([*_account(), refused], _spec(tmp_path), tmp_path, now=NOW, period="2026-10")
    assert got.ran.status == 1
    errors = [line for line in got.ran.err.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: Sample ({ACCOUNT}) 2026-10: page 1 of the media list failed: Meta refused "
        "(error 100: Invalid parameter (Unsupported get request. Object with ID "
        f"'{ACCOUNT}' does not exist, cannot be loaded due to missing permissions, or does not "
        "support this operation.)); nothing of it is stored"
    ]


def test_code_10_is_reported_as_a_permission_problem_with_its_fix(tmp_path: Path) -> None:
    media = "17890000000000003"
    [denied] = [e for e in corpus("defect_errors_explained") if media in e.path]
    got = fetch_on([*_account(), _media_list(media), denied], _spec(tmp_path), tmp_path,
                   now=NOW, period="2026-10")  # fmt: skip
    assert got.ran.status == 0, got.ran.err
    [data] = got.datasets
    assert {u["kind"] for u in data["unavailable"]} == {"permission"}
    [note] = [line for line in got.ran.err.splitlines() if line.startswith("note: ")]
    assert note.startswith(f"note: Sample 2026-10: {', '.join(sorted(METRICS))} refused: Meta "
                           "refused for lack of permission (error 10")  # fmt: skip
    assert "instagram_manage_insights" in note and "App Review" in note


def test_a_rate_limit_without_an_estimate_says_so_and_never_wait_0_min(tmp_path: Path) -> None:
    limits = corpus("defect_errors_rate_limits")
    got = fetch_on([exchange(ACCOUNT, {}, PROFILE), *limits, _media_list(),
                    exchange(f"{REEL}/insights", {}, _values(METRICS))],
                   _spec(tmp_path), tmp_path, now=NOW, period="2026-10")  # fmt: skip
    assert got.ran.status == 1
    assert "wait 0 min" not in got.ran.err
    [line] = [x for x in got.ran.err.splitlines() if x.startswith("error: ")]
    assert "Meta's rate limit (error 4: (#4) Application request limit reached)" in line
    assert ("Meta gave no estimate of when access returns" in line
            or "Meta's usage headers estimate access returns in 7 min" in line)  # fmt: skip


def test_the_wait_named_is_the_usage_headers_estimate_or_none() -> None:
    import datetime as dt

    from reporter.fetch.explain import rate_limit_wait
    from reporter.graph.client import RateLimited

    now = dt.datetime(2026, 11, 5, 12, 0, tzinfo=dt.UTC)
    none = rate_limit_wait(RateLimited("(#4) Application request limit reached", code=4), now)
    assert none.startswith("Meta gave no estimate of when access returns")
    seven = RateLimited("(#4) Application request limit reached", code=4, retry_after=420)
    assert rate_limit_wait(seven, now) == (
        "Meta's usage headers estimate access returns in 7 min; run the same command again "
        "after 2026-11-05 12:07 UTC to fetch the rest"
    )


@pytest.mark.parametrize(
    "body",
    [{"data": "oops"}, {"data": [1, 2]}, {"data": {"a": 1}}, {"foo": 1},
     {"data": [{"name": "reach", "values": "x"}]}, {"data": [{"name": "reach", "total_value": 7}]}],
    ids=["data-text", "data-numbers", "data-object", "no-data", "values-text", "total-number"],
)  # fmt: skip
def test_json_not_shaped_as_metas_is_never_data_and_a_rerun_fetches_it(
    tmp_path: Path, body: Any
) -> None:
    """A proxy's or a broken answer that is JSON but not Meta's shape: exit 1 (not a crash,
    exit 3), nothing of it stored; the next fetch sends that call again."""
    bad = [*_account(), _media_list(), exchange(f"{REEL}/insights", {}, body)]
    first = fetch_on(bad, _spec(tmp_path), tmp_path, now=NOW, period="2026-10")
    assert first.ran.status == 1, first.ran.err
    assert first.datasets == []  # an incomplete dataset is not written as if it were final
    assert "running the same command again fetches the rest" in first.ran.err
    good = [*_account(), _media_list(), exchange(f"{REEL}/insights", {}, _values(METRICS))]
    second = fetch_on(good, _spec(tmp_path), tmp_path, now=NOW, period="2026-10")
    assert second.ran.status == 0, second.ran.err
    [data] = second.datasets
    assert data["unavailable"] == []
    assert {o["metric"] for o in data["observations"] if o["object_id"] == REEL} == set(METRICS)


def test_a_media_list_not_shaped_as_metas_is_retried_by_a_rerun(tmp_path: Path) -> None:
    bad = [*_account(), exchange(f"{ACCOUNT}/media", {}, {"data": ["x", 3]})]
    first = fetch_on(bad, _spec(tmp_path), tmp_path, now=NOW, period="2026-10")
    assert first.ran.status == 1, first.ran.err
    assert "(the media list among them: its media are not known yet)" in first.ran.err
    good = [*_account(), _media_list(), exchange(f"{REEL}/insights", {}, _values(METRICS))]
    second = fetch_on(good, _spec(tmp_path), tmp_path, now=NOW, period="2026-10")
    assert second.ran.status == 0, second.ran.err
    assert [m["id"] for m in second.datasets[0]["media"]] == [REEL]
