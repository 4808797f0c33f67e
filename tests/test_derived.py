"""Derived metrics: the safe parser, the evaluator's n/a rules, the fetch spec, and every built-in
against values computed by hand from a fixed sandbox seed (seed 1, October 2026, fetched on
2026-11-02)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from support.fetch import ACME, NOW, make_spec, run

from reporter.catalogue import load
from reporter.dataset import AccountInfo, Dataset, MediaItem, Observation, Unavailable
from reporter.derived import Definition, builtins, definitions
from reporter.derived.evaluate import Evaluator
from reporter.derived.formula import FormulaError, parse
from reporter.derived.value import Value
from reporter.plan.requirements import fetch_spec
from reporter.sandbox import Sandbox

ACCOUNT_BUILTINS = [n for n, d in builtins().items() if d.scope == "account"]


@pytest.fixture(scope="module")
def october(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    spec = make_spec(
        ACME,
        report={"timezone": "Europe/Berlin"},
        account_metrics={"metrics": ["reach", *ACCOUNT_BUILTINS]},
        media={"product_types": ["FEED", "REELS", "STORY"]},
    )
    store = tmp_path_factory.mktemp("derived") / "store.sqlite3"
    with Sandbox(seed=1, now=NOW) as sb:
        outcomes = run(sb, spec, store)
    dataset = outcomes[0].dataset
    assert dataset is not None
    return dataset


def _evaluate(ds: Dataset, name: str, rank_by: str = "views") -> Value:
    return Evaluator(ds, builtins(), load(), rank_by=rank_by).account(name)


def _account_values(ds: Dataset, metric: str, value: str | None = None) -> list[float]:
    return [
        o.value
        for o in ds.observations
        if o.object_id == ds.account.id
        and o.metric == metric
        and o.metric_type == "total_value"
        and (o.dimensions == () if value is None else any(v == value for _, v in o.dimensions))
    ]


def test_builtins_equal_hand_computed_values_on_the_sandbox(october: Dataset) -> None:
    ds = october
    # October (31 days) is asked for in two windows: 30 days + 1 (Pacific days).
    assert _account_values(ds, "total_interactions") == [4321.0, 173.0]
    assert _account_values(ds, "reach") == [64648.0, 7209.0]
    assert ds.account.followers_count == 11889
    # Reach is unique accounts: the longest window (64648), never 64648 + 7209; and the
    # interactions it is divided by are those of the same 30 days (4321), not of all 31 days.
    rate = _evaluate(ds, "engagement_rate")
    assert rate.value == pytest.approx(4321 / 64648)
    assert rate.coverage is not None and rate.coverage.days == 30
    assert _evaluate(ds, "engagement_rate_followers").value == pytest.approx(4494 / 11889)
    assert _account_values(ds, "follows_and_unfollows", "FOLLOWER") == [366.0, 11.0]
    assert _account_values(ds, "follows_and_unfollows", "NON_FOLLOWER") == [340.0, 13.0]
    assert _evaluate(ds, "follower_growth").value == (366 + 11) - (340 + 13) == 24
    assert _evaluate(ds, "follower_growth_rate").value == pytest.approx(24 / (11889 - 24))

    posts = [m for m in ds.media if m.product_type == "FEED"]
    reels = [m for m in ds.media if m.product_type == "REELS"]
    assert (len(posts), len(reels)) == (45, 15)
    assert _evaluate(ds, "posts_per_week") == Value(45 / 31 * 7, sample="45 posts")
    assert _evaluate(ds, "reels_per_week").value == pytest.approx(15 / 31 * 7)
    # Stories vanish after 24 hours: fetched on Nov 2, October's are known only via collect.
    assert _evaluate(ds, "stories_per_week") == Value(0.0, sample="0 stories")

    reach = [ds.total(m.id, "reach") for m in posts]
    assert None not in reach
    per_post = _evaluate(ds, "avg_reach_per_post")
    assert per_post.value == pytest.approx(sum(r or 0 for r in reach) / 45)
    assert per_post.value == pytest.approx(2487.8444, abs=1e-3)
    assert per_post.sample == "45 of 45 posts"
    per_reel = _evaluate(ds, "avg_reach_per_reel")
    assert per_reel.value == pytest.approx(sum(ds.total(m.id, "reach") or 0 for m in reels) / 15)
    watch = [ds.total(m.id, "ig_reels_avg_watch_time") or 0 for m in reels]
    assert _evaluate(ds, "reel_avg_watch_time").value == pytest.approx(sum(watch) / 15 / 1000)
    assert _evaluate(ds, "reel_avg_watch_time").value == pytest.approx(8.7703, abs=1e-3)

    exit_rate = _evaluate(ds, "story_exit_rate")
    assert exit_rate == Value(None, "No stories in the period.")


def test_best_weekday_and_hour_by_hand(october: Dataset) -> None:
    ds = october
    by_day: dict[int, list[float]] = {}
    by_hour: dict[int, list[float]] = {}
    for item in ds.media:
        views = ds.total(item.id, "views")
        if item.product_type == "STORY" or views is None:
            continue
        local = item.timestamp.astimezone(ZoneInfo("Europe/Berlin"))
        by_day.setdefault(local.weekday(), []).append(views)
        by_hour.setdefault(local.hour, []).append(views)
    best_day = max(by_day, key=lambda d: sum(by_day[d]) / len(by_day[d]))
    best_hour = max(by_hour, key=lambda h: sum(by_hour[h]) / len(by_hour[h]))
    day = _evaluate(ds, "best_weekday")
    hour = _evaluate(ds, "best_hour")
    assert (day.value, day.label) == (best_day, "Tuesday")
    assert day.sample.startswith(f"{len(by_day[best_day])} of 60 posts and reels")
    assert (hour.value, hour.label) == (best_hour, "23:00")
    assert hour.sample.startswith(f"{len(by_hour[best_hour])} of 60 posts and reels")


# --- a small hand-made dataset -----------------------------------------------------------------

ACCOUNT = "1"
START = dt.datetime(2026, 10, 1, 7, tzinfo=dt.UTC)
END = dt.datetime(2026, 10, 31, 7, tzinfo=dt.UTC)


def _window(metric: str, value: float) -> Observation:
    return Observation(ACCOUNT, metric, "day", value, since=START, until=END)


def _story(n: int) -> MediaItem:
    return MediaItem(f"s{n}", ACCOUNT, "STORY", "IMAGE", START + dt.timedelta(days=n))


def _dataset(*observations: Observation, **extra: object) -> Dataset:
    return Dataset(
        account=AccountInfo(ACCOUNT, "acme", "Acme", followers_count=0),
        since=dt.date(2026, 10, 1),
        until=dt.date(2026, 10, 30),
        fetched_at=NOW,
        observations=observations,
        **extra,  # type: ignore[arg-type]
    )


def _nav(story: str, action: str, value: float) -> Observation:
    dims = (("story_navigation_action_type", action),)
    return Observation(story, "navigation", "lifetime", value, dimensions=dims)


def test_story_exit_rate_from_navigation() -> None:
    stories = (_story(1), _story(2))
    ds = _dataset(
        Observation("s1", "views", "lifetime", 200),
        Observation("s2", "views", "lifetime", 100),
        _nav("s1", "TAP_EXIT", 30),
        _nav("s1", "TAP_FORWARD", 150),
        _nav("s2", "TAP_FORWARD", 90),  # no exit at all: Meta leaves the value out, it is 0
        media=stories,
    )
    assert _evaluate(ds, "story_exit_rate") == Value(30 / 300, sample="2 of 2 stories")
    assert _evaluate(ds, "stories_per_week").value == pytest.approx(2 / 30 * 7)


def test_division_by_zero_and_missing_inputs_give_na_with_the_reason() -> None:
    ds = _dataset(
        _window("total_interactions", 12),
        _window("reach", 0),
        unavailable=(Unavailable(ACCOUNT, "views", "Not enough viewers (fewer than 5).", 10),),
    )
    assert _evaluate(ds, "engagement_rate") == Value(None, "Division by zero: reach is 0.")
    assert _evaluate(ds, "engagement_rate_followers") == Value(
        None, "Division by zero: followers is 0."
    )
    defs = {"view_rate": Definition("view_rate", "View rate", "account", "percent", "views / 2")}
    got = Evaluator(ds, defs, load()).account("view_rate")
    assert got == Value(None, "Views: Not enough viewers (fewer than 5).")
    assert _evaluate(ds, "avg_reach_per_reel") == Value(None, "No reels in the period.")
    assert _evaluate(ds, "follower_growth").value is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('x')", "only sum, avg, max, min and count can be called"),
        ("reach.__class__.__bases__", "write a breakdown value as metric.VALUE"),
        ("reach ** 99", "operator ** is not allowed; use + - * /"),
        ("[x for x in ()]", "ListComp is not allowed in a formula"),
        ("'a' + reach", "'a' is not a number"),
        ("avg(reach, REEL)", "unknown product type 'REEL'; expected FEED, REELS or STORY"),
        ("sum(avg(reach))", "avg() cannot be used inside another aggregate"),
        ("lambda: 1", "lambda is not allowed in a formula"),
        ("reach if reach else 1", "if/else is not allowed in a formula"),
        ("   ", "the formula is empty"),
        ("1" * 501, "the formula is longer than 500 characters"),
    ],
)
def test_the_parser_refuses_what_is_not_arithmetic(text: str, message: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(text)
    assert caught.value.message == message


def test_fetch_spec_asks_meta_for_the_inputs_not_the_derived_names() -> None:
    spec = make_spec(
        ACME,
        account_metrics={"metrics": ["views", "engagement_rate", "follower_growth"]},
        media={
            "product_types": ["REELS", "STORY"],
            "metrics": {"REELS": ["views", "post_engagement_rate"], "STORY": ["views"]},
            "rank_by": "post_engagement_rate",
        },
        goals={"accounts_engaged": 100, "story_exit_rate": "5%"},
    )
    fetched = fetch_spec(spec, load())
    # A goal's plain metric is fetched even when no KPI card shows it.
    assert fetched.account_metrics.metrics == [
        "views",
        "accounts_engaged",
        "reach",
        "total_interactions",
    ]
    assert fetched.account_metrics.breakdowns == {"follows_and_unfollows": ["follow_type"]}
    assert fetched.media is not None
    assert fetched.media.metrics == {
        "REELS": ["views", "reach", "total_interactions"],
        "STORY": ["views", "navigation", "reach", "total_interactions"],
    }
    assert fetched.media.breakdowns == {"navigation": ["story_navigation_action_type"]}
    assert set(definitions(spec)) >= {"engagement_rate", "post_engagement_rate"}


def test_a_spec_definition_replaces_the_builtin(tmp_path: Path) -> None:
    spec = make_spec(
        ACME,
        derived={"engagement_rate": {"formula": "total_interactions / views", "unit": "percent"}},
    )
    assert definitions(spec)["engagement_rate"].formula == "total_interactions / views"
    assert not definitions(spec)["engagement_rate"].builtin


def test_validate_warns_when_an_ended_period_has_no_commentary(tmp_path: Path) -> None:
    from support.cli import run_cli

    spec = tmp_path / "acme.toml"
    spec.write_text(
        '[report]\nclient = "Acme"\n\n[[accounts]]\nid = "17841400000000001"\nname = "Acme"\n'
        'token_env = "ACME_IG_TOKEN"\n\n[account_metrics]\nmetrics = ["reach"]\n\n'
        '[commentary]\nfile = "notes/{period}.md"\nrequired = true\n',
        encoding="utf-8",
    )
    args = ["validate", "--today", "2026-11-23", str(spec)]
    result = run_cli(args)
    assert result.exit_code == 0
    assert (
        f"{spec}:13:8: warning: commentary.file: no commentary for 2026-10: notes/2026-10.md "
        "does not exist [commentary-missing]\n"
        "    hint: write it before the report goes out, or set required = false\n"
    ) in result.output
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "2026-10.md").write_text("Fine month.", encoding="utf-8")
    assert "commentary-missing" not in run_cli(args).output
