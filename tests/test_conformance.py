"""The client against Meta's own answers: `reporter fetch` over real HTTP against a replay of the
conformance corpus (tests/conformance/), then `reporter render` from the same store.

Expectations are read from the corpus bodies the replay served, not written by hand: every value
in a body is in the dataset once, where Meta put it (object, metric, dimensions, day or window);
every refusal is an unavailable metric carrying Meta's reason; nothing else is added.

Left out of these specs on purpose (other work fixes them; the corpus holds their bodies): a
total asked with and without a breakdown, online_followers, follows_and_unfollows,
facebook_views / crossposted_views, windows longer than 30 days.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.cli import run_cli
from support.replay import TOKEN, TOKEN_ENV, Fetched, corpus, fetch_on

from reporter.sandbox.replay import Exchange

ACCOUNT = "17841405822304914"  # Meta's sample account id (seeds/003)
HEAD = """\
[report]
client = "Conformance"
timeframe = {{ since = 2026-10-01, until = 2026-10-28 }}
compare = "none"
timezone = "UTC"

[[accounts]]
id = "{account}"
name = "Sample"
login = "{login}"
token_env = "{token_env}"

[output]
formats = ["html", "csv"]
"""
ACCOUNT_SPEC = """
[account_metrics]
metrics = ["views", "reach", "accounts_engaged", "total_interactions", "likes", "comments",
           "saves", "shares"]
time_series = ["reach", "follower_count"]

[audience]
metrics = ["follower_demographics", "engaged_audience_demographics"]
breakdowns = ["country", "age"]
timeframe = "this_month"

[media]
product_types = ["FEED", "REELS"]
top = 5
rank_by = "reach"

[media.metrics]
FEED = ["views", "reach", "likes", "comments", "saved", "shares", "total_interactions",
        "profile_activity"]
REELS = ["views", "reach", "likes", "comments", "saved", "shares", "ig_reels_avg_watch_time",
         "ig_reels_video_view_total_time"]

[media.breakdowns]
profile_activity = ["action_type"]
"""
STORY_SPEC = """
[media]
product_types = ["STORY"]
top = 5
rank_by = "reach"

[media.metrics]
STORY = ["views", "reach", "replies", "shares", "navigation"]

