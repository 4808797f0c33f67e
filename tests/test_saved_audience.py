"""Issue 12, §3: Meta gives demographics only for the last 30 days before the call, so a month
gone by shows the ones `reporter collect` saved on its last days, with the days they cover;
a month fetched long after, and never collected, says why it has none (no other month's figures
passed off as this one's)."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from pathlib import Path

from support import render as rs
from support.fetch import ACME, context, make_spec, run

from reporter import catalogue
from reporter.dataset import Dataset
from reporter.fetch.execute import Options, fetch
from reporter.periods import parse_period
from reporter.plan.build import SavedAudience, plan, plan_collect
from reporter.render import build_html
from reporter.sandbox import Sandbox
from reporter.spec.models import Spec
from reporter.store.database import Store

CAT = catalogue.load()
AUDIENCE = {"metrics": ["follower_demographics"], "breakdowns": ["country", "age"],
            "timeframe": "this_month"}  # fmt: skip
OCTOBER = parse_period("2026-10")
DEMOGRAPHICS = "follower_demographics"


def _spec() -> Spec:
    return make_spec(ACME, audience=AUDIENCE)


def test_a_month_asks_meta_only_in_its_first_days_after_the_end() -> None:
    def kinds(today: dt.date) -> tuple[list[str], SavedAudience | None]:
        [unit] = plan(_spec(), CAT, OCTOBER, None, today=today).units
        return [c.kind for c in unit.calls], unit.saved_audience

    asked, saved = kinds(dt.date(2026, 11, 2))
    assert asked.count("demographics") == 2 and saved is None
    asked, saved = kinds(dt.date(2026, 12, 3))
    assert "demographics" not in asked
    assert saved is not None and saved.units[:2] == ("day:2026-10-31", "day:2026-10-30")
    [yesterday, before] = plan_collect(_spec(), CAT, today=dt.date(2026, 11, 1),
                                       overlap_days=1).units  # fmt: skip
    assert [c.kind for c in yesterday.calls].count("demographics") == 2
    assert "demographics" not in [c.kind for c in before.calls]


def _collect(sb: Sandbox, store_path: Path, now: dt.datetime) -> None:
    sb.set_now(now)

    with Store.open(store_path) as store:
        [outcome] = fetch(plan_collect(_spec(), CAT, today=now.date()), store,
                          context(sb, now=now), Options(thumbnails=False))  # fmt: skip
    assert outcome.error is None


def _audience_text(dataset: Dataset) -> str:
    spec = rs.spec(audience=AUDIENCE)
    html = build_html(spec, spec.accounts[0], dataset, None, catalogue=CAT, thumbnails={},
                      now=dataset.fetched_at).html  # fmt: skip
    part = html[html.index('<section class="audience"') :]
    part = part[: part.index("</section>")]
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", part)).split())


def test_a_month_gone_by_shows_the_audience_collect_saved_on_its_last_day(tmp_path: Path) -> None:
    late = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    store_path = tmp_path / "s.db"
    with Sandbox(seed=1, now=late) as sb:
        _collect(sb, store_path, dt.datetime(2026, 11, 1, 15, 0, tzinfo=dt.UTC))
        sb.set_now(late)
        [month] = run(sb, _spec(), store_path, "2026-10", now=late)
        [never] = run(sb, _spec(), tmp_path / "fresh.db", "2026-10", now=late)
    saved = month.dataset
    assert saved is not None
    shown = [o for o in saved.observations if o.metric == DEMOGRAPHICS]
    assert shown and all(o.until == dt.datetime(2026, 11, 1, 15, 0, tzinfo=dt.UTC) for o in shown)
    assert all(o.since == dt.datetime(2026, 10, 2, 15, 0, tzinfo=dt.UTC) for o in shown)
    text = _audience_text(saved)
    assert "Audience of the 30 days up to Nov 1, 2026." in text
    assert "no longer available" not in text and re.search(r"\d+\.\d%", text)
    # Without the daily collection: no call for December's figures, and the plain reason.
    assert never.dataset is not None
    assert not [o for o in never.dataset.observations if o.metric == DEMOGRAPHICS]
    text = _audience_text(never.dataset)
    assert (
        "Meta keeps audience demographics for the last 30 days only, so those of October "
        "2026 are no longer available." in text
    )


def test_a_month_fetched_in_its_first_days_says_the_days_meta_counted(tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.UTC)
    with Sandbox(seed=1, now=now) as sb:
        [month] = run(sb, _spec(), tmp_path / "s.db", "2026-10", now=now)
    assert month.dataset is not None
    text = _audience_text(month.dataset)
    assert "Audience of the 30 days up to Nov 2, 2026." in text
