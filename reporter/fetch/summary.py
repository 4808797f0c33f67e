"""The lines `reporter fetch` and `collect` print: one per account and period, the problems
after them, and the exit status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from reporter.dataset import Dataset
from reporter.errors import ExitStatus
from reporter.fetch.execute import Outcome
from reporter.fetch.explain import permission_text


def refused_for_permission(data: Dataset) -> str:
    """The metrics Meta refused with error 10 for lack of permission ("" when none)."""
    names = sorted({u.metric for u in data.unavailable if u.kind == "permission" and u.code == 10})
    return f"{', '.join(names)} refused" if names else ""


def requests_text(outcome: Outcome) -> str:
    """``12 requests, 90 calls``: batching saves requests, not calls against the rate limit."""
    text = f"{outcome.requests} request{'s' * (outcome.requests != 1)}"
    if outcome.calls != outcome.requests:
        text += f", {outcome.calls} calls against the rate limit"
    return text


def report_outcomes(outcomes: Sequence[Outcome], *, out: TextIO, err: TextIO) -> int:
    failures: list[str] = []
    notes: list[str] = []
    for outcome in outcomes:
        unit, data = outcome.unit, outcome.dataset
        name = f"{unit.account.name} {unit.label}"
        if outcome.error is not None and str(outcome.error) not in failures:
            failures.append(str(outcome.error))
        if data is None:
            out.write(f"{name}: failed\n")
            continue
        how = "from the store" if outcome.source == "store" else requests_text(outcome)
        missing = f", {outcome.missing} calls to fetch again" if outcome.missing else ""
        state = "incomplete: " if outcome.incomplete else ""
        out.write(
            f"{name}: {state}{len(data.media)} media, {len(data.observations)} values, "
            f"{len(data.unavailable)} unavailable{missing} ({how})\n"
        )
        if (refused := refused_for_permission(data)) and not outcome.incomplete:
            notes.append(f"note: {name}: {refused}: {permission_text(unit.account.login)}")
    for note in notes:
        err.write(f"{note}\n")
    for message in failures:
        err.write(f"error: {message}\n")
    if failures:
        err.write(
            f"{len(failures)} problem(s); everything fetched is stored, and a rerun fetches "
            "only what is missing\n"
        )
        return int(ExitStatus.FAILED)
    return int(ExitStatus.OK)
