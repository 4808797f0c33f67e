"""Data-quality holds: the reasons a fetched report should not go out unattended.

``holds`` is pure: the spec's ``[quality]`` rules, the report's datasets and what the fetch said
about the token in, one line per broken rule out. The run feeds the lines to ``gate.decide`` as
``report_holds``; a held report is not archived, so a later run fetches again and sends it once
the problem is gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from reporter.catalogue import Catalogue
from reporter.dataset import META_TIMEZONE, Dataset
from reporter.spec.models import Spec

_UTC_FORMAT = "%Y-%m-%d %H:%M UTC"


def holds(
    spec: Spec,
    current: Dataset,
    previous: Dataset | None,
    *,
    catalogue: Catalogue,
    token_problem: str | None = None,
    incomplete: Sequence[str] = (),
) -> list[str]:
    """One line per rule of ``spec.quality`` the report breaks (none: it may be sent).

    ``incomplete``: the fetch's lines for calls that got no usable answer after the retries;
    such a report is always held (no rule turns that off): a rerun fetches the rest. The other
    rules are not judged on a part of the data (its gaps and changes would be false alarms)."""
    rules = spec.quality
    found: list[str] = [incomplete_reason(line) for line in incomplete]
    if rules.hold_on_token_failure and token_problem:
        found.append(token_reason(token_problem))
    if found and incomplete:
        return found
    found += _unavailable(spec, current, rules.max_unavailable_percent)
    if previous is not None and spec.media is not None:
        found += _no_media(current, previous, rules.min_previous_media)
    if previous is not None and rules.max_change_percent > 0:
        found += _changes(spec, current, previous, catalogue, rules.max_change_percent)
    if rules.wait_for_settling:
        found += _settling(current, catalogue.limits.settle_hours)
    return found


def token_reason(problem: str) -> str:
    return f"token failed: {problem}"


def incomplete_reason(problem: str) -> str:
    return f"data incomplete: {problem}"


def _unavailable(spec: Spec, ds: Dataset, limit: float) -> list[str]:
    found = _share_line("account metrics", _account_gaps(spec, ds), limit)
    return found + _share_line("media metrics", _media_gaps(spec, ds), limit)


def _account_gaps(spec: Spec, ds: Dataset) -> dict[str, bool]:
    """Each requested account metric: unavailable or not."""
    requested = dict.fromkeys(spec.account_metrics.metrics)
    return {m: ds.reason_unavailable(ds.account.id, m) is not None for m in requested}


def _media_gaps(spec: Spec, ds: Dataset) -> dict[str, bool]:
    """Each requested media metric of a product type the period has posts of: unavailable when
    not one of those posts has a value for it (a metric Meta refuses or removed, not the usual
    story under 5 viewers)."""
    if spec.media is None:
        return {}
    answered = {(o.object_id, o.metric) for o in ds.observations}
    gaps: dict[str, bool] = {}
    for product_type, metrics in spec.media.metrics.items():
        posts = [m.id for m in ds.media if m.product_type == product_type]
        if not posts:
            continue
        for metric in dict.fromkeys(metrics):
            label = f"{product_type} {metric}"
            gaps[label] = not any((post, metric) in answered for post in posts)
    return gaps


def _share_line(what: str, gaps: dict[str, bool], limit: float) -> list[str]:
    if not gaps:
        return []
    gone = [name for name, missing in gaps.items() if missing]
    share = 100 * len(gone) / len(gaps)
    if share <= limit:
        return []
    return [
        f"{len(gone)} of {len(gaps)} requested {what} unavailable "
        f"({share:.0f}%, more than {limit:g}%): {', '.join(gone)}"
    ]


def _no_media(current: Dataset, previous: Dataset, many: int) -> list[str]:
    if many <= 0 or current.media or len(previous.media) < many:
        return []
    return [
        f"no media at all in the period, but {len(previous.media)} in the comparison period: "
        "check the account and its token's permissions"
    ]


def _changes(
    spec: Spec, current: Dataset, previous: Dataset, catalogue: Catalogue, limit: float
) -> list[str]:
    from reporter.dataset.totals import account_total

    found: list[str] = []
    for name in dict.fromkeys(spec.account_metrics.metrics):
        metric = catalogue.get("account", name)
        additive = metric.additive if metric is not None else False
        now = account_total(current, name, additive=additive).value
        before = account_total(previous, name, additive=additive).value
        if now is None or before is None or before <= 0:
            continue
        change = 100 * (now - before) / before
        if abs(change) > limit:
            found.append(
                f"{name} moved {change:+.0f}% against the comparison period ({before:g} to "
                f"{now:g}; more than {limit:g}%): a possible data error, check it"
            )
    return found


def settled_at(ds: Dataset, settle_hours: int) -> dt.datetime:
    """When Meta's figures for the dataset's period stop changing: the later of the period's
    end in its timezone and the end of its last Pacific day, plus the settling delay."""
    local_end = dt.datetime.combine(ds.until + dt.timedelta(days=1), dt.time())
    ends = [local_end.replace(tzinfo=ZoneInfo(ds.timezone))]
    covered = ds.meta_days()
    if covered is not None:
        pacific_end = dt.datetime.combine(covered[1] + dt.timedelta(days=1), dt.time())
        ends.append(pacific_end.replace(tzinfo=ZoneInfo(META_TIMEZONE)))
    return max(ends).astimezone(dt.UTC) + dt.timedelta(hours=settle_hours)


def _settling(ds: Dataset, settle_hours: int) -> Sequence[str]:
    settled = settled_at(ds, settle_hours)
    if ds.fetched_at >= settled:
        return []
    fetched = ds.fetched_at.astimezone(dt.UTC).strftime(_UTC_FORMAT)
    return [
        f"fetched {fetched}, before Meta's {settle_hours}-hour settling window closed "
        f"{settled.strftime(_UTC_FORMAT)}: a run after then fetches the settled figures and "
        "sends it"
    ]
