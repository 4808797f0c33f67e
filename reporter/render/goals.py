"""Goals: each target of ``[goals]`` against the period's value, with the share reached.

Counts accumulate over the period, so a count goal of a period still running is on track when
the share reached keeps pace with the share of days elapsed; rates, averages and durations do
not accumulate and are on track when they meet the target. Every goal reads "higher is better".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from reporter.spec.check_derived import goal_target

if TYPE_CHECKING:
    from reporter.render.context import Inputs

Status = Literal["reached", "on_track", "behind", "missed", "unknown"]
STATUS_TEXT = {
    "reached": "reached",
    "on_track": "on track",
    "behind": "behind",
    "missed": "not reached",
    "unknown": "n/a",
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
    shown_target = fmt.value(target, unit)
    total = inputs.account_total(inputs.current, name)
    if total.value is None:
        return Goal(name, title, "n/a", shown_target, "n/a", "unknown", "n/a", 0.0,
                    note=total.reason or "")  # fmt: skip
    share = total.value / target if target else None
    ds = inputs.current
    days = (ds.until - ds.since).days + 1
    elapsed = min(days, max(0, (fmt.local(ds.fetched_at).date() - ds.since).days))
    note = ""
    if share is None:
        status: Status = "reached"
    elif share >= 1:
        status = "reached"
    elif elapsed >= days:
        status = "missed"
    elif unit == "count" and elapsed:
        pace = elapsed / days
        status = "on_track" if share >= pace else "behind"
        note = f"{elapsed} of {days} days elapsed ({fmt.percent(pace)} of the period)"
    else:
        status = "behind"
    return Goal(
        metric=name,
        title=title,
        value=fmt.value(total.value, unit),
        target=shown_target,
        reached=fmt.percent(share) if share is not None else "n/a",
        status=status,
        status_text=STATUS_TEXT[status],
        bar=max(0.0, min(1.0, share if share is not None else 1.0)),
        note=note,
    )
