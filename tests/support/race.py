"""Processes that race for the same ledger row (tests/test_store_ledger.py): each opens the store
on its own connection, waits at a barrier, then claims every recipient in turn."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Sequence
from typing import Any

from reporter.store.database import Store
from reporter.store.ledger import ReportKey

NOW = dt.datetime(2026, 11, 2, 17, tzinfo=dt.UTC)
KEY = ReportKey("/specs/cafe.toml", "1", "2026-10")


def _claimer(location: str, recipients: Sequence[str], barrier: Any, out: Any, who: int) -> None:
    with Store.open(location) as store:
        won = []
        seen = store.deliveries(KEY)  # what each sender decided on: no row, or a failed one
        for recipient in recipients:
            barrier.wait()
            if store.claim(KEY, recipient, f"<{who}@x>", seen=seen.get(recipient), now=NOW):
                won.append(recipient)
        out.put((who, won))


def race(location: str, recipients: Sequence[str], processes: int = 2) -> dict[int, list[str]]:
    """Who won which recipient, each of ``processes`` claiming all of them at once."""
    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(processes), context.Queue()
    workers = [
        context.Process(target=_claimer, args=(location, recipients, barrier, out, n))
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    found = dict(out.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    return found
