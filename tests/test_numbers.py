"""Numbers that hold on a real account: Meta-shaped bodies (tests/conformance/defect_*.json)
served over real HTTP by the replay server, fetched and rendered by the CLI, and what the
dataset and the report then say."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from support.cli import run_cli
from support.fetch import ACME, make_spec
from support.replay import TOKEN, TOKEN_ENV, Fetched, corpus, fetch_on

from reporter import catalogue
from reporter.dataset import Dataset, totals
from reporter.periods import parse_period
from reporter.plan.build import plan
from reporter.sandbox.replay import Replay

ID = "17841400000000901"
STORY = "18017306773650432"


def _spec(tmp: Path, metrics: str, *, timezone: str = "UTC", extra: str = "") -> Path:
    path = tmp / "spec.toml"
    path.write_text(
        f"""
[report]
client = "Sample Roastery"
timezone = "{timezone}"
compare = "none"
locale = "en_GB"

[[accounts]]
id = "{ID}"
name = "Sample Roastery"
login = "facebook"
token_env = "{TOKEN_ENV}"

[account_metrics]
{metrics}

[output]
formats = ["html"]
{extra}
""",
        encoding="utf-8",
    )
    return path


def _fetch(topic: str, spec: Path, tmp: Path, *, now: str, period: str) -> tuple[Fetched, Dataset]:
    got = fetch_on(corpus(topic), spec, tmp, now=now, period=period)
    assert got.ran.status == 0, got.ran.output
    assert got.unmatched == []
    return got, Dataset.from_json(_one(got))


def _one(got: Fetched) -> str:
    import json

    (dataset,) = got.datasets
    return json.dumps(dataset)


def _render(topic: str, spec: Path, tmp: Path, *, now: str, period: str) -> str:
    """``reporter render`` against the replay (it fetches what the store lacks), as HTML."""
    with Replay(corpus(topic)) as replay:
        env = {
            "REPORTER_API_BASE_URL": replay.base_url,
            TOKEN_ENV: TOKEN,
            "REPORTER_STORE": str(tmp / "render.sqlite3"),
            "REPORTER_MAX_RETRIES": "0",
        }
        out = tmp / "out"
        args = ["render", str(spec), "--period", period, "--now", now, "--out", str(out)]
        ran = run_cli(args, env=env)
        assert ran.status == 0, ran.output
        assert replay.unmatched == []
    (page,) = out.rglob("*.html")
    return page.read_text(encoding="utf-8")


def _words(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def _card(page: str, title: str) -> str:
    """A KPI card's words: its title, figure and the lines under it."""
    cards = re.findall(r'<div class="kpi(?: kpi-na)?">(.*?)</div>', page, re.S)
    found = [_words(c) for c in cards if f'<p class="kpi-title">{title}</p>' in c]
    assert len(found) == 1, f"no card {title!r}"
    return found[0]


# 1. One window's total is one value --------------------------------------------------------


def test_a_window_asked_with_and_without_a_breakdown_has_one_total(tmp_path: Path) -> None:
    spec = _spec(
        tmp_path,
        'metrics = ["reach", "views"]\n'
        '[account_metrics.breakdowns]\nreach = ["media_product_type"]\n'
        'views = ["media_product_type"]',
    )
    period, now = "2026-11-01..2026-11-15", "2026-11-20T12:00:00Z"
    _, ds = _fetch("defect_one_total", spec, tmp_path, now=now, period=period)
    # Meta's sample: 224 in the breakdown call, 9 in the plain one: the card showed 233
    assert totals.account_total(ds, "reach", additive=False).value == 9
    assert totals.account_total(ds, "views", additive=True).value == 31
    values, _ = totals.breakdown(ds.for_object(ID, "reach"), ["media_product_type"], additive=False)
    assert values == {("CAROUSEL_CONTAINER",): 100, ("POST",): 124}
    # the breakdown call's total is kept, as the breakdown's
    kept = [o.value for o in ds.for_object(ID, "reach") if o.breakdown and not o.dimensions]
    assert kept == [224]
    page = _render("defect_one_total", spec, tmp_path, now=now, period=period)
    text = _words(page)
    assert "233" not in text and "511" not in text
    assert _card(page, "Accounts reached").split()[2] == "9"
    # the breakdown's own total is what its shares are of: 100 and 124 of 224
    block = text[text.index("Accounts reached: by content type") :]
    assert "Posts 124 55.4%" in block and "Carousels 100 44.6%" in block
    assert "Shares are of the 224 in total." in block


# 2. online_followers: followers online by hour ----------------------------------------------


