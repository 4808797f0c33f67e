"""What media and account insights share: reading ``metric``/``breakdown`` against the catalogue
with Meta's validation order, and the shape of one metric's entry.

Meta validates the whole request before answering: one invalid metric fails it all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from reporter.catalogue import Catalogue, Metric, Scope, version_tuple
from reporter.sandbox import errors


def split_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def offered(cat: Catalogue, scope: Scope, login: str, version: str, on: dt.date) -> list[str]:
    """The metric names Meta lists in its "metric[i] must be one of" error."""
    return [
        m.name for m in cat.in_scope(scope) if login in m.login and not m.removed_for(version, on)
    ]


def resolve_metrics(
    cat: Catalogue, scope: Scope, names: Sequence[str], login: str, version: str, on: dt.date
) -> list[Metric]:
    """The catalogue entries for ``names``, or the error Meta answers for the first bad one.

    A metric removed on every version (``removed_on`` passed) is simply gone from Meta's list,
    so it gets the "must be one of" error; one refused only from ``deprecated_in`` on gets the
    version wording.
    """
    if not names:
        raise errors.param_required("metric")
    found: list[Metric] = []
    for index, name in enumerate(names):
        metric = cat.get(scope, name)
        gone = metric is None or (metric.removed_on is not None and on >= metric.removed_on)
        if metric is None or gone or login not in metric.login:
            raise errors.metric_must_be_one_of(index, offered(cat, scope, login, version, on))
        if metric.deprecated_in and version_tuple(version) >= version_tuple(metric.deprecated_in):
            raise errors.metric_removed_in_version(name, version)
        found.append(metric)
    return found


def check_breakdowns(
    cat: Catalogue, scope: Scope, metrics: Sequence[Metric], breakdowns: Sequence[str]
) -> None:
    known = sorted(name for name, b in cat.breakdowns.items() if b.scope == scope)
    for index, name in enumerate(breakdowns):
        if name not in cat.breakdowns or cat.breakdowns[name].scope != scope:
            raise errors.GraphError(
                f"(#100) breakdown[{index}] must be one of the following values: "
                + ", ".join(known),
                code=100,
            )
    for metric in metrics:
        if any(b not in metric.breakdowns for b in breakdowns):
            raise errors.unknown_error()  # documented: "An unknown error has occurred."


def entry(
    metric: Metric,
    object_id: str,
    period: str,
    *,
    values: list[dict[str, Any]] | None = None,
    total: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One item of ``data``, keys in the order of Meta's samples."""
    item: dict[str, Any] = {"name": metric.name, "period": period}
    if values is not None:
        item["values"] = values
    item["title"] = metric.title
    item["description"] = metric.description
    if total is not None:
        item["total_value"] = total
    item["id"] = f"{object_id}/insights/{metric.name}/{period}"
    return item


def breakdown_block(
    keys: Sequence[str], results: Sequence[tuple[Sequence[str], int]]
) -> dict[str, Any]:
    return {
        "dimension_keys": list(keys),
        "results": [{"dimension_values": list(dims), "value": value} for dims, value in results],
    }


def ordered_parts(parts: Mapping[str, int], order: Sequence[str]) -> list[tuple[str, int]]:
    """Non-zero parts, largest first (Meta's samples), ties in catalogue order."""
    rank = {v: i for i, v in enumerate(order)}
    items = [(k, v) for k, v in parts.items() if v]
    return sorted(items, key=lambda kv: (-kv[1], rank.get(kv[0], len(rank)), kv[0]))
