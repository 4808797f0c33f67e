"""End-to-end fetches over the sandbox (real HTTP on loopback) into SQLite stores in tmp_path."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from pathlib import Path

from support.fetch import ACME, GLOBEX, NORDLICHT, NOW, TINY, comparable, make_spec, run

from reporter.fetch.execute import Options
from reporter.fetch.writes import Writes
from reporter.periods import Period
from reporter.sandbox import Sandbox
from reporter.store.database import CallResult, Done, Store


def test_paging_over_two_years_lists_every_media_and_splits_ranges(tmp_path: Path) -> None:
    spec = make_spec(ACME)
    period = Period(dt.date(2024, 11, 3), dt.date(2026, 10, 31))
    with Sandbox(seed=1, now=NOW) as sb:
        # a generous timeout: a batch timed out on a loaded machine is sent again and counted twice
        [outcome] = run(sb, spec, tmp_path / "s.db", period, timeout=60.0)
        counts = sb.counter.by_endpoint
        account = sb.world.accounts[ACME]
        start = dt.datetime(2024, 11, 3, tzinfo=dt.UTC)
        top = (dt.datetime(2026, 11, 1, tzinfo=dt.UTC), 10**6)
        expected = {m.id for m in sb.world.posts_before(account, top, NOW, start)}
    data = outcome.dataset
    assert outcome.error is None and data is not None
    assert {m.id for m in data.media} == expected
    assert len(expected) > 1000
    assert counts["media_list"] == math.ceil(len(expected) / 100)
    # 729 days in windows of at most 30 days, two metric types: reach+views total, reach series
    windows = math.ceil(729 / 30)
    assert counts["user_insights"] == 2 * windows
    series = data.series(ACME, "reach")
    assert len({o.end_time for o in series}) == len(series) >= 728  # Pacific days: issue 8
    account_calls = 1 + 2 * windows  # the profile, then the insights windows
    assert counts["batch"] == math.ceil(account_calls / 50) + math.ceil(len(expected) / 50)
    assert {o.object_id for o in data.observations if o.metric == "reach"} >= expected


def test_non_additive_total_over_31_days_is_two_windows_never_summed(tmp_path: Path) -> None:
    with Sandbox(seed=1, now=NOW) as sb:
        [outcome] = run(sb, make_spec(GLOBEX), tmp_path / "s.db", "2026-10")
    data = outcome.dataset
    assert data is not None
    totals = [o for o in data.for_object(GLOBEX, "reach") if o.metric_type == "total_value"]
    spans = sorted(((o.until - o.since).days) for o in totals if o.since and o.until)
    assert spans == [1, 30]
    assert data.total(GLOBEX, "reach") is None  # two windows: the report decides, not us


def test_removed_metric_is_dropped_and_recorded_while_the_others_arrive(tmp_path: Path) -> None:
    spec = make_spec(
        ACME, NORDLICHT,
        media={"product_types": ["FEED"], "metrics": {"FEED": ["reach", "impressions", "likes"]}},
    )  # fmt: skip
    with Sandbox(seed=1, now=NOW) as sb:
        outcomes = run(sb, spec, tmp_path / "s.db", "2026-10")
    for outcome in outcomes:
        data = outcome.dataset
        assert outcome.error is None and data is not None
        feed = [m for m in data.media if m.product_type == "FEED"]
        assert feed
        for item in feed:
            assert data.total(item.id, "reach") is not None
            assert data.total(item.id, "likes") is not None
            missing = data.reason_unavailable(item.id, "impressions")
            assert missing is not None and missing.code == 100
            assert missing.reason.startswith(  # removed on every version: gone from the list
                "(#100) metric[1] must be one of the following values: views, reach, likes"
            )
            assert data.reason_unavailable(item.id, "reach") is None


def test_batches_with_mixed_per_item_errors(tmp_path: Path) -> None:
    """facebook_views fails on media not shared to Facebook, per item, inside each batch; the
    other items of the same batches keep it, and every item keeps the other metrics."""
    spec = make_spec(
        GLOBEX,
        media={"product_types": ["FEED", "REELS"],
               "metrics": {"FEED": ["reach", "facebook_views"], "REELS": ["views"]}},
    )  # fmt: skip
    with Sandbox(seed=1, now=NOW) as sb:
        sb.faults.fail_next(5, kind="null")  # unfinished items come back null: retried
        [outcome] = run(sb, spec, tmp_path / "s.db", "2026-10")
    data = outcome.dataset
    assert data is not None
    feed = [m for m in data.media if m.product_type == "FEED"]
    with_fb = [m for m in feed if data.total(m.id, "facebook_views") is not None]
    without = [m for m in feed if data.reason_unavailable(m.id, "facebook_views")]
    assert with_fb and without and len(with_fb) + len(without) == len(feed)
    assert all(data.total(m.id, "reach") is not None for m in feed)
    reasons = {data.reason_unavailable(m.id, "facebook_views").reason for m in without}  # type: ignore[union-attr]
    assert reasons == {
        'Meta refused this figure for this media (error -1/2207086, "Fatal"): it is given only '
        "for media also shared to Facebook."
    }
    reels = [m for m in data.media if m.product_type == "REELS"]
    assert reels and all(data.total(m.id, "views") is not None for m in reels)


def test_unsupported_breakdown_found_by_bisection_and_recorded(tmp_path: Path) -> None:
    """Meta's "An unknown error has occurred." (code 1, not transient) names no metric."""
    spec = make_spec(
        ACME,
        account_metrics={"metrics": ["reach"], "breakdowns": {"reach": ["follow_type"],
                                                              "likes": ["follow_type"]}},
        media=None,
    )  # fmt: skip
    with Sandbox(seed=1, now=NOW) as sb:
        [outcome] = run(sb, spec, tmp_path / "s.db", "2026-10")
    data = outcome.dataset
    assert data is not None
    likes = data.reason_unavailable(ACME, "likes")
    assert likes is not None and likes.code == 1
    assert likes.reason == "An unknown error has occurred."
    parts = [o for o in data.for_object(ACME, "reach") if o.dimensions]
    assert {o.dimensions[0][0] for o in parts} == {"follow_type"}


