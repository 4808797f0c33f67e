"""A past period's audience demographics, from those the daily collection saved.

Meta answers demographics only for the last 30 (``this_month``) or 7 (``this_week``) days
before the call (graph-api.md, the demographics row). A month's are those of a call made in the
first days after it ended; later, the report takes the ones `reporter collect` saved on the
month's last days (plan/build.py ``SavedAudience``), marked with the days they cover.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from reporter.dataset import Dataset


def with_saved_audience(
    dataset: Dataset, saved: Dataset, metrics: Sequence[str], days: int
) -> Dataset | None:
    """``dataset`` with the demographics of ``saved`` (a day unit that asked for them): their
    values, or Meta's reason for giving none; ``None`` when ``saved`` holds neither."""
    account = dataset.account.id
    wanted = set(metrics)
    until = saved.fetched_at
    since = until - dt.timedelta(days=days)
    found = tuple(
        dataclasses.replace(o, since=since, until=until)
        for o in saved.observations
        if o.object_id == account and o.metric in wanted
    )
    have = {o.metric for o in found}
    reasons = tuple(
        u for u in saved.unavailable if u.object_id == account and u.metric in wanted - have
    )
    if not found and not reasons:
        return None
    return dataclasses.replace(
        dataset,
        observations=dataset.observations + found,
        unavailable=dataset.unavailable + reasons,
    )
