"""Late revisions: Meta revises a day's figures for up to 48 h. A month fetched on the 2nd is
fetched again for its last days on the next run (the newest answer wins), then served from the
store; against the sandbox's settling values and its injectable clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from support.fetch import ACME, make_spec, run

from reporter.dataset import Dataset, meta_day_ending
from reporter.sandbox import Sandbox

FIRST = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)  # Pacific 31 October ended 26 h ago
SECOND = dt.datetime(2026, 11, 3, 12, tzinfo=dt.UTC)  # past the 48 h: settled
THIRD = dt.datetime(2026, 11, 5, 12, tzinfo=dt.UTC)


def _by_day(data: Dataset | None, metric: str = "reach") -> dict[dt.date, float]:
    assert data is not None
    return {meta_day_ending(o.end_time): o.value for o in data.series(ACME, metric) if o.end_time}


def test_a_month_fetched_on_the_2nd_is_refetched_for_its_last_days(tmp_path: Path) -> None:
    spec = make_spec(ACME, media=None)
    store = tmp_path / "s.db"
    last, before = dt.date(2026, 10, 31), dt.date(2026, 10, 30)
    with Sandbox(seed=1, now=FIRST) as sb:
        [early] = run(sb, spec, store, "2026-10", now=FIRST)
        first_calls = dict(sb.counter.by_endpoint)
        sb.counter.reset()
        sb.set_now(SECOND)
        [again] = run(sb, spec, store, "2026-10", now=SECOND)
        second_calls = dict(sb.counter.by_endpoint)
        [fresh] = run(sb, spec, tmp_path / "fresh.db", "2026-10", now=SECOND)
        sb.set_now(THIRD)
        [final] = run(sb, spec, store, "2026-10", now=THIRD)
    assert early.source == again.source == "api" and final.source == "store"
    assert final.requests == 0
    assert first_calls.get("user_insights") == 4  # 1-30 and 31 Oct, totals and series
    assert second_calls == {"batch": 1, "user_insights": 2}  # the 31 Oct calls only
    early_days, again_days = _by_day(early.dataset), _by_day(again.dataset)
    assert early_days[last] < again_days[last] == _by_day(fresh.dataset)[last]  # was settling
    assert early_days[before] == again_days[before]  # 30 Oct had settled: kept, not refetched
    assert again_days == _by_day(final.dataset) == _by_day(fresh.dataset)
    assert again.dataset is not None and fresh.dataset is not None
    assert again.dataset.total(ACME, "views") is None  # two windows: both kept, none twice
    views = sorted(o.value for o in again.dataset.for_object(ACME, "views"))
    assert views == sorted(o.value for o in fresh.dataset.for_object(ACME, "views"))


def test_refetch_days_0_keeps_the_first_answer(tmp_path: Path) -> None:
    spec = make_spec(ACME, media=None)
    store = tmp_path / "s.db"
    with Sandbox(seed=1, now=FIRST) as sb:
        [early] = run(sb, spec, store, "2026-10", now=FIRST)
        sb.set_now(SECOND)
        [again] = run(sb, spec, store, "2026-10", now=SECOND, refetch_days=0)
    assert again.source == "store" and _by_day(again.dataset) == _by_day(early.dataset)


def test_collect_fetches_the_last_days_again_until_meta_settled_them(tmp_path: Path) -> None:
    from support.fetch import context

    from reporter import catalogue
    from reporter.fetch.execute import Options, fetch
    from reporter.plan.build import plan_collect
    from reporter.store.database import Store

    spec = make_spec(ACME, media={"product_types": ["FEED", "STORY"]})
    first = plan_collect(spec, catalogue.load(), today=dt.date(2026, 11, 2), overlap_days=2)
    assert [u.label for u in first.units] == ["day:2026-11-01", "day:2026-10-31", "day:2026-10-30"]
    assert [sum(c.kind == "stories" for c in u.calls) for u in first.units] == [1, 0, 0]
    later = plan_collect(spec, catalogue.load(), today=dt.date(2026, 11, 3), overlap_days=2)
    with Sandbox(seed=1, now=FIRST) as sb:
        with Store.open(tmp_path / "s.db") as store:
            fetch(first, store, context(sb, now=FIRST), Options(thumbnails=False))
        sb.set_now(SECOND)
        with Store.open(tmp_path / "s.db") as store:
            outcomes = fetch(later, store, context(sb, now=SECOND), Options(thumbnails=False))
    sources = {o.unit.label: o.source for o in outcomes}
    # 31 Oct was fetched 26 h after its end: again; 1 Nov still settling: again
    assert sources == {"day:2026-11-02": "api", "day:2026-11-01": "api", "day:2026-10-31": "api"}
