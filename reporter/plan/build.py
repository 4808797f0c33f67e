"""Spec + catalogue + period → the Graph API calls a fetch makes (pure: nothing is sent).

One ``Unit`` is one account over one period and becomes one ``Dataset``; the comparison period is
a second unit planned the same way (and, once closed, served from the store next month).

- Account insights are asked for the Pacific days with the period's dates (Meta's day ends at
  midnight Pacific time and Meta counts the days whose end lies in (since, until]): October is
  Pacific 1-31 October whatever the spec's timezone; media are listed by publish time in the
  spec's timezone. The dataset says which Pacific days its figures cover (``meta_days``).
- Account insights: metrics sharing (period, metric_type, breakdown, window) go in one call, one
  breakdown per call; windows are at most ``max_range_days`` long (Meta: "There cannot be more
  than 30 days (2592000 s) between since and until"). A non-additive total such as reach over a
  31-day month is two windows: both are kept, never summed.
- Metrics with a short horizon (``history_days``: follower_count) are clipped to it; a window
  wholly outside it is planned as unavailable instead of asked for.
- Media: the listing of the period (``since``/``until`` on ``/media``, 100 a page); then, per
  listed media, one insights request per (product type, breakdown), sent in Graph batches of up to
  50 for Facebook-login accounts and one by one for Instagram-login accounts (batching on
  graph.instagram.com is undocumented).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal
from zoneinfo import ZoneInfo

from reporter.catalogue import Catalogue
from reporter.dataset import META_TIMEZONE, Unavailable
from reporter.graph.build import (
    Request,
    make_edge_request,
    make_insights_request,
    make_profile_request,
)
from reporter.periods import Period, report_periods, today_in
from reporter.plan.requirements import fetch_spec
from reporter.spec.models import Account, Spec

CallKind = Literal["profile", "insights", "demographics", "media_list", "stories"]
Role = Literal["report", "comparison", "day"]

PROFILE_FIELDS = (
    "id",
    "username",
    "name",
    "biography",
    "website",
    "followers_count",
    "follows_count",
    "media_count",
    "profile_picture_url",
)
MEDIA_FIELDS = (
    "id,media_type,media_product_type,timestamp,permalink,caption,media_url,thumbnail_url,"
    "like_count,comments_count,children{id}"
)
STORY_FIELDS = "id,media_type,media_product_type,timestamp,permalink,media_url,thumbnail_url"


@dataclass(frozen=True)
class Window:
    """A span Meta is asked about, in UTC; both ends as sent (Unix seconds)."""

    since: dt.datetime
    until: dt.datetime


@dataclass(frozen=True)
class Call:
    kind: CallKind
    request: Request
    metrics: tuple[str, ...] = ()
    metric_type: str | None = None
    breakdown: str | None = None
    window: Window | None = None

    @property
    def key(self) -> str:
        return self.request.relative_url


@dataclass(frozen=True)
class MediaQuery:
    """Insights asked for each listed media of one product type."""

    product_type: str
    metrics: tuple[str, ...]
    breakdown: str | None = None

    def request(self, version: str, media_id: str) -> Request:
        extra = {"breakdown": self.breakdown} if self.breakdown else {}
        return make_insights_request(version, media_id, self.metrics, **extra)


@dataclass(frozen=True)
class SavedAudience:
    """Where a past period's demographics come from. Meta answers them only for the last 30 (or
    7) days before the call, so a call now would give another period's; `reporter collect` asks
    for them every day, and its units of the period's last days hold the ones to show."""

    units: tuple[str, ...]  # the day units to look in, the period's last day first
    metrics: tuple[str, ...]
    days: int  # the days before the call each answer covers (30 for this_month, 7 for this_week)


@dataclass(frozen=True)
class Unit:
    account: Account
    period: Period
    role: Role
    version: str
    timezone: str
    window: Window
    calls: tuple[Call, ...]
    media_queries: tuple[MediaQuery, ...] = ()
    skipped: tuple[Unavailable, ...] = ()
    saved_audience: SavedAudience | None = None  # a past period's demographics, from the store

    @property
    def batched(self) -> bool:
        return self.account.login == "facebook"

    @property
    def label(self) -> str:
        return self.period.label if self.role != "day" else f"day:{self.period.since}"


@dataclass(frozen=True)
class FetchPlan:
    units: tuple[Unit, ...]
    batch_size: int
    media_page_max: int


