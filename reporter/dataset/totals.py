"""Totals over the report period, honest about what Meta gave.

Meta caps a request at 30 days, so a 31-day month may arrive as two windows. Additive metrics
(views, interactions) are summed over disjoint windows; reach and other unique counts never are:
the longest window is shown with a label saying which days it covers (catalogue ``additive``).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reporter.dataset import Dataset, Dimensions, Observation
from reporter.words import N_

_DAY = dt.timedelta(days=1)
_NO_DATA = N_("Meta returned no value for this period.")


@dataclass(frozen=True)
class Coverage:
    """The UTC window(s) a total covers; ``days`` is None for lifetime media values."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    days: int | None = None


@dataclass(frozen=True)
class Total:
    value: float | None
    coverage: Coverage = Coverage()
    reason: str | None = None  # why value is None
    source: str = "window"  # window | series | parts | none


def _window(o: Observation) -> tuple[dt.datetime, dt.datetime] | None:
    return (o.since, o.until) if o.since is not None and o.until is not None else None


def _days(since: dt.datetime, until: dt.datetime) -> int:
    return max(1, round((until - since) / _DAY))


def pick_windows(
    observations: Sequence[Observation], additive: bool
) -> tuple[list[Observation], Coverage]:
    """The observations to aggregate, and what they cover.

    One window (or none: lifetime values): all of them. Several disjoint windows of an additive
    metric: all of them, covering their union. Otherwise: only the longest window (the earliest
    of equally long ones), since unique counts of two windows cannot be added.
    """
    groups: dict[tuple[dt.datetime, dt.datetime] | None, list[Observation]] = defaultdict(list)
    for o in observations:
        groups[_window(o)].append(o)
    windows = sorted((w for w in groups if w is not None), key=lambda w: w[0])
    if not windows:
        return list(observations), Coverage()
    if len(windows) == 1 or (additive and _disjoint(windows)):
        days = sum(_days(*w) for w in windows)
        chosen = [o for w in windows for o in groups[w]]
        return chosen, Coverage(windows[0][0], windows[-1][1], days)
    longest = max(windows, key=lambda w: (w[1] - w[0], -w[0].timestamp()))
    return groups[longest], Coverage(longest[0], longest[1], _days(*longest))


def _disjoint(windows: Sequence[tuple[dt.datetime, dt.datetime]]) -> bool:
    return all(a[1] <= b[0] for a, b in itertools.pairwise(windows))


def account_total(
    ds: Dataset, metric: str, *, additive: bool, window: Coverage | None = None
) -> Total:
    """The account's total of ``metric`` over the dataset's period, or None with the reason.
    With ``window``: over that one window only, when Meta answered for it (else as without)."""
    account = ds.account.id
    windows = window_totals(ds.for_object(account, metric))
    if window is not None:
        same = [o for o in windows if (o.since, o.until) == (window.since, window.until)]
        if same:
            return Total(sum(o.value for o in same), window)
    if windows:
        chosen, coverage = pick_windows(windows, additive)
        return Total(sum(o.value for o in chosen), coverage)
    gap = ds.reason_unavailable(account, metric)
    if gap is not None:
        return Total(None, reason=gap.reason, source="none")
    series = ds.series(account, metric)
    if series and additive:
        first, last = series[0].end_time, series[-1].end_time
        assert first is not None and last is not None
        coverage = Coverage(first - _DAY, last, len(series))
        return Total(sum(o.value for o in series), coverage, source="series")
    if series:
        return Total(
            None,
            reason=N_(
                "Meta gave only daily values; unique accounts of several days cannot be added."
            ),
            source="none",
        )
    return Total(None, reason=unavailable_reason(ds, account, metric), source="none")


def window_totals(observations: Iterable[Observation]) -> list[Observation]:
    """One total per window: the plain call's. A window asked for only with breakdowns (such
    as follows_and_unfollows, which Meta answers only so) keeps one breakdown call's total,
    never the sum of several: each is the same window counted once more."""
    by_window: dict[tuple[dt.datetime, dt.datetime] | None, list[Observation]] = defaultdict(list)
    for o in observations:
        if not o.dimensions and o.metric_type != "time_series":
            by_window[_window(o)].append(o)
    chosen: list[Observation] = []
    for found in by_window.values():
        plain = [o for o in found if not o.breakdown]
        if plain:
            chosen += plain
        else:
            chosen.append(min(found, key=lambda o: o.breakdown))
    return chosen


def breakdown_total(
    observations: Iterable[Observation], key: str, *, additive: bool
) -> float | None:
    """The total Meta answered with a ``key`` breakdown (its ``total_value.value``), over the
    same windows ``breakdown`` takes its rows from; None when Meta gave none."""
    tagged = [
        o
        for o in observations
        if o.breakdown == key and not o.dimensions and o.metric_type != "time_series"
    ]
    chosen, _ = pick_windows(tagged, additive)
    return sum(o.value for o in chosen) if chosen else None


def parts_total(
    ds: Dataset, metric: str, key: str, net: Sequence[str], *, additive: bool
) -> tuple[Total, dict[str, float]]:
    """A metric Meta answers only as parts (follows_and_unfollows: FOLLOWER follows and
    NON_FOLLOWER unfollows): the net change ``net[0] - net[1]`` and the parts, never their sum.
    """
    account = ds.account.id
    values, coverage = breakdown(ds.for_object(account, metric), [key], additive=additive)
    parts = {k[0]: v for k, v in values.items()}
    if not parts:
        return Total(None, reason=unavailable_reason(ds, account, metric), source="none"), {}
    gained, lost = net
    return Total(parts.get(gained, 0.0) - parts.get(lost, 0.0), coverage, source="parts"), parts


def unavailable_reason(ds: Dataset, object_id: str, metric: str) -> str:
    found = ds.reason_unavailable(object_id, metric)
    return found.reason if found else _NO_DATA


def breakdown(
    observations: Iterable[Observation], keys: Sequence[str], *, additive: bool
) -> tuple[dict[tuple[str, ...], float], Coverage]:
    """Values by the given dimension keys (other dimensions such as ``timeframe`` ignored).

    Only observations with exactly those keys (besides ``timeframe``) count, so a country
    breakdown is not mixed with an age × gender one.
    """
    wanted = set(keys)
    matching = [o for o in observations if _keys(o.dimensions) == wanted]
    chosen, coverage = pick_windows(matching, additive)
    values: dict[tuple[str, ...], float] = defaultdict(float)
    for o in chosen:
        dims = dict(o.dimensions)
        values[tuple(dims[k] for k in keys)] += o.value
    return dict(values), coverage


def _keys(dimensions: Dimensions) -> set[str]:
    return {k for k, _ in dimensions if k != "timeframe"}
