"""`reporter run --dry-run`: what `--send` would fetch, render and send, from the plan and the
ledger; nothing is fetched, rendered, sent or written."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from reporter.deliver.smtp import smtp_config
from reporter.errors import ExitStatus, UsageError
from reporter.fetch.target import store_path
from reporter.periods import today_in
from reporter.plan.build import plan
from reporter.run.due import look_back
from reporter.run.report import Report, RunOptions, decided
from reporter.run.review import review_required
from reporter.store.database import Store
from reporter.world import World


def dry_run(reports: Sequence[Report], options: RunOptions, world: World) -> int:
    with Store.open(store_path(world, sandbox=options.sandbox), write=False) as store:
        for report in look_back(reports, store):
            report = decided(report, store, options)
            world.out.write(f"{report.path.name}: {report.account.name} {report.period.label}:\n")
            if report.not_due:
                world.out.write(f"  {report.not_due}\n")
                continue
            if not report.needs_render:
                world.out.write("  fetch and render nothing: nothing to send\n")
            elif report.is_rollup:
                world.out.write(
                    f"  render the roll-up over its {len(report.spec.accounts)} accounts' reports "
                    f"once each is rendered; render {report.spec.output.formats}\n"
                )
            else:
                sub = report.spec.model_copy(update={"accounts": [report.account]})
                today = today_in(report.spec.report.timezone, world.now)
                units = plan(sub, world.catalogue, report.period, report.compare, today=today).units
                stored = all(store.unit_complete(u.account.id, u.label) for u in units)
                calls = sum(len(u.calls) for u in units)
                what = "from the store" if stored else f"{calls} API calls, then media insights"
                world.out.write(f"  fetch {what}; render {report.spec.output.formats}\n")
            report = dataclasses.replace(report, approved=store.approval(report.key) is not None)
            if review_required(report, options) and report.needs_render:
                world.out.write("  review: render, write a review summary, send nothing yet\n")
            elif report.needs_render and report.spec.delivery is not None:
                world.out.write("  data-quality rules: checked after the fetch\n")
            for d in report.decisions:
                why = f": {d.reason}" if d.reason else ""
                world.out.write(f"  {d.action} {d.recipient.role} {d.recipient.address}{why}\n")
    world.out.write(f"dry run: nothing was fetched, rendered or sent ({_smtp(world)})\n")
    return int(ExitStatus.OK)


def _smtp(world: World) -> str:
    """Where --send would deliver, or what it still needs: a dry run needs no SMTP settings."""
    try:
        return f"SMTP server {smtp_config(world.settings).where}"
    except UsageError as error:
        return str(error).replace("; nothing was fetched or sent", "")
