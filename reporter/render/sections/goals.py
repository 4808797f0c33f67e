"""Goals: each target of ``[goals]`` against the period's value, with the share reached.

Counts accumulate over the period, so a count goal of a period still running is on track when
the share reached keeps pace with the share of days elapsed; rates, averages and durations do
not accumulate and are on track when they meet the target. A ceiling ("at most 20%") turns it
round: it is kept while the value stays at or under the target (for a running count, while the
share used keeps within the share of days elapsed) and broken as soon as the value passes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from reporter.render.translations import N_
from reporter.spec.check_derived import goal_target

if TYPE_CHECKING:
    from reporter.render.inputs import Inputs

Status = Literal["reached", "kept", "on_track", "behind", "missed", "over", "unknown"]
STATUS_TEXT = {
    "reached": N_("reached"),
    "kept": N_("kept under"),
    "on_track": N_("on track"),
    "behind": N_("behind"),
    "missed": N_("not reached"),
    "over": N_("over the limit"),
    "unknown": N_("n/a"),
}


@dataclass(frozen=True)
class Goal:
    metric: str
    title: str
    value: str
    target: str
    reached: str  # "87.5%" of the target, or n/a
    status: Status
    status_text: str
    bar: float  # 0..1, for the progress bar
    note: str = ""  # why n/a, or the pace of a running period


def build(inputs: Inputs) -> tuple[Goal, ...]:
    return tuple(_goal(inputs, name, target) for name, target in inputs.spec.goals.items())


def _goal(inputs: Inputs, name: str, raw: float | str) -> Goal:
    fmt, unit = inputs.fmt, inputs.unit("account", name)
    title = inputs.title("account", name)
    target = goal_target(raw, unit)
    shown_target = ("≤ " if target.at_most else "") + fmt.value(target.value, unit)
    total = inputs.account_total(inputs.current, name)
    if total.value is None:
        na = fmt.na
        return Goal(name, title, na, shown_target, na, "unknown", na, 0.0,
                    note=fmt.reason(total.reason))  # fmt: skip
    share = total.value / target.value if target.value else None
    ds = inputs.current
    days = (ds.until - ds.since).days + 1
    elapsed = min(days, max(0, (fmt.local(ds.fetched_at).date() - ds.since).days))
    pace = elapsed / days
    running_count = unit == "count" and 0 < elapsed < days
    note = fmt.gettext("{elapsed} of {days} days elapsed ({share} of the period)").format(
        elapsed=elapsed, days=days, share=fmt.percent(pace)
    )
    if target.at_most:
        status = _ceiling(total.value, target.value, share, pace, running_count=running_count)
    else:
        status = _floor(share, pace, over=elapsed >= days, running_count=running_count)
    return Goal(
        metric=name,
        title=title,
        value=fmt.value(total.value, unit),
        target=shown_target,
        reached=fmt.percent(share) if share is not None else fmt.na,
        status=status,
        status_text=fmt.gettext(STATUS_TEXT[status]),
        bar=max(0.0, min(1.0, share if share is not None else 1.0)),
        note=note if running_count and status in ("on_track", "behind") else "",
    )


def _floor(share: float | None, pace: float, *, over: bool, running_count: bool) -> Status:
    """A target to reach: reached, or (period over) missed, or (running) on track or behind."""
    if share is None or share >= 1:
        return "reached"
    if over:
        return "missed"
    if running_count:
        return "on_track" if share >= pace else "behind"
    return "behind"


def _ceiling(
    value: float, limit: float, share: float | None, pace: float, *, running_count: bool
) -> Status:
    """A limit to keep under: over as soon as passed; a running count is on track while it
    uses no more of the limit than the share of days elapsed."""
    if value > limit:
        return "over"
    if running_count and share is not None:
        return "on_track" if share <= pace else "behind"
    return "kept"
