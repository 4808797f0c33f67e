"""``GET /{ig-user-id}/insights`` (seed 003 and the reference's observed errors).

Days are Pacific calendar days; a day is in ``since``..``until`` when its ``end_time`` (midnight
Pacific, 07:00 or 08:00 UTC) lies in ``(since, until]``. Days that have not ended are not
available yet, days that ended within 48 h are still settling (lower values). Totals of additive
metrics are the sums of their days; unique counts (reach, accounts_engaged) are deduplicated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from reporter.catalogue import Metric
from reporter.sandbox import demographics, errors
from reporter.sandbox.accounts import Account
from reporter.sandbox.insights import (
    breakdown_block,
    check_breakdowns,
    entry,
    ordered_parts,
    resolve_metrics,
    split_list,
)
from reporter.sandbox.timefmt import day_end, meta_time, pacific_day, parse_time
from reporter.sandbox.values import Values, allocate
from reporter.sandbox.world import World

LinkMaker = Callable[[dict[str, str]], str]
TIMEFRAME_DAYS = {
    "this_week": 7,
    "this_month": 30,
    "last_14_days": 14,
    "last_30_days": 30,
    "last_90_days": 90,
    "prev_month": 30,
}


def account_insights(
    world: World,
    account: Account,
    params: Mapping[str, str],
    *,
    version: str,
    now: dt.datetime,
    login: str,
    link: LinkMaker,
) -> dict[str, Any]:
    cat = world.catalogue
    metrics = resolve_metrics(
        cat, "account", split_list(params.get("metric")), login, version, now.date()
    )
    period = _period(params, metrics)
    metric_type = _metric_type(params, metrics, version, now.date())
    breakdowns = split_list(params.get("breakdown")) if metric_type == "total_value" else []
    check_breakdowns(cat, "account", metrics, breakdowns)
    if len(breakdowns) > 1 and not all(m.demographic for m in metrics):
        raise errors.unknown_error()
    timeframe = params.get("timeframe")
    _check_timeframe(metrics, timeframe, version, now.date())
    since, until = _range(params, now, cat.limits.max_range_days)
    _check_account_limits(world, account, metrics, since, now)
    days = _days(since, until)
    data: list[dict[str, Any]] = []
    for metric in metrics:
        item: dict[str, Any] | None
        if metric.demographic:
            item = _demographic(world, account, metric, breakdowns, timeframe or "", now)
        else:
            item = _metric(world, account, metric, period, metric_type, breakdowns, days, now)
        if item is not None:
            data.append(item)
    if any(m.demographic for m in metrics):
        return {"data": data}
    span = until - since
    return {
        "data": data,
        "paging": {
            "previous": link(_window(params, since - span, since)),
            "next": link(_window(params, until, until + span)),
        },
    }


def _period(params: Mapping[str, str], metrics: list[Metric]) -> str:
    period = params.get("period")
    if not period:
        raise errors.param_required("period")
    for metric in metrics:
        if period not in metric.periods:
            raise errors.incompatible_period(metric.name, period)
    return period


def _metric_type(
    params: Mapping[str, str], metrics: list[Metric], version: str, on: dt.date
) -> str:
    metric_type = params.get("metric_type") or "time_series"
    if metric_type not in ("time_series", "total_value"):
        raise errors.invalid_param(
            "metric_type must be one of the following values: time_series, total_value"
        )
    # legacy metrics predate metric_type (empty in the catalogue): they take either
    if metric_type == "time_series":
        needing = [
            m.name
            for m in metrics
            if (m.metric_types and "time_series" not in m.metric_types)
            or m.series_removed_for(version, on)  # profile_views since v21.0
        ]
        if needing:
            raise errors.needs_total_value(needing)
    else:
        for metric in metrics:
            if metric.metric_types and "total_value" not in metric.metric_types:
                raise errors.incompatible_metric_type(metric.name, metric_type)
    return metric_type


def _check_timeframe(
    metrics: list[Metric], timeframe: str | None, version: str, on: dt.date
) -> None:
    """Demographic metrics need a timeframe their API version still accepts."""
    for metric in metrics:
        if metric.demographic:
            if not timeframe:
                raise errors.param_required("timeframe")
            if not metric.accepts_timeframe(timeframe, version, on):
                allowed = [
                    t
                    for t in metric.timeframes + metric.retired_timeframes
                    if metric.accepts_timeframe(t, version, on)
                ]
                raise errors.timeframe_not_allowed(allowed)


def _check_account_limits(
    world: World, account: Account, metrics: list[Metric], since: dt.datetime, now: dt.datetime
) -> None:
    """Metrics an account is too small for, and ranges older than a metric's history."""
    followers = world.followers_now(account, now)
    for metric in metrics:
        if followers < metric.min_followers:
            raise errors.too_few_followers(metric.name, metric.min_followers)
        if metric.history_days is not None:
            oldest = day_end(pacific_day(now) - dt.timedelta(days=metric.history_days + 1))
            if since < oldest:
                raise errors.history_limit(metric.name, metric.history_days)