def test_online_followers_are_kept_by_day_and_hour_and_never_a_daily_series(
    tmp_path: Path,
) -> None:
    spec = _spec(tmp_path, 'metrics = []\ntime_series = ["online_followers"]')
    period, now = "2026-11-01..2026-11-15", "2026-11-20T12:00:00Z"
    _, ds = _fetch("defect_online_followers", spec, tmp_path, now=now, period=period)
    points = ds.series(ID, "online_followers")
    assert len(points) == 3 * 24
    by_day_hour = {(o.end_time, dict(o.dimensions)["hour"]): o.value for o in points}
    assert by_day_hour[(dt.datetime(2026, 11, 11, 8, tzinfo=dt.UTC), "23")] == 2400
    text = _words(_render("defect_online_followers", spec, tmp_path, now=now, period=period))
    assert "When your followers are online" in text
    assert "Daily average" not in text and "daily average" not in text
    assert "Most followers were online at 23:00 (on average 2,400), then 22:00 and 21:00" in text
    assert "followers online in each hour: never added up over hours" in text


def test_online_followers_are_asked_as_meta_accepts_them() -> None:
    # period=lifetime and no metric_type (airbytehq/airbyte source-instagram; total_value and
    # the periods day and week are refused)
    spec = make_spec(ACME, account_metrics={"metrics": [], "time_series": ["online_followers"]})
    fetch_plan = plan(spec, catalogue.load(), parse_period("2026-11-01..2026-11-15"), None,
                      today=dt.date(2026, 11, 20))  # fmt: skip
    (call,) = [c for c in fetch_plan.units[0].calls if c.kind == "insights"]
    params = dict(call.request.params)
    assert params["period"] == "lifetime" and "metric_type" not in params


# 3. follows_and_unfollows: two counts, asked with their breakdown --------------------------


def test_follows_and_unfollows_are_asked_with_follow_type_and_shown_as_two_counts(
    tmp_path: Path,
) -> None:
    # the spec lists it without the breakdown: Meta answers no total so, the card was n/a
    spec = _spec(tmp_path, 'metrics = ["follows_and_unfollows"]')
    period, now = "2026-11-01..2026-11-15", "2026-11-20T12:00:00Z"
    page = _render("defect_follows_and_unfollows", spec, tmp_path, now=now, period=period)
    card = _card(page, "Follows and unfollows")
    assert "Follows 377, Unfollows 334, net +43" in card
    assert "711" not in _words(page) and "n/a" not in card


def test_follows_and_unfollows_is_never_asked_without_its_breakdown() -> None:
    spec = make_spec(ACME, account_metrics={"metrics": ["follows_and_unfollows", "reach"]})
    fetch_plan = plan(spec, catalogue.load(), parse_period("2026-11-01..2026-11-15"), None,
                      today=dt.date(2026, 11, 20))  # fmt: skip
    asked = {
        (call.metrics, call.breakdown)
        for call in fetch_plan.units[0].calls
        if call.kind == "insights"
    }
    assert asked == {(("reach",), None), (("follows_and_unfollows",), "follow_type")}


def test_the_follows_breakdown_says_follows_and_unfollows(tmp_path: Path) -> None:
    spec = _spec(
        tmp_path,
        'metrics = ["follows_and_unfollows"]\n'
        '[account_metrics.breakdowns]\nfollows_and_unfollows = ["follow_type"]',
    )
    period, now = "2026-11-01..2026-11-15", "2026-11-20T12:00:00Z"
    text = _words(_render("defect_follows_and_unfollows", spec, tmp_path, now=now, period=period))
    block = text[text.index("Breakdowns") :]
    assert "Follows 377" in block and "Unfollows 334" in block
    assert "Followers" not in block and "Non-followers" not in block


def test_the_validator_says_what_meta_needs_for_follows_and_unfollows(tmp_path: Path) -> None:
    spec = _spec(tmp_path, 'metrics = ["follows_and_unfollows"]')
    ran = run_cli(["validate", str(spec)])
    assert ran.status == 0, ran.output
    assert (
        'warning: account_metrics.metrics[0]: Meta answers "follows_and_unfollows" only with '
        'breakdown "follow_type" (without it there is no total); it is fetched with it and '
        "shown as its parts"
    ) in ran.output
    assert 'add follows_and_unfollows = ["follow_type"] to account_metrics.breakdowns' in (
        ran.output
    )


# 4. Days: windows that fit the cap and count every Meta day --------------------------------

CARDS = 'metrics = ["reach", "accounts_engaged", "views"]'


def test_a_pacific_november_is_one_window_and_every_card_covers_all_30_days(
    tmp_path: Path,
) -> None:
    # 1 November is 25 hours long: the month is one hour more than Meta's 2,592,000 s cap,
    # and reach and accounts engaged covered "29 of 30 days"
    spec = _spec(tmp_path, CARDS, timezone="America/Los_Angeles")
    now = "2026-12-05T12:00:00Z"
    _, ds = _fetch("defect_days", spec, tmp_path, now=now, period="2026-11")
    windows = {(o.since, o.until) for o in ds.observations if o.since}
    assert windows == {
        (dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC))
    }
    assert ds.meta_days() == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    page = _render("defect_days", spec, tmp_path, now=now, period="2026-11")
    assert "of 30 days" not in _words(page)
    assert _card(page, "Accounts reached").split()[2] == "5,120"


