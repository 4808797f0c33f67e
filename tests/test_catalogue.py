"""The catalogue is data: these checks keep it consistent, and its command shows it."""

from __future__ import annotations

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
    assert views is not None and "follower_type" in views.breakdowns
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