def window_of(period: Period, timezone: str) -> Window:
    zone = ZoneInfo(timezone)
    start = dt.datetime.combine(period.since, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(period.until + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return Window(start.astimezone(dt.UTC), end.astimezone(dt.UTC))


def chunks(period: Period, timezone: str, max_days: int) -> list[Window]:
    """Windows of at most ``max_days`` × 24 h that together count each day of ``period`` (days
    in ``timezone``) once.

    Meta counts a day when its end lies in (since, until] (the account-insights model the
    dataset and the sandbox share), so a window need not start at its first day's midnight: it
    may start as late as ``until - max_days``, as long as that is before the first day ends. A
    30-day month one hour longer than the cap (November in Pacific time, which leaves summer
    time on its first Sunday) is then one window of exactly 30 days, not 29 days and 1; 31 days
    never fit, since their ends alone span 30 days (but March's 23-hour day makes them fit).
    """
    zone = ZoneInfo(timezone)
    limit = dt.timedelta(days=max_days)
    one = dt.timedelta(days=1)

    def end(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day + one, dt.time(), tzinfo=zone).astimezone(dt.UTC)

    out: list[Window] = []
    day = period.since
    while day <= period.until:
        last = day
        while last < period.until and end(last + one) - end(day) < limit:
            last += one
        until = end(last)
        out.append(Window(max(end(day - one), until - limit), until))
        day = last + one
    return out


def _unix(when: dt.datetime) -> str:
    return str(int(when.timestamp()))


def plan_report(spec: Spec, cat: Catalogue, period_text: str | None, now: dt.datetime) -> FetchPlan:
    """The fetch a command makes for ``spec``: its period (``--period``, else its timeframe)
    and comparison resolved once, on today in the spec's timezone."""
    period, compare = report_periods(
        spec.report, period_text, now, history_years=cat.limits.history_years
    )
    return plan(spec, cat, period, compare, today=today_in(spec.report.timezone, now))


def plan(
    spec: Spec,
    cat: Catalogue,
    period: Period,
    comparison: Period | None,
    *,
    today: dt.date,
) -> FetchPlan:
    """The fetch of ``period`` (and ``comparison``) for every account of ``spec``."""
    spec = fetch_spec(spec, cat)
    units: list[Unit] = []
    for account in spec.accounts:
        units.append(_unit(spec, cat, account, period, "report", today))
        if comparison is not None:
            units.append(_unit(spec, cat, account, comparison, "comparison", today))
    return FetchPlan(tuple(units), cat.limits.batch_size, cat.limits.media_page_max)


def plan_collect(spec: Spec, cat: Catalogue, *, today: dt.date, overlap_days: int = 0) -> FetchPlan:
    """The daily cron job: live stories (and their insights), plus yesterday's account metrics,
    and the ``overlap_days`` days before it again (Meta revises them for up to 48 h; a day whose
    stored answer is final is served from the store)."""
    spec = fetch_spec(spec, cat)
    units = []
    for back in range(1, overlap_days + 2):
        day = Period(today - dt.timedelta(days=back), today - dt.timedelta(days=back))
        for account in spec.accounts:
            unit = _unit(spec, cat, account, day, "day", today, with_audience=back == 1)
            if back > 1:  # live stories once per run, with yesterday's unit
                unit = replace(unit, calls=tuple(c for c in unit.calls if c.kind != "stories"))
            units.append(unit)
    return FetchPlan(tuple(units), cat.limits.batch_size, cat.limits.media_page_max)


def _unit(
    spec: Spec,
    cat: Catalogue,
    account: Account,
    period: Period,
    role: Role,
    today: dt.date,
    *,
    with_audience: bool = False,
) -> Unit:
    """``with_audience``: a day unit of `collect` asks for the demographics of the 30 days
    before now too, which the report of a month gone by shows (``SavedAudience``)."""
    version = spec.report.api_version
    tz = spec.report.timezone
    window = window_of(period, tz)
    calls = [Call("profile", make_profile_request(version, account.id, PROFILE_FIELDS))]
    insight_calls, skipped = _account_insights(spec, cat, account, period, today)
    calls += insight_calls
    saved = None
    if spec.audience is not None and (role == "report" or (role == "day" and with_audience)):
        fresh = dt.timedelta(days=cat.limits.demographics_fresh_days)
        if role == "day" or today <= period.until + fresh:
            calls += _demographics(spec, cat, account)
        else:
            saved = _saved_audience(spec, period, cat.limits.demographics_fresh_days)
    media = spec.media
    queries: tuple[MediaQuery, ...] = ()
    if media is not None:
        if role != "day" and any(p != "STORY" for p in media.product_types):
            listing = make_edge_request(
                version,
                account.id,
                "media",
                fields=MEDIA_FIELDS,
                since=_unix(window.since),
                until=_unix(window.until - dt.timedelta(seconds=1)),
                limit=str(cat.limits.media_page_max),
            )
            calls.append(Call("media_list", listing, window=window))
        live = period.until >= today - dt.timedelta(days=1)
        if "STORY" in media.product_types and (role == "day" or (role == "report" and live)):
            stories = make_edge_request(version, account.id, "stories", fields=STORY_FIELDS)
            calls.append(Call("stories", stories))
        queries = media_queries(spec, cat, account)
    return Unit(account, period, role, version, tz, window, tuple(calls), queries, skipped, saved)


def _saved_audience(spec: Spec, period: Period, days: int) -> SavedAudience:
    audience = spec.audience
    assert audience is not None
    last = [period.until - dt.timedelta(days=back) for back in range(days)]
    span = 7 if audience.timeframe == "this_week" else 30
    return SavedAudience(tuple(f"day:{d}" for d in last), tuple(audience.metrics), span)


def media_queries(spec: Spec, cat: Catalogue, account: Account) -> tuple[MediaQuery, ...]:
    media = spec.media
    if media is None:
        return ()
    out: list[MediaQuery] = []
    for product in media.product_types:
        metrics = list(media.metrics.get(product) or cat.default_media_metrics(product))
        by_breakdown: dict[str, list[str]] = {}
        for metric in metrics:
            for breakdown in media.breakdowns.get(metric, []):
                known = cat.get("media", metric)
                if known is None or breakdown in known.breakdowns:
                    by_breakdown.setdefault(breakdown, []).append(metric)
        broken_down = {m for names in by_breakdown.values() for m in names}
        plain = tuple(m for m in metrics if m not in broken_down)
        if plain:
            out.append(MediaQuery(product, plain))
        for breakdown, names in by_breakdown.items():
            out.append(MediaQuery(product, tuple(names), breakdown))
    return tuple(out)


def _account_insights(
    spec: Spec, cat: Catalogue, account: Account, period: Period, today: dt.date
) -> tuple[list[Call], tuple[Unavailable, ...]]:
    wanted = spec.account_metrics
    asks: list[tuple[str, str, str | None]] = []  # (metric, metric_type, breakdown)
    for name in wanted.metrics:
        # follows_and_unfollows: Meta gives no total without its breakdown, only the parts
        known = cat.get("account", name)
        asks.append((name, "total_value", known.required_breakdown if known else None))
    asks += [(m, "total_value", b) for m, bs in wanted.breakdowns.items() for b in bs]
    asks += [(m, "time_series", None) for m in wanted.time_series]
    max_days = cat.limits.max_range_days
    groups: dict[tuple[str, str, str | None, Window], list[str]] = {}
    skipped: list[Unavailable] = []
    for metric_name, metric_type, breakdown in dict.fromkeys(asks):
        metric = cat.get("account", metric_name)
        if metric is not None and metric.demographic:
            continue
        span = period
        if metric is not None and metric.history_days is not None:
            oldest = today - dt.timedelta(days=metric.history_days - 1)
            last = min(period.until, today - dt.timedelta(days=1))
            if last < max(period.since, oldest):
                skipped.append(
                    Unavailable(
                        account.id,
                        metric_name,
                        f"Meta keeps this figure for the last {metric.history_days} days "
                        "only; this period is older.",
                        kind="history",
                    )
                )
                continue
            span = Period(max(period.since, oldest), last)
        meta_period = metric.periods[0] if metric is not None and metric.periods else "day"
        # Meta's days are Pacific days: ask for the Pacific days with the period's dates, not
        # for the spec's local midnights (for Berlin those count 30 Sep..30 Oct as "October")
        for window in chunks(span, META_TIMEZONE, max_days):
            key = (meta_period, metric_type, breakdown, window)
            groups.setdefault(key, []).append(metric_name)
    calls = []
    for (meta_period, metric_type, breakdown, window), names in groups.items():
        params = {"period": meta_period, "metric_type": _metric_type_param(cat, names, metric_type)}
        if breakdown:
            params["breakdown"] = breakdown
        params |= {"since": _unix(window.since), "until": _unix(window.until)}
        request = make_insights_request(spec.report.api_version, account.id, names, **params)
        calls.append(Call("insights", request, tuple(names), metric_type, breakdown, window))
    return calls, tuple(skipped)


def _metric_type_param(cat: Catalogue, names: Sequence[str], metric_type: str) -> str:
    """``metric_type`` as sent; none for hourly metrics: public clients ask online_followers
    with period=lifetime alone, and a 2026 production note records total_value refused for it
    (airbytehq/airbyte source-instagram sends period=lifetime with since/until)."""
    hourly = [m for n in names if (m := cat.get("account", n)) is not None and m.hourly]
    return "" if hourly else metric_type


def _demographics(spec: Spec, cat: Catalogue, account: Account) -> list[Call]:
    audience = spec.audience
    assert audience is not None
    calls = []
    for breakdown in audience.breakdowns:
        params = {"period": "lifetime", "metric_type": "total_value", "breakdown": breakdown}
        if audience.timeframe:
            params["timeframe"] = audience.timeframe
        names = tuple(audience.metrics)
        request = make_insights_request(spec.report.api_version, account.id, names, **params)
        calls.append(Call("demographics", request, names, "total_value", breakdown))
    return calls


def media_requests(unit: Unit, media: Sequence[tuple[str, str]]) -> list[tuple[MediaQuery, str]]:
    """(query, media id) for each listed (media id, product type) the unit asks insights for."""
    return [
        (query, media_id)
        for media_id, product in media
        for query in unit.media_queries
        if query.product_type == product
    ]
