"""A report's history from the store: for each of the months before the report's own, the
figures of that month's report (its archived dataset, which also keeps the follower count it
showed) or else of a fetch of that month kept in the store; or a gap."""

from __future__ import annotations

from reporter.dataset import Dataset
from reporter.dataset.history import Month, figures, gap
from reporter.periods import Period, months_up_to
from reporter.store.database import Store


def history(
    store: Store, *, spec_key: str, account_id: str, period: Period, current: Dataset, months: int
) -> tuple[Month, ...]:
    """``months`` calendar months ending with the report's last month, oldest first."""
    if months <= 0:
        return ()
    result: list[Month] = []
    for month in months_up_to(period.until, months):
        if month == period:
            result.append(figures(month, current, followers=current.account.followers_count))
        elif (archived := store.archived(spec_key, account_id, month.label)) is not None:
            shown = archived.current
            result.append(figures(month, shown, followers=shown.account.followers_count))
        elif (kept := _fetched(store, account_id, month.label)) is not None:
            result.append(figures(month, kept, followers=None))  # the profile is today's
        else:
            result.append(gap(month, "No figures were collected this month"))
    return tuple(result)


def _fetched(store: Store, account_id: str, label: str) -> Dataset | None:
    """A finished fetch of the month (an interrupted one would undercount it)."""
    if not store.unit_complete(account_id, label):
        return None
    return store.load_dataset(account_id, label)