def test_a_31_day_month_says_which_30_days_a_unique_count_covers(tmp_path: Path) -> None:
    # 31 days' ends alone span 30 days: a unique count covers 30 of them, and says so; views
    # (additive) are the sum of both windows
    spec = _spec(tmp_path, CARDS)
    now = "2026-11-05T12:00:00Z"
    page = _render("defect_days", spec, tmp_path, now=now, period="2026-10")
    assert "1 – 30 Oct only (30 of 31 days)" in _card(page, "Accounts reached")
    assert "1 – 30 Oct only (30 of 31 days)" in _card(page, "Accounts engaged")
    assert "of 31 days" not in _card(page, "Views")


# 5. Shapes: points outside the window, unreadable rows, stories without a product type ------


SHAPES = (
    'metrics = ["reach"]\ntime_series = ["reach"]\n'
    '[account_metrics.breakdowns]\nreach = ["follow_type"]'
)


def _shapes(tmp: Path) -> Dataset:
    spec = _spec(tmp, SHAPES, extra='[media]\nproduct_types = ["STORY"]\ntop = 0')
    now, period = "2026-11-16T12:00:00Z", "2026-11-01..2026-11-15"
    return _fetch("defect_shapes", spec, tmp, now=now, period=period)[1]


def test_series_points_outside_the_window_are_dropped(tmp_path: Path) -> None:
    # 31 October's point ends at the window's since: Meta counts (since, until]
    assert [o.value for o in _shapes(tmp_path).series(ID, "reach")] == [410, 388]


def test_a_breakdown_row_without_its_labels_is_recorded_not_lost(tmp_path: Path) -> None:
    ds = _shapes(tmp_path)
    gap = ds.reason_unavailable(ID, "reach")
    assert gap is not None and gap.kind == "malformed"
    assert gap.reason == (
        "Meta answered part of this breakdown in a form that cannot be read, left out: "
        "12 without the name of its part (0 of 1 names given)."
    )
    # the rest of the answer stands
    assert totals.account_total(ds, "reach", additive=False).value == 700
    values, _ = totals.breakdown(ds.for_object(ID, "reach"), ["follow_type"], additive=False)
    assert values == {("FOLLOWER",): 420, ("NON_FOLLOWER",): 270}


def test_a_story_listed_without_media_product_type_is_a_story(tmp_path: Path) -> None:
    ds = _shapes(tmp_path)
    (story,) = ds.media
    assert (story.id, story.product_type) == (STORY, "STORY")
    assert ds.total(STORY, "views") == 212


def test_a_store_fetched_before_knows_which_totals_came_from_a_breakdown_call(
    tmp_path: Path,
) -> None:
    """Schema 5 kept no breakdown on its rows: migration 6 reads it back from the call's URL,
    so a month fetched before shows the plain call's total, not the sum of both."""
    import sqlite3

    from reporter.store.database import MIGRATIONS, Store

    path = tmp_path / "store.db"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:5]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 5")
    since, until = "2026-11-01T07:00:00+00:00", "2026-11-16T08:00:00+00:00"
    db.execute(
        "INSERT INTO units VALUES (?, '2026-11', '2026-11-01', '2026-11-15', ?, ?, 'v25.0', "
        "'UTC', 1, ?, ?, '[]')",
        (ID, since, until, until, until),
    )
    base = f"v25.0/{ID}/insights?metric=reach&period=day&metric_type=total_value"
    rows = [
        (base + "&since=1&until=2", "[]", 9.0),
        (base + "&breakdown=media_product_type&since=1&until=2", "[]", 224.0),
        (base + "&breakdown=media_product_type&since=1&until=2", '[["media_product_type", "POST"]]',
         124.0),
    ]  # fmt: skip
    for key, dims, value in rows:
        db.execute(
            "INSERT INTO observations VALUES (?, '2026-11', ?, ?, 'reach', 'day', ?, NULL, ?, ?, "
            "?, 'total_value')",
            (ID, key, ID, value, since, until, dims),
        )
    db.commit()
    db.close()
    with Store.open(path, write=False) as store:
        ds = store.load_dataset(ID, "2026-11")
    assert ds is not None
    assert sorted((o.value, o.breakdown) for o in ds.observations) == [
        (9.0, ""), (124.0, "media_product_type"), (224.0, "media_product_type")
    ]  # fmt: skip
    assert totals.account_total(ds, "reach", additive=False).value == 9
