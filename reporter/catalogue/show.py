"""`reporter catalogue`: the catalogue as a table, one metric explained, or JSON for machines."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from reporter.catalogue import Catalogue, Metric, Scope


def _where(metric: Metric) -> str:
    if metric.scope == "media":
        return ", ".join(metric.product_types)
    return ", ".join(metric.metric_types) or "-"


def _status(metric: Metric) -> str:
    if metric.status == "removed":
        return f"removed {metric.deprecated_in or ''} → {metric.replacement or '?'}".strip()
    flags = [
        f
        for f, on in (("in development", metric.in_development), ("estimated", metric.estimated))
        if on
    ]
    return ", ".join(flags)


def table(catalogue: Catalogue, scope: Scope | None = None, *, removed: bool = True) -> str:
    rows = [("METRIC", "SCOPE", "FOR", "BREAKDOWNS", "STATUS")]
    for metric in sorted(
        catalogue.metrics.values(), key=lambda m: (m.scope, m.status != "current", m.name)
    ):
        if (scope and metric.scope != scope) or (not removed and metric.status != "current"):
            continue
        rows.append(
            (
                metric.name,
                metric.scope,
                _where(metric),
                ", ".join(metric.breakdowns) or "-",
                _status(metric),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1]
        for row in rows
    ).rstrip()


def explain(metric: Metric) -> str:
    lines = [f"{metric.name} ({metric.scope} metric): {metric.title}", "", metric.description, ""]
    facts: list[tuple[str, str]] = [("unit", metric.unit)]
    if metric.scope == "media":
        facts.append(("product types", ", ".join(metric.product_types)))
    else:
        facts.append(("periods", ", ".join(metric.periods)))
        facts.append(("metric types", ", ".join(metric.metric_types) or "-"))
    facts.append(("breakdowns", ", ".join(metric.breakdowns) or "none"))
    if metric.timeframes:
        facts.append(("timeframes", ", ".join(metric.timeframes)))
    if metric.retired_timeframes:
        facts.append(
            (f"refused from {metric.timeframes_retired_in}", ", ".join(metric.retired_timeframes))
        )
    facts.append(("summable", "yes" if metric.additive else "no (never add values up)"))
    if metric.min_followers:
        facts.append(("needs", f"at least {metric.min_followers} followers"))
    if metric.login != ("facebook", "instagram"):
        facts.append(("login", ", ".join(metric.login)))
    if metric.status == "removed":
        removed = f"in {metric.deprecated_in}" if metric.deprecated_in else ""
        if metric.removed_on:
            removed += f"; on every version from {metric.removed_on.isoformat()}"
        facts.append(("removed", removed.strip("; ")))
        facts.append(("use instead", metric.replacement or "-"))
    if metric.series_removed_in or metric.series_removed_on:
        series = f"in {metric.series_removed_in}" if metric.series_removed_in else ""
        if metric.series_removed_on:
            series += f"; on every version from {metric.series_removed_on.isoformat()}"
        facts.append(("time series removed", series.strip("; ") + " (the total stays)"))
    if metric.in_development:
        facts.append(("status", "in development (Meta)"))
    facts.append(("source", f"{metric.source} ({metric.confidence})"))
    width = max(len(k) for k, _ in facts)
    lines += [f"  {k.ljust(width)}  {v}" for k, v in facts]
    if metric.note:
        lines += ["", metric.note]
    return "\n".join(lines)


def as_json(metrics: list[Metric]) -> str:
    def encode(metric: Metric) -> dict[str, Any]:
        raw = asdict(metric)
        for key in ("removed_on", "series_removed_on"):
            day = getattr(metric, key)
            raw[key] = day.isoformat() if day else None
        return raw

    return json.dumps([encode(m) for m in metrics], indent=2, ensure_ascii=False)
