"""Data-quality holds: each rule fires alone on a dataset built to break it, with its one line;
the spec's `[quality]` settings move or switch off each threshold."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from support.render import MEDIA_METRICS, OCTOBER, SEPTEMBER, dataset, spec

from reporter import catalogue
from reporter.dataset import Dataset
from reporter.deliver.quality import holds, settled_at
from reporter.spec.models import Spec

SETTLED = dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)
CATALOGUE = catalogue.load()


def _settled(ds: Dataset) -> Dataset:
    return dataclasses.replace(ds, fetched_at=SETTLED)


def _holds(the_spec: Spec, current: Dataset, previous: Dataset | None, **kw: str) -> list[str]:
    return holds(the_spec, current, previous, catalogue=CATALOGUE, **kw)


def test_a_normal_month_is_not_held() -> None:
    assert _holds(spec(), _settled(dataset()), _settled(dataset(SEPTEMBER))) == []


def test_token_failure() -> None:
    found = _holds(spec(), _settled(dataset()), None, token_problem="Meta refused the token")
    assert found == ["token failed: Meta refused the token"]
    off = spec(quality={"hold_on_token_failure": False})
    assert _holds(off, _settled(dataset()), None, token_problem="Meta refused the token") == []


def test_too_many_unavailable_metrics() -> None:
    [line] = _holds(spec(), _settled(dataset(many_unavailable=True)), None)
    assert line.startswith("7 of 9 requested account metrics unavailable (78%, more than 30%): ")
    assert "reach" in line and "views" not in line.partition(": ")[2]
    lenient = spec(quality={"max_unavailable_percent": 80})
    assert _holds(lenient, _settled(dataset(many_unavailable=True)), None) == []


def test_a_media_metric_no_post_of_its_type_has() -> None:
    """Reels whose views and reach Meta refused for every reel: 2 of the spec's media metrics
    gone for every post of their type; a story under 5 viewers alone never counts."""
    ds = _settled(dataset())
    reels = {m.id for m in ds.media if m.product_type == "REELS"}
    refused = tuple(
        o for o in ds.observations if not (o.object_id in reels and o.metric in ("views", "reach"))
    )
    gappy = dataclasses.replace(ds, observations=refused)
    requested = sum(len(set(metrics)) for metrics in MEDIA_METRICS.values())
    strict = spec(quality={"max_unavailable_percent": 5})
    [line] = _holds(strict, gappy, None)
    assert line == (
        f"2 of {requested} requested media metrics unavailable "
        f"({100 * 2 / requested:.0f}%, more than 5%): REELS views, REELS reach"
    )
    assert _holds(strict, ds, None) == [], "the fixture's stories under 5 viewers do not count"
    assert _holds(spec(), gappy, None) == [], "2 of them is under the default 30%"


def test_no_media_after_a_busy_month() -> None:
    found = _holds(spec(), _settled(dataset(media_count=0)), _settled(dataset(SEPTEMBER)))
    assert found == [
        "no media at all in the period, but 40 in the comparison period: check the account and "
        "its token's permissions"
    ]
    quiet_before = _settled(dataset(SEPTEMBER, media_count=4))
    assert _holds(spec(), _settled(dataset(media_count=0)), quiet_before) == []
    off = spec(quality={"min_previous_media": 0})
    assert _holds(off, _settled(dataset(media_count=0)), _settled(dataset(SEPTEMBER))) == []


def test_a_kpi_moving_too_far() -> None:
    found = _holds(spec(), _settled(dataset(scale=3.0)), _settled(dataset(SEPTEMBER)))
    assert found and all("against the comparison period" in line for line in found)
    assert found[0].startswith("views moved +")
    assert found[0].endswith("more than 80%): a possible data error, check it")
    lenient = spec(quality={"max_change_percent": 0})
    assert _holds(lenient, _settled(dataset(scale=3.0)), _settled(dataset(SEPTEMBER))) == []


def test_fetched_before_meta_settled() -> None:
    early = dataclasses.replace(dataset(), fetched_at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))
    assert _holds(spec(), early, None) == [
        "fetched 2026-11-02 09:00 UTC, before Meta's 48-hour settling window closed "
        "2026-11-03 07:00 UTC: a run after then fetches the settled figures and sends it"
    ]
    assert _holds(spec(quality={"wait_for_settling": False}), early, None) == []


@pytest.mark.parametrize(
    ("timezone", "settled"),
    [
        # Pacific: October's last day ends 1 November 07:00 UTC (PDT), plus 48 hours.
        ("America/Los_Angeles", dt.datetime(2026, 11, 3, 7, 0, tzinfo=dt.UTC)),
        # Tokyo's October ends before Pacific's last day: the Pacific day is the later end.
        ("Asia/Tokyo", dt.datetime(2026, 11, 3, 7, 0, tzinfo=dt.UTC)),
    ],
)
def test_settled_at_is_the_later_end(timezone: str, settled: dt.datetime) -> None:
    ds = dataclasses.replace(dataset(OCTOBER), timezone=timezone)
    assert settled_at(ds, 48) == settled
