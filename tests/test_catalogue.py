"""The catalogue is data: these checks keep it consistent, and its command shows it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from support.cli import run_cli

from reporter import catalogue

CAT = catalogue.load()
METRICS = sorted(CAT.metrics.values(), key=lambda m: m.key)


@pytest.mark.parametrize("metric", METRICS, ids=lambda m: m.key)
def test_metric_entry_is_consistent(metric: catalogue.Metric) -> None:
    assert metric.title and metric.description and metric.source
    assert metric.unit in {"count", "milliseconds", "percent"}
    assert set(metric.breakdowns) <= set(CAT.breakdowns)
    for name in metric.breakdowns:
        assert CAT.breakdowns[name].scope == metric.scope
    if metric.scope == "media":
        assert metric.product_types and set(metric.product_types) <= set(catalogue.PRODUCT_TYPES)
    if metric.status == "removed":
        assert metric.deprecated_in and metric.removed_on and metric.replacement
        replacement = CAT.get(metric.scope, metric.replacement)
        assert replacement is not None and replacement.status == "current"
    else:
        assert metric.removed_on is None
        if metric.scope == "account":
            assert metric.metric_types and set(metric.periods) <= {"day", "lifetime"}
    if metric.demographic:
        assert metric.timeframes and metric.timeframes_retired_in


@pytest.mark.parametrize("product_type", catalogue.PRODUCT_TYPES)
def test_default_media_metrics_are_current_metrics_of_their_type(product_type: str) -> None:
    defaults = CAT.media_defaults[product_type]
    assert defaults.fetch and 0 < len(defaults.table) <= 6
    for name in (*defaults.fetch, *defaults.table):
        metric = CAT.get("media", name)
        assert metric is not None and metric.status == "current", name
        assert product_type in metric.product_types, name
    for name in CAT.card_metrics:
        card = CAT.get("media", name)
        assert card is not None and card.status == "current", name


def test_facts_from_meta_docs() -> None:
    reach = CAT.get("account", "reach")
    assert reach is not None and not reach.additive
    assert set(reach.breakdowns) == {"media_product_type", "follow_type"}
    views = CAT.get("account", "views")
    # Meta's page says follower_type; the API lists and accepts only follow_type (clients/sm-crm)
    assert views is not None and "follow_type" in views.breakdowns
    assert "follower_type" not in CAT.breakdowns
    navigation = CAT.get("media", "navigation")
    assert navigation is not None and navigation.product_types == ("STORY",)
    impressions = CAT.get("account", "impressions")
    assert impressions is not None and impressions.replacement == "views"
    assert CAT.limits.max_range_days == 30 and CAT.limits.batch_size == 50


def test_version_tuple() -> None:
    assert catalogue.version_tuple("v22.0") == (22, 0)
    assert catalogue.version_tuple("v9.10") > catalogue.version_tuple("v9.2")
    with pytest.raises(ValueError):
        catalogue.version_tuple("latest")


def test_catalogue_command_lists_and_explains() -> None:
    listing = run_cli(["catalogue", "--scope", "media", "--current"])
    assert listing.exit_code == 0
    assert "navigation" in listing.output and "impressions" not in listing.output
    explained = run_cli(["catalogue", "impressions"])
    assert "use instead    views" in explained.output or "use instead   views" in explained.output
    as_json = json.loads(run_cli(["catalogue", "reach", "--format", "json"]).output)
    assert {m["scope"] for m in as_json} == {"account", "media"}
    unknown = run_cli(["catalogue", "reahc"])
    assert unknown.exit_code == 1
    assert "did you mean 'reach'?" in unknown.output


def test_every_cited_source_is_described() -> None:
    cited = {
        part.strip()
        for metric in CAT.metrics.values()
        for part in metric.source.split(",")
        if part.strip()
    }
    assert cited <= set(CAT.sources), sorted(cited - set(CAT.sources))


@pytest.mark.parametrize("name", ["profile_views", "website_clicks"])
def test_v21_removed_only_the_daily_series_of_profile_metrics(name: str) -> None:
    metric = CAT.get("account", name)
    assert metric is not None and metric.status == "current"
    assert metric.periods == ("day",) and not metric.removed_for("v26.0", dt.date(2026, 12, 2))
    # Meta's v21 changelog: the time series end in v21.0 and on every version from 2025-01-08
    assert metric.series_removed_for("v21.0", dt.date(2024, 12, 1))
    assert not metric.series_removed_for("v20.0", dt.date(2025, 1, 7))
    assert metric.series_removed_for("v20.0", dt.date(2025, 1, 8))


@pytest.mark.parametrize(
    "name", ["audience_city", "audience_country", "audience_gender_age", "audience_locale"]
)
def test_audience_metrics_end_on_metas_v18_date(name: str) -> None:
    metric = CAT.get("account", name)
    assert metric is not None and metric.deprecated_in == "v18.0"
    assert metric.removed_on == dt.date(2023, 12, 11)
    assert metric.replacement == "follower_demographics" and metric.confidence == "documented"


def test_reached_audience_demographics_is_a_demographic_like_engaged() -> None:
    reached = CAT.get("account", "reached_audience_demographics")
    engaged = CAT.get("account", "engaged_audience_demographics")
    assert reached is not None and engaged is not None and reached.demographic
    for attribute in ("breakdowns", "timeframes", "retired_timeframes", "timeframes_retired_in"):
        assert getattr(reached, attribute) == getattr(engaged, attribute), attribute


@pytest.mark.parametrize("name", ["get_directions_clicks", "get_direction_clicks"])
def test_both_spellings_of_the_directions_metric_name_their_replacement(name: str) -> None:
    metric = CAT.get("account", name)
    assert metric is not None and metric.status == "removed"
    assert metric.replacement == "profile_links_taps"


def test_metrics_meta_never_had_are_not_catalogued() -> None:
    # a Fivetran column name, never in Meta's accepted-metric lists
    assert CAT.named("video_photo_engagement") == []


def test_newer_meta_facts() -> None:
    assert CAT.latest_api_version == "v26.0"
    link_clicks = CAT.get("media", "link_clicks")  # changelog 2026-06-22: Facebook Login only
    assert link_clicks is not None and link_clicks.login == ("facebook",)
    for name in ("facebook_views", "crossposted_views"):
        metric = CAT.get("media", name)
        assert metric is not None and "2207086" in metric.caveat
    crossposted = CAT.get("media", "crossposted_views")
    assert crossposted is not None and crossposted.product_types == ("REELS",)


def test_a_name_close_only_to_a_removed_metric_suggests_its_replacement() -> None:
    assert CAT.suggest("media", "video_photo_engagement") == "total_interactions"
    assert CAT.suggest("account", "audience_citys") == "follower_demographics"
    assert CAT.suggest("account", "reahc") == "reach"
    assert CAT.suggest("media", "zzzz") is None


def test_catalogue_command_shows_a_removed_time_series() -> None:
    text = run_cli(["catalogue", "website_clicks"]).output
    removed = "time series removed  in v21.0; on every version from 2025-01-08 (the total stays)"
    assert removed in text
    as_json = json.loads(run_cli(["catalogue", "website_clicks", "--format", "json"]).output)
    assert as_json[0]["series_removed_on"] == "2025-01-08" and as_json[0]["status"] == "current"


@pytest.mark.parametrize("name", ["engaged_audience_demographics", "reached_audience_demographics"])
def test_long_timeframes_end_on_every_version_on_metas_v20_date(name: str) -> None:
    metric = CAT.get("account", name)
    assert metric is not None
    assert metric.timeframe_refused("last_90_days", "v20.0", dt.date(2024, 6, 1))
    assert not metric.timeframe_refused("last_90_days", "v19.0", dt.date(2024, 8, 18))
    assert metric.timeframe_refused("last_90_days", "v19.0", dt.date(2024, 8, 19))
    assert metric.accepts_timeframe("this_month", "v19.0", dt.date(2026, 12, 2))
