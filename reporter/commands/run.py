"""`reporter run PATH...`: fetch and render every report of every spec in PATH, and with
``--send`` e-mail each to its recipients exactly once (run/pipeline.py); ``--dry-run`` says what
``--send`` would do."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reporter.errors import UsageError
from reporter.run.specs import valid_specs
from reporter.world import World

if TYPE_CHECKING:
    from reporter.run.report import RunOptions


def run(paths: Sequence[Path], *, send: bool, options: RunOptions, world: World) -> int:
    if (options.resend or options.only) and not send:
        raise UsageError("--resend and --recipient go with --send")
    if options.accounts and not (send or options.dry_run):
        raise UsageError("--account goes with --send or --dry-run")
    if options.review and not (send or options.dry_run):
        raise UsageError("--review goes with --send or --dry-run")
    if send and not options.dry_run and world.settings.broker_url is not None:
        from reporter.work.dispatch import run_distributed  # Celery: only with a broker

        return run_distributed(paths, options=options, world=world)
    if send or options.dry_run:
        from reporter.run.pipeline import run_reports

        return run_reports(paths, options=options, world=world)
    # Without --send: the specs' reports rendered (the render workers start before the fetch
    # stack is even imported), nothing of the delivery imported.
    from reporter.commands.render import render
    from reporter.run.log import render_only_world

    specs = [path for path, _ in valid_specs(paths, world)]
    with render_only_world(world, quiet=options.quiet, log_file=options.log_file) as quiet:
        return render(
            specs,
            period_text=options.period_text,
            offline=False,
            sandbox=options.sandbox,
            out=options.out,
            world=quiet,
            quiet=options.quiet,
        )
