"""The spec the fetcher sees: derived names replaced by the catalogue metrics they need.

A report lists ``engagement_rate``; Meta knows no such metric, so the planner is given a copy of
the spec that asks for ``total_interactions`` and ``reach`` instead (plus breakdowns and media
metrics for aggregates). The renderer keeps the user's spec.
"""

from __future__ import annotations

from collections.abc import Iterator

from reporter.catalogue import Catalogue
from reporter.derived import Definition, definitions
from reporter.derived.resolve import Resolver
from reporter.spec.models import Media, Spec


def used_names(spec: Spec) -> Iterator[str]:
    """Every metric name the spec shows or targets (derived or not)."""
    yield from spec.account_metrics.metrics
    yield from spec.goals
    if spec.media is not None:
        yield spec.media.rank_by
        for names in spec.media.metrics.values():
            yield from names


def fetch_spec(spec: Spec, catalogue: Catalogue) -> Spec:
    """``spec`` with derived names dropped from what is fetched and their inputs added."""
    defs = definitions(spec)
    used = [n for n in dict.fromkeys(used_names(spec)) if n in defs]
    goals = [n for n in spec.goals if n not in defs and catalogue.get("account", n) is not None]
    if not used and not goals:
        return spec
    needs = Resolver(defs, catalogue).needs(used)
    section = spec.account_metrics
    metrics = [m for m in section.metrics if m not in defs]
    series = list(section.time_series)
    for name in [*goals, *sorted(needs.account)]:
        metric = catalogue.get("account", name)
        if metric is None:
            continue
        target = metrics if "total_value" in metric.metric_types else series
        if name not in target:
            target.append(name)
    breakdowns = {k: list(v) for k, v in section.breakdowns.items()}
    for name, key in sorted(needs.account_breakdowns):
        wanted = breakdowns.setdefault(name, [])
        if key not in wanted:
            wanted.append(key)
    account_metrics = section.model_copy(
        update={"metrics": metrics, "time_series": series, "breakdowns": breakdowns}
    )
    update: dict[str, object] = {"account_metrics": account_metrics}
    if spec.media is not None:
        update["media"] = _media(spec.media, defs, needs.media, needs.media_breakdowns, catalogue)
    return spec.model_copy(update=update)


def _media(
    media: Media,
    defs: dict[str, Definition],
    wanted: set[tuple[str, str | None]],
    wanted_breakdowns: set[tuple[str, str]],
    catalogue: Catalogue,
) -> Media:
    by_type: dict[str, list[str]] = {}
    for product in media.product_types:
        listed = media.metrics.get(product)
        names = [m for m in (listed or catalogue.default_media_metrics(product)) if m not in defs]
        for name, only in sorted(wanted, key=lambda w: (w[0], w[1] or "")):
            metric = catalogue.get("media", name)
            if metric is None or product not in metric.product_types:
                continue
            if only in (None, product) and name not in names:
                names.append(name)
        by_type[product] = names
    breakdowns = {k: list(v) for k, v in media.breakdowns.items()}
    for name, key in sorted(wanted_breakdowns):
        keys = breakdowns.setdefault(name, [])
        if key not in keys:
            keys.append(key)
    return media.model_copy(update={"metrics": by_type, "breakdowns": breakdowns})