[media.breakdowns]
navigation = ["story_navigation_action_type"]
"""
NOW = "2026-11-02T12:00:00+00:00"
STORIES_LIVE = "2026-10-29T12:00:00+00:00"  # the period ends yesterday: live stories are read

Key = tuple[str, str, str, tuple[tuple[str, str], ...], float, str | None]


def _spec(tmp: Path, body: str, login: str = "facebook") -> Path:
    path = tmp / "spec.toml"
    head = HEAD.format(account=ACCOUNT, login=login, token_env=TOKEN_ENV)
    path.write_text(head + body, encoding="utf-8")
    return path


def _dims(keys: Iterable[Any], values: Iterable[Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v).upper()) for k, v in zip(keys, values, strict=True)))


def _body_values(exchange: Exchange) -> Iterator[Key]:
    """Every figure of a served 200 insights body, keyed as the dataset must hold it."""
    media = exchange.path.split("/")[0] != ACCOUNT
    kind = "lifetime" if media else exchange.params.get("metric_type", "total_value")
    obj = exchange.path.split("/")[0]
    for item in exchange.body.get("data") or []:
        name = item["name"]
        if kind == "time_series":
            for point in item.get("values") or []:
                yield obj, name, kind, (), float(point["value"]), point["end_time"][:19]
            continue
        total = item.get("total_value") or {}
        plain = (item.get("values") or [{}])[0].get("value") if media else None
        plain = total.get("value") if plain is None else plain
        if isinstance(plain, int | float):
            yield obj, name, kind, (), float(plain), None
        for block in total.get("breakdowns") or []:
            for row in block.get("results") or []:
                dims = _dims(block["dimension_keys"], row["dimension_values"])
                yield obj, name, kind, dims, float(row["value"]), None


def _dataset_values(dataset: dict[str, Any]) -> Iterator[Key]:
    for o in dataset["observations"]:
        dims = tuple(sorted((k, v.upper()) for k, v in o["dimensions"]))
        end = o["end_time"][:19] if o["end_time"] else None
        yield o["object_id"], o["metric"], o["metric_type"], dims, o["value"], end


def _served(fetched: Fetched, exchanges: list[Exchange]) -> list[Exchange]:
    by_file = {e.file: e for e in exchanges}
    return [by_file[f] for f in fetched.served]


def _metrics(exchange: Exchange) -> list[str]:
    return [m for m in exchange.params.get("metric", "").split(",") if m]


def _check_dataset(fetched: Fetched, exchanges: list[Exchange]) -> dict[str, Any]:
    assert fetched.ran.status == 0, fetched.ran.output
    assert fetched.unmatched == []
    assert all(n == 1 for n in fetched.served.values()), fetched.served  # nothing asked twice
    [dataset] = fetched.datasets
    served = _served(fetched, exchanges)
    insights = [e for e in served if e.path.endswith("/insights")]

    expected = Counter(v for e in insights if e.status == 200 for v in _body_values(e))
    got = Counter(_dataset_values(dataset))
    assert got - expected == Counter(), "added (or added twice)"
    assert expected - got == Counter(), "lost"

    # refusals: the metric Meta names, else every metric of the call; Meta's reason and code
    refused: dict[tuple[str, str], dict[str, Any]] = {}
    empty: set[tuple[str, str]] = set()
    for e in insights:
        obj, metrics = e.path.split("/")[0], _metrics(e)
        if e.status != 200:
            error = e.body["error"]
            named = [m for m in metrics if f" {m} " in error["message"]]
            refused |= {(obj, m): error for m in named or metrics}
        else:
            answered = {item["name"] for item in e.body.get("data") or []}
            empty |= {(obj, m) for m in metrics if m not in answered}
    unavailable = {(u["object_id"], u["metric"]): u for u in dataset["unavailable"]}
    assert set(unavailable) == set(refused) | (empty - set(refused))
    for key, error in refused.items():
        u = unavailable[key]
        assert u["code"] == error["code"], u
        reasons = [error["message"], error.get("error_user_title"), error.get("error_user_msg")]
        assert any(r and r in u["reason"] for r in reasons), u
        assert u["kind"] != "empty", u
    for key in empty - set(refused):
        assert unavailable[key]["kind"] == "empty", unavailable[key]
    # an object refused whole is refused for every metric asked of it, never half-counted
    for obj, metric in refused:
        assert not [o for o in dataset["observations"] if (o["object_id"], o["metric"]) ==
                    (obj, metric)]  # fmt: skip
    return dataset


def _listed(exchanges: list[Exchange], path: str) -> list[dict[str, Any]]:
    return [item for e in exchanges if e.path == path for item in e.body["data"]]


@pytest.mark.parametrize("login", ["facebook", "instagram"])  # Graph batches; one GET each
def test_account_feed_and_reels_arrive_once_each_in_their_place(tmp_path: Path, login: str) -> None:
    exchanges = corpus()
    fetched = fetch_on(exchanges, _spec(tmp_path, ACCOUNT_SPEC, login), tmp_path, now=NOW)
    dataset = _check_dataset(fetched, exchanges)

    # both listing pages, every field as Meta sent it; album children by id
    listed = _listed(exchanges, f"{ACCOUNT}/media")
    media = {m["id"]: m for m in dataset["media"]}
    assert set(media) == {m["id"] for m in listed}
    for raw in listed:
        item = media[raw["id"]]
        assert item["media_type"] == raw["media_type"]
        assert item["product_type"] == raw["media_product_type"]
        assert (item["like_count"], item["comments_count"]) == (
            raw["like_count"],
            raw["comments_count"],
        )
        assert item["thumbnail_url"] == raw.get("thumbnail_url")
        assert item["children"] == [c["id"] for c in (raw.get("children") or {}).get("data", [])]
    # account totals carry the window they were asked for, time series their Pacific day
    totals = [o for o in dataset["observations"] if o["period"] == "day" and not o["end_time"]]
    windows = {(o["since"], o["until"]) for o in totals}
    assert windows == {("2026-10-01T07:00:00+00:00", "2026-10-29T07:00:00+00:00")}  # Pacific days
    assert dataset["account"]["followers_count"] == 6380


def test_live_stories_and_their_refusals(tmp_path: Path) -> None:
    exchanges = corpus()
    fetched = fetch_on(exchanges, _spec(tmp_path, STORY_SPEC), tmp_path, now=STORIES_LIVE)
    dataset = _check_dataset(fetched, exchanges)
    stories = _listed(exchanges, f"{ACCOUNT}/stories")
    assert {m["id"] for m in dataset["media"]} == {s["id"] for s in stories}
    kinds = {u["kind"] for u in dataset["unavailable"]}
    assert kinds == {"not_enough_viewers"}


def test_the_report_shows_each_figure_of_the_dataset_once(tmp_path: Path) -> None:
    exchanges = corpus()
    spec = _spec(tmp_path, ACCOUNT_SPEC)
    fetched = fetch_on(exchanges, spec, tmp_path, now=NOW)
    [dataset] = fetched.datasets
    out = tmp_path / "out"
    env = {"REPORTER_STORE": str(fetched.store), TOKEN_ENV: TOKEN,
           "REPORTER_API_BASE_URL": "http://127.0.0.1:9"}  # fmt: skip
    ran = run_cli(["render", str(spec), "--offline", "--out", str(out), "--now", NOW], env=env)
    assert ran.status == 0, ran.output
    [table] = out.rglob("*.csv")
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8-sig"))))

    def cells(prefix: str, column: str | None = None) -> Counter[float]:
        return Counter(float(r["value"]) for r in rows if r["table"].startswith(prefix)
                       and r["value"] not in ("", "n/a") and column in (None, r["column"])
                       and _number(r["value"]))  # fmt: skip

    observations = dataset["observations"]
    media_ids = {m["id"] for m in dataset["media"]}
    plain_media = Counter(o["value"] for o in observations
                          if o["object_id"] in media_ids and not o["dimensions"])  # fmt: skip
    assert cells("media_") == plain_media
    for metric in ("follower_demographics", "engaged_audience_demographics"):
        shown = cells(f"audience_{metric}_", "Value")
        assert shown == Counter(o["value"] for o in observations if o["metric"] == metric)
    for metric in ("reach", "follower_count"):
        series = Counter(
            o["value"]
            for o in observations
            if o["metric"] == metric and o["metric_type"] == "time_series"
        )
        assert cells(f"trend_{metric}") == series
    page = next(out.rglob("*.html")).read_text(encoding="utf-8")
    for o in observations:
        if o["metric_type"] == "total_value" and not o["dimensions"]:
            assert f"{int(o['value']):,}" in page, o["metric"]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
