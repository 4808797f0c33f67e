"""A report's history from the store: for each of the months before the report's own, the
figures of that month's report, as archived (the exact data it was made from, with the follower
count it showed); the month just before may also come from this report's own comparison data.

Only reports archived by the time this one was first rendered count, so re-rendering a report
(from its archive) gives the same history, however many months were reported since; a month
with no such report is a gap."""

from __future__ import annotations

import datetime as dt

from reporter.dataset import Dataset
from reporter.dataset.history import Month, figures, gap
from reporter.periods import Period, months_up_to
from reporter.store.database import Store

NO_REPORT = "No report was made for this month"


def history(
    store: Store,
    *,
    spec_key: str,
    account_id: str,
    current: Dataset,
    previous: Dataset | None,
    months: int,
    as_of: dt.datetime,
) -> tuple[Month, ...]:
    """``months`` calendar months ending with the report's last month, oldest first;
    ``as_of``: when this report was first rendered."""
    if months <= 0:
        return ()
    period = Period(current.since, current.until)
    result: list[Month] = []
    for month in months_up_to(period.until, months):
        if month == period:
            result.append(figures(month, current, followers=current.account.followers_count))
            continue
        archived = store.archived(spec_key, account_id, month.label)
        if archived is not None and archived.rendered_at <= as_of:
            shown = archived.current
            result.append(figures(month, shown, followers=shown.account.followers_count))
        elif previous is not None and Period(previous.since, previous.until) == month:
            # this report's own comparison: its follower count would be today's, not then
            result.append(figures(month, previous, followers=None))
        else:
            result.append(gap(month, NO_REPORT))
    return tuple(result)