def test_not_enough_viewers_and_too_few_followers_are_unavailable_not_zero(
    tmp_path: Path,
) -> None:
    now = dt.datetime(2026, 10, 31, 11, 32, tzinfo=dt.UTC)  # a Tiny Bakery story is live
    spec = make_spec(
        TINY,
        account_metrics={"metrics": ["follows_and_unfollows", "reach"]},
        media={"product_types": ["STORY"]},
    )
    with Sandbox(seed=1, now=now) as sb:
        [outcome] = run(sb, spec, tmp_path / "s.db", "2026-10-30..2026-10-31", now=now)
    data = outcome.dataset
    assert data is not None
    stories = [m for m in data.media if m.product_type == "STORY"]
    assert [m.id for m in stories] == ["18003009800600568"]
    for metric in ("views", "reach", "shares"):
        missing = data.reason_unavailable(stories[0].id, metric)
        assert missing is not None
        assert (missing.kind, missing.code) == ("not_enough_viewers", 10)
        assert missing.reason == "(#10) Not enough viewers for the media to show insights"
        assert data.total(stories[0].id, metric) is None
    follows = data.reason_unavailable(TINY, "follows_and_unfollows")
    assert follows is not None and follows.kind == "too_few_followers"
    assert any(o.metric == "reach" for o in data.for_object(TINY, "reach"))


def test_empty_data_is_unavailable_not_zero(tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 2, 12, 3, tzinfo=dt.UTC)  # 10 minutes after a post
    spec = make_spec(TINY, account_metrics={"metrics": ["reach"]})
    with Sandbox(seed=1, now=now) as sb:
        [outcome] = run(sb, spec, tmp_path / "s.db", "2026-11-02..2026-11-02", now=now)
    data = outcome.dataset
    assert data is not None
    [post] = data.media
    missing = data.reason_unavailable(post.id, "views")
    assert missing is not None and missing.kind == "empty"
    assert not list(data.for_object(post.id, "views"))


