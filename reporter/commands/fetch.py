"""`reporter fetch SPEC`: the period and its comparison period of every account into the store,
and, with ``--json``, the datasets as JSON."""

from __future__ import annotations

from pathlib import Path

from reporter.fetch.execute import Options
from reporter.fetch.execute import fetch as run_fetch
from reporter.fetch.summary import report_outcomes
from reporter.fetch.target import api_target, fetch_context
from reporter.files import atomic_write
from reporter.plan.build import plan_report
from reporter.spec.validate import load_spec
from reporter.store.database import Store
from reporter.world import World


def fetch(
    spec_path: Path,
    *,
    period_text: str | None,
    json_path: Path | None,
    refresh: bool,
    offline: bool,
    sandbox: bool,
    world: World,
) -> int:
    spec = load_spec(spec_path, now=world.now, catalogue=world.catalogue)
    fetch_plan = plan_report(spec, world.catalogue, period_text, world.now)
    with api_target(spec.accounts, sandbox=sandbox, world=world, serve=not offline) as target:
        ctx = fetch_context(target, world)
        settings = ctx.settings
        opener = Store.open(settings.store, write=not offline, lock_timeout=settings.lock_timeout)
        with opener as store:
            outcomes = run_fetch(fetch_plan, store, ctx, Options(refresh=refresh, offline=offline))
    status = report_outcomes(outcomes, out=world.out, err=world.err)
    if json_path is not None:
        datasets = [o.dataset for o in outcomes if o.dataset and not o.incomplete]
        text = "[\n" + ",\n".join(d.to_json() for d in datasets) + "\n]\n"
        atomic_write(json_path, text.encode("utf-8"))
    return status
