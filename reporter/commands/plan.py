"""`reporter plan SPEC`: the Graph API calls a fetch would make, and their count; nothing sent."""

from __future__ import annotations

from pathlib import Path

from reporter.errors import ExitStatus
from reporter.fetch.target import check_sandbox_accounts
from reporter.graph.client import host_for
from reporter.plan.build import plan_report
from reporter.plan.text import describe
from reporter.spec.validate import load_spec
from reporter.world import World


def plan(spec_path: Path, *, period_text: str | None, sandbox: bool, world: World) -> int:
    spec = load_spec(spec_path, now=world.now, catalogue=world.catalogue)
    fetch_plan = plan_report(spec, world.catalogue, period_text, world.now)
    if sandbox:
        check_sandbox_accounts(spec.accounts)
    base_url = world.settings.api_base_url
    hosts = {
        a.id: "the in-process sandbox" if sandbox else host_for(a.login, base_url)
        for a in spec.accounts
    }
    world.out.write("\n".join(describe(fetch_plan, hosts)) + "\nnothing was sent\n")
    return int(ExitStatus.OK)