def _range(params: Mapping[str, str], now: dt.datetime, max_days: int) -> tuple[dt.datetime, ...]:
    parsed = {}
    for key in ("since", "until"):
        text = params.get(key)
        if text:
            when = parse_time(text)
            if when is None:
                raise errors.invalid_param(f"The parameter {key} must be a valid unix timestamp")
            parsed[key] = when
    until = parsed.get("until", now)
    since = parsed.get("since", until - dt.timedelta(hours=24))
    if until - since > dt.timedelta(days=max_days):
        raise errors.range_too_long(max_days)
    return since, until


def _days(since: dt.datetime, until: dt.datetime) -> list[dt.date]:
    day = pacific_day(since) - dt.timedelta(days=1)
    found = []
    while day_end(day) <= until:
        if day_end(day) > since:
            found.append(day)
        day += dt.timedelta(days=1)
    return found


def _window(params: Mapping[str, str], since: dt.datetime, until: dt.datetime) -> dict[str, str]:
    out = {k: v for k, v in params.items() if k not in ("since", "until", "access_token")}
    out["since"] = str(int(since.timestamp()))
    out["until"] = str(int(until.timestamp()))
    return out


def _metric(
    world: World,
    account: Account,
    metric: Metric,
    period: str,
    metric_type: str,
    breakdowns: list[str],
    days: list[dt.date],
    now: dt.datetime,
) -> dict[str, Any] | None:
    available: list[tuple[dt.date, Values]] = []
    for day in days:
        values = world.day_values(account, day, now)
        if values is not None and day >= world.origin:
            available.append((day, values))
    if not available:
        return None  # documented: unavailable data is an empty set, not 0
    if metric_type == "time_series":
        series: list[dict[str, Any]] = []
        for day, values in available:
            value: Any = (
                world.online_followers(account, day)
                if metric.name == "online_followers"
                else values.get(metric.name)
            )
            series.append({"value": value, "end_time": meta_time(day_end(day))})
        return entry(metric, account.id, period, values=series)
    daily = [int(v.get(metric.name)) for _, v in available]
    total = sum(daily) if metric.additive else _unique(daily)
    if metric.name == "reach":  # unique accounts: never fewer than one of its items reached
        total = max(total, world.best_reach(account, [d for d, _ in available], now))
    block: dict[str, Any] = {"value": total}
    if metric.required_breakdown:
        # follows_and_unfollows: real answers carry no total (without the breakdown the item has
        # no total_value at all), only the breakdown's rows (reference; public clients' records;
        # tests/conformance/account_insights.json)
        if metric.required_breakdown not in breakdowns:
            return entry(metric, account.id, period)
        block = {}
    if breakdowns:
        name = breakdowns[0]
        summed: dict[str, int] = {}
        for _, values in available:
            for key, part in values.parts.get((metric.name, name), {}).items():
                summed[key] = summed.get(key, 0) + part
        parts = (
            summed if metric.additive else allocate(total, {k: float(v) for k, v in summed.items()})
        )
        order = world.catalogue.breakdowns[name].values
        results = [((k,), v) for k, v in ordered_parts(parts, order)]
        block["breakdowns"] = [breakdown_block([name], results)]
    return entry(metric, account.id, period, total=block)


def _unique(daily: list[int]) -> int:
    """Unique accounts over several days: more than the best day, less than the sum."""
    if not daily:
        return 0
    best = max(daily)
    return best + round(0.3 * (sum(daily) - best))


def _demographic(
    world: World,
    account: Account,
    metric: Metric,
    breakdowns: list[str],
    timeframe: str,
    now: dt.datetime,
) -> dict[str, Any]:
    cat = world.catalogue
    today = pacific_day(now)
    if metric.name == "follower_demographics":
        audience = round(world.followers_on(account, today) * 0.9)
    else:
        span = TIMEFRAME_DAYS.get(timeframe, 30)
        engaged = 0
        for back in range(1, span + 1):
            values = world.day_values(account, today - dt.timedelta(days=back), now)
            engaged += int(values.get("accounts_engaged")) if values else 0
        audience = round(engaged * 0.5)
    if not breakdowns:
        return entry(metric, account.id, "lifetime", total={"value": audience})
    values_of = {name: cat.breakdowns[name].values for name in breakdowns}
    found = demographics.results(
        world.seed,
        account.index,
        account.region,
        breakdowns,
        values_of,
        audience,
        f"{metric.name}|{timeframe}",
        cat.limits.demographics_top,
    )
    # the reference: demographic results carry the timeframe first, then the breakdown(s)
    results = [((timeframe.upper(), *dims), value) for dims, value in found]
    block = breakdown_block(["timeframe", *breakdowns], results)
    return entry(metric, account.id, "lifetime", total={"breakdowns": [block]})