def test_invalid_token_fails_that_account_only(tmp_path: Path) -> None:
    spec = make_spec(ACME, GLOBEX, NORDLICHT, report={"compare": "previous_period"})
    with Sandbox(seed=1, now=NOW) as sb:
        sb.invalidate_token(ACME, 460)
        sb.expire_token(NORDLICHT)
        outcomes = run(sb, spec, tmp_path / "s.db", "2026-10")
    by_account = {(o.unit.account.id, o.unit.label): o for o in outcomes}
    for label in ("2026-10", "2026-09"):
        assert by_account[(GLOBEX, label)].dataset is not None
        acme = by_account[(ACME, label)]
        assert acme.dataset is None and acme.error is not None
        assert str(acme.error).startswith(
            "Account 01 (17841400000000001): Meta refused the access token in TOKEN_001 "
            "(error 190/460: Error validating access token: The session has been invalidated"
        )
        assert str(acme.error).endswith(
            "renew the token and put the new one in TOKEN_001; the other accounts are not affected"
        )
        assert "(error 190/463: Error validating access token: Session has expired on" in str(
            by_account[(NORDLICHT, label)].error
        )


def test_retries_under_20_percent_faults_give_the_same_dataset(tmp_path: Path) -> None:
    spec = make_spec(
        GLOBEX, NORDLICHT,
        media={"product_types": ["FEED", "REELS"],
               "metrics": {"FEED": ["reach", "likes", "facebook_views"]}},
    )  # fmt: skip
    period = "2026-10-01..2026-10-10"
    with Sandbox(seed=1, now=NOW) as sb:
        clean = run(sb, spec, tmp_path / "clean.db", period)
    sleeps: list[float] = []
    with Sandbox(seed=1, now=NOW, fault_rate=0.2) as sb:
        sb.faults.slow_seconds = 1.0
        from support.fetch import context

        ctx = context(sb, sleeps=sleeps, timeout=0.5, max_retries=12)
        faulty = run(sb, spec, tmp_path / "faulty.db", period, ctx=ctx)
        faults = sb.counter.by_endpoint
    assert sleeps, "faults were injected and retried"
    assert faults.get("transient", 0) + faults.get("unfinished", 0) > 0
    for a, b in zip(clean, faulty, strict=True):
        assert a.error is None and b.error is None, b.error
        assert comparable(a.dataset) == comparable(b.dataset)


def test_long_rate_limit_stops_cleanly_and_a_rerun_fetches_only_the_rest(tmp_path: Path) -> None:
    spec = make_spec(GLOBEX)
    with Sandbox(seed=1, now=NOW) as sb:
        [reference] = run(sb, spec, tmp_path / "reference.db")
        full = sb.counter.by_endpoint["media_insights"]
    store = tmp_path / "s.db"
    with Sandbox(seed=1, now=NOW, rate_limit=150) as sb:
        [stopped] = run(sb, spec, store)
        assert stopped.dataset is None and stopped.error is not None
        message = str(stopped.error)
        assert "Meta's rate limit (error 80002: (#80002) There have been too many calls" in message
        assert "stopped cleanly, everything fetched so far is stored" in message
        assert "run the same command again after 2026-11-02 18:" in message
        first = sb.counter.by_endpoint["media_insights"]
        sb.faults.clear()
        sb.faults.rate_limit = 0
        sb.counter.reset()
        [finished] = run(sb, spec, store)
        second = sb.counter.by_endpoint
    assert finished.error is None
    assert comparable(finished.dataset) == comparable(reference.dataset)
    assert second.get("user_insights", 0) == 0  # the account calls were stored before the stop
    assert second["media_insights"] < full <= first + second["media_insights"]
    with Store.open(store) as opened:
        assert opened.counts()["integrity"] == 1


