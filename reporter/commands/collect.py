"""`reporter collect PATH...` (spec files or folders of them): the daily cron job. Live
stories (they vanish after 24 h) and yesterday's metrics into the store, and a warning for a
token about to expire."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reporter.errors import ExitStatus
from reporter.fetch.execute import Options, fetch
from reporter.fetch.summary import report_outcomes
from reporter.fetch.target import api_target, fetch_context
from reporter.fetch.tokens import expiry_warnings
from reporter.periods import today_in
from reporter.plan.build import plan_collect
from reporter.run.log import Status, status_world
from reporter.spec.validate import load_specs
from reporter.store.database import Store
from reporter.world import World


def collect(spec_paths: Sequence[Path], *, sandbox: bool, world: World) -> int:
    with status_world(world) as (world, status):
        return _collect(spec_paths, sandbox=sandbox, world=world, progress=status)


def _collect(spec_paths: Sequence[Path], *, sandbox: bool, world: World, progress: Status) -> int:
    specs = [spec for _, spec in load_specs(spec_paths, now=world.now, catalogue=world.catalogue)]
    accounts = [a for s in specs for a in s.accounts]
    status = int(ExitStatus.OK)
    with api_target(accounts, sandbox=sandbox, world=world) as target:
        ctx = fetch_context(target, world)
        settings = ctx.settings
        with Store.open(settings.store, lock_timeout=settings.lock_timeout) as store:
            for spec in specs:
                fetch_plan = plan_collect(
                    spec, world.catalogue, today=today_in(spec.report.timezone, world.now),
                    overlap_days=settings.refetch_days,
                )  # fmt: skip
                outcomes = fetch(fetch_plan, store, ctx, Options(progress=progress))
                status = max(status, report_outcomes(outcomes, out=world.out, err=world.err))
        # weeks before the monthly run: a token about to expire, one line per account
        for line in expiry_warnings(specs, settings=target.settings, token_for=target.token,
                                    base_url=target.base_url, environ=world.environ,
                                    now=world.now):  # fmt: skip
            world.err.write(line + "\n")
    return status
