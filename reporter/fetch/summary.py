"""The lines `reporter fetch` and `collect` print: one per account and period, the problems
after them, and the exit status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from reporter.errors import ExitStatus
from reporter.fetch.execute import Outcome


def report_outcomes(outcomes: Sequence[Outcome], *, out: TextIO, err: TextIO) -> int:
    failures: list[str] = []
    for outcome in outcomes:
        unit, data = outcome.unit, outcome.dataset
        name = f"{unit.account.name} {unit.label}"
        if outcome.error is not None:
            if str(outcome.error) not in failures:
                failures.append(str(outcome.error))
            out.write(f"{name}: failed\n")
            continue
        assert data is not None
        how = "from the store" if outcome.source == "store" else f"{outcome.requests} requests"
        out.write(
            f"{name}: {len(data.media)} media, {len(data.observations)} values, "
            f"{len(data.unavailable)} unavailable ({how})\n"
        )
    for message in failures:
        err.write(f"error: {message}\n")
    if failures:
        err.write(
            f"{len(failures)} problem(s); everything fetched is stored, and a rerun fetches "
            "only what is missing\n"
        )
        return int(ExitStatus.FAILED)
    return int(ExitStatus.OK)