def test_closed_period_comes_from_the_store_unless_refresh(tmp_path: Path) -> None:
    spec = make_spec(ACME)
    with Sandbox(seed=1, now=NOW) as sb:
        [first] = run(sb, spec, tmp_path / "s.db", "2026-09")
        sb.counter.reset()
        [again] = run(sb, spec, tmp_path / "s.db", "2026-09")
        assert sb.counter.total == 0 and again.source == "store"
        [offline] = run(sb, spec, tmp_path / "s.db", "2026-09", options=Options(offline=True))
        assert sb.counter.total == 0 and offline.source == "store"
        options = Options(refresh=True)
        [refreshed] = run(sb, spec, tmp_path / "s.db", "2026-09", options=options)
        assert sb.counter.total > 0 and refreshed.source == "api"
        [missing] = run(sb, spec, tmp_path / "s.db", "2026-08", options=Options(offline=True))
    assert comparable(first.dataset) == comparable(again.dataset) == comparable(offline.dataset)
    assert missing.dataset is None
    assert str(missing.error) == (
        "Account 01 (17841400000000001) 2026-08: not in the store; run "
        "`reporter fetch SPEC --period 2026-08` online"
    )


def test_an_open_period_is_fetched_again(tmp_path: Path) -> None:
    spec = make_spec(ACME)
    with Sandbox(seed=1, now=NOW) as sb:
        run(sb, spec, tmp_path / "s.db", "2026-10-20..2026-11-01")
        sb.counter.reset()
        [again] = run(sb, spec, tmp_path / "s.db", "2026-10-20..2026-11-01")
        assert again.source == "api" and sb.counter.total > 0


def test_instagram_login_sends_no_batches(tmp_path: Path) -> None:
    with Sandbox(seed=1, now=NOW) as sb:
        [outcome] = run(sb, make_spec(NORDLICHT), tmp_path / "s.db")
        counts = sb.counter.by_endpoint
    assert outcome.dataset is not None
    assert "batch" not in counts
    assert counts["media_insights"] == len(outcome.dataset.media)


def test_thumbnails_are_stored_with_limits(tmp_path: Path) -> None:
    with Sandbox(seed=1, now=NOW) as sb:
        [outcome] = run(sb, make_spec(ACME), tmp_path / "s.db", options=Options())
    data = outcome.dataset
    assert data is not None
    with Store.open(tmp_path / "s.db") as store:
        kinds = Counter((store.thumbnail(m.id) or ("none", b""))[0] for m in data.media)
        picture = store.thumbnail(ACME)
    assert picture is not None and picture[1].startswith(b"\x89PNG")
    assert kinds["image/png"] > 0
    assert set(kinds) <= {"image/png", "none"}  # html pages and 404s are not kept


def test_calls_are_written_a_batch_at_a_time_and_the_rest_when_the_unit_ends(
    tmp_path: Path,
) -> None:
    """Calls sent one by one (Instagram login) are gathered into writes of ``size`` calls;
    what is left is written when the unit ends, and anything after that at once."""
    window = (dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    with Store.open(tmp_path / "s.db") as store:
        store.begin_unit("1", "2026-10", period=(window[0].date(), window[1].date()),
                         window=window, api_version="v25.0", timezone="UTC", now=NOW,
                         fresh=True)  # fmt: skip
        writes = Writes(store, "1", now=lambda: NOW, size=3)

        def done() -> set[str]:
            return set(store.call_times("1", "2026-10"))

        writes.add([Done("2026-10", 1, "a", CallResult())])
        writes.add([Done("2026-10", 1, "b", CallResult())])
        assert done() == set()
        writes.add([Done("2026-10", 1, "c", CallResult()), Done("2026-10", 1, "d", CallResult())])
        assert done() == {"a", "b", "c", "d"}
        writes.add([Done("2026-10", 1, "e", CallResult())])
        assert done() == {"a", "b", "c", "d"}
        writes.close()
        assert done() == {"a", "b", "c", "d", "e"}
        writes.add([Done("2026-10", 1, "f", CallResult())])  # a thread that was still running
        assert done() == {"a", "b", "c", "d", "e", "f"}
