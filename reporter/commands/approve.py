"""`reporter approve SPEC|ID`: send a report waiting for review or held, despite its holds,
through the same ledger as `reporter run --send`: exactly once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reporter.fetch.target import store_path
from reporter.run.pipeline import run_reports
from reporter.run.report import RunOptions
from reporter.run.review import approval_target
from reporter.world import World


def approve(
    target: str,
    *,
    period_text: str | None,
    accounts: Sequence[str],
    out: Path | None,
    sandbox: bool,
    world: World,
) -> int:
    where = store_path(world, sandbox=sandbox)
    spec_path, period, only = approval_target(target, period_text, accounts, store_path=where)
    options = RunOptions(period_text=period, out=out, sandbox=sandbox, approve=True, accounts=only)
    return run_reports([spec_path], options=options, world=world)
