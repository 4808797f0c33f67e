"""`reporter run --send` (and ``--dry-run``): every account of every spec is one report; fetch,
render and deliver each, exactly once, and tell the truth about every one of them.

Stages: validate every spec (any error: exit 2, nothing fetched or sent) → SMTP settings and
message templates (exit 2 the same way) → the periods due, per spec and account (run/due.py:
without ``--period`` a run catches up on every due period in the look-back) → open the store as
its one writer (the run lock: an overlapping run waits ``REPORTER_LOCK_TIMEOUT`` seconds, then
says so and stops) → decide each recipient from the ledger (deliver/gate.py) → check the SMTP
settings against the server (seconds, before any fetch) → fetch what the reports still to send
need, spec by spec → render in worker processes (CPU bound: one per CPU) → deliver from this
process as renders finish, the ledger following every message → each spec's roll-up, once its
accounts' reports are done, from the data they were rendered from (run/rollup.py). A failing
report never stops the others.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import os
import time
from collections.abc import Sequence
from pathlib import Path

from reporter.deliver.content import check_message_template
from reporter.deliver.gate import recipients
from reporter.deliver.smtp import SmtpConfig, preflight, smtp_config
from reporter.errors import ExitStatus, ReporterError, UsageError, check_terminated, crash_log
from reporter.fetch.execute import Context
from reporter.fetch.target import api_target, check_sandbox_accounts, fetch_context
from reporter.periods import report_periods
from reporter.render.fonts import font_warnings
from reporter.run.deliver import deliver_one, token_warnings
from reporter.run.due import Candidate, candidates, look_back
from reporter.run.fetching import fetch_and_submit
from reporter.run.jobs import (
    Rendered,
    RenderJob,
    RollupJob,
    keep_files,
    render_job,
    render_rollup_job,
)
from reporter.run.log import BAD, Line, RunLog
from reporter.run.pool import InOrder, pool_of
from reporter.run.report import Report, RunOptions, decided
from reporter.run.review import approve, await_review
from reporter.run.rollup import rollup_chosen, rollup_unit, submit_rollups
from reporter.run.specs import chosen, none_chosen, valid_specs
from reporter.spec.models import Spec
from reporter.store.database import Store
from reporter.store.ledger import ReportKey
from reporter.world import World


def run_reports(
    paths: Sequence[Path], *, options: RunOptions, world: World, log: RunLog | None = None
) -> int:
    """Exit status of the run. ``log``: a worker's (reporter/work/), which collects the lines
    for the host that enqueued the work and prints no summary of its own."""
    started = time.monotonic()
    specs = valid_specs(paths, world)
    reports = _reports(specs, options, world)
    if options.dry_run:
        from reporter.run.dry import dry_run

        return dry_run(reports, options, world)
    config = smtp_config(world.settings)
    accounts = list({r.account.id: r.account for r in reports if not r.is_rollup}.values())
    with api_target(accounts, sandbox=options.sandbox, world=world) as target:
        ctx = fetch_context(target, world)
        with Store.open(ctx.settings.store, lock_timeout=ctx.settings.lock_timeout) as store:
            reports = look_back(reports, store)
            own = log is None
            if log is None:
                log = RunLog(out=world.out, err=world.err, total=len(reports),
                             quiet=options.quiet, log_file=options.log_file,
                             now=world.now)  # fmt: skip
            reports = [_decided(r, store, options, world) for r in reports]
            if any(r.sends for r in reports):
                preflight(config)  # wrong SMTP settings fail now, not after the fetch
            status = _render_and_deliver(reports, store, ctx, log, config, options, world)
            token_warnings([spec for _, spec in specs], target, log, world)
            if own:
                log.finish(time.monotonic() - started)
    bad = any(line.kind in BAD for line in log.lines)
    return max(status, int(ExitStatus.FAILED if bad else ExitStatus.OK))


def _reports(specs: Sequence[tuple[Path, Spec]], options: RunOptions, world: World) -> list[Report]:
    """One report per account of every spec (``--account``: those accounts only), and its
    roll-up after them (run/rollup.py)."""
    reports: list[Report] = []
    for path, spec in specs:
        check_message_template(spec, path.parent)
        history = world.catalogue.limits.history_years
        units = [(a, spec) for a in spec.accounts
                 if chosen(a, options.accounts)]  # fmt: skip
        if rollup_chosen(spec, options.accounts):
            units.append(rollup_unit(spec))
            check_message_template(units[-1][1], path.parent)
        for account, of in units:
            for due in _periods(of, options, world):
                period, compare = report_periods(spec.report, due.period.label, world.now,
                                                 history_years=history)  # fmt: skip
                key = ReportKey(options.spec_key or str(path.resolve()), account.id,
                                period.label)  # fmt: skip
                reports.append(Report(path, of, account, period, compare, key,
                                      not_due=due.not_due, closed=due.over))  # fmt: skip
    if not reports:
        raise none_chosen(options.accounts)
    if options.resend and options.period_text is None:
        raise UsageError("--resend sends one report again: name its --period; nothing was sent")
    if options.resend and len(reports) > 1:
        raise UsageError(
            f"--resend sends one report again: name one spec file and its --account (this "
            f"selects {len(reports)} reports of {len(specs)} spec(s)); nothing was sent"
        )
    if options.sandbox:
        check_sandbox_accounts([r.account for r in reports if not r.is_rollup])
    _check_only(options.only, reports)
    return reports


def _periods(spec: Spec, options: RunOptions, world: World) -> list[Candidate]:
    """``--period`` or a render-only spec: the one period; else every period the catch-up
    considers (run/due.py)."""
    if options.period_text is None and spec.delivery is not None:
        return candidates(spec, world.now, world.catalogue.limits.settle_hours)
    history = world.catalogue.limits.history_years
    period, _ = report_periods(spec.report, options.period_text, world.now, history_years=history)
    return [Candidate(period, "", newest=True, over=True)]


def _check_only(only: Sequence[str], reports: Sequence[Report]) -> None:
    known = {p.address for r in reports if r.spec.delivery for p in recipients(r.spec.delivery)}
    unknown = [a for a in only if a.strip().lower() not in known]
    if unknown:
        raise UsageError(f"--recipient {unknown[0]}: not a recipient of any report given")


def _decided(report: Report, store: Store, options: RunOptions, world: World) -> Report:
    """The report with its approval (recorded first by `reporter approve`) and its decisions."""
    if options.approve:
        approve(report.key, store, world)
    approved = store.approval(report.key) is not None
    report = decided(dataclasses.replace(report, approved=approved), store, options)
    if uncertain := [d.reason for d in report.decisions if d.uncertain]:
        # `reporter pending` lists it, with the command that resends it
        store.wait(report.key, "unconfirmed", uncertain, account_name=report.account.name,
                   now=world.now)  # fmt: skip
    return report


def _render_and_deliver(
    reports: Sequence[Report],
    store: Store,
    ctx: Context,
    log: RunLog,
    config: SmtpConfig,
    options: RunOptions,
    world: World,
) -> int:
    workers = ctx.settings.render_workers or os.cpu_count() or 1
    workers = min(workers, sum(r.needs_render for r in reports))
    if options.render_inline or options.fetch_only:
        workers = min(workers, 1)  # no pool: a worker's processes are the run's parallelism
    deliveries = _Deliveries(store, log, config, options, world)
    with pool_of(workers) as pool:
        # Delivered in the order submitted, as renders finish, also while the fetch goes on: at
        # most two reports a worker wait, so this process never holds every report's data.
        renders: InOrder[Report, Rendered] = InOrder(pool, ahead=2 * workers, done=deliveries)
        submitted = 0
        warned: set[str] = set()  # scripts without a font: one warning a run

        def submit(report: Report, job: RenderJob) -> None:
            check_terminated()  # a SIGTERM whose Terminated got lost stops here
            nonlocal submitted
            submitted += 1
            where = f"{report.path.name}: {report.account.name}"
            for text in font_warnings(job.current, where, commentary=job.commentary,
                                      warned=warned):  # fmt: skip
                log.note(text)
            log.progress(f"rendering {submitted} report(s)")
            renders.submit(report, render_job, job)

        def submit_rollup(report: Report, job: RollupJob) -> None:
            check_terminated()
            nonlocal submitted
            submitted += 1
            log.progress(f"rendering {submitted} report(s)")
            renders.submit(report, render_rollup_job, job)

        accounts = [r for r in reports if not r.is_rollup]
        fetch_and_submit(accounts, store, ctx, log, options, world, submit)
        renders.finish()  # a roll-up is made once its accounts' reports are
        rollups = [r for r in reports if r.is_rollup]
        submit_rollups(rollups, store, log, options, world, submit_rollup)
        renders.finish()
    return deliveries.status


class _Deliveries:
    """Each rendered report delivered (or its failure logged); the run's worst status."""

    def __init__(
        self, store: Store, log: RunLog, config: SmtpConfig, options: RunOptions, world: World
    ) -> None:
        self.store, self.log, self.config = store, log, config
        self.options, self.world = options, world
        self.status = int(ExitStatus.OK)

    def __call__(self, report: Report, future: cf.Future[Rendered]) -> None:
        check_terminated()  # no delivery after a SIGTERM, even one whose Terminated got lost
        log, world = self.log, self.world
        try:
            rendered = future.result()
        except ReporterError as error:
            log.report(report.line("failed", f"FAILED: not rendered: {error}"))
            return
        except Exception as error:  # a bug in one report must not stop the others
            crash = crash_log(error, environ=world.environ, now=world.now)
            text = f"FAILED: not rendered: unexpected {type(error).__name__}: {error}; see {crash}"
            log.report(report.line("failed", text))
            self.status = int(ExitStatus.UNEXPECTED)
            return
        keep_files(self.store, report.key, rendered.files, now=world.now)
        line = _delivered(report, rendered, self.store, log, self.config, self.options, world)
        log.report(dataclasses.replace(line, made=True))


def _delivered(
    report: Report,
    rendered: Rendered,
    store: Store,
    log: RunLog,
    config: SmtpConfig,
    options: RunOptions,
    world: World,
) -> Line:
    """The line of a rendered report: sent (or why not), waiting for review, or rendered."""
    report = dataclasses.replace(report, seconds=report.seconds + rendered.seconds)
    if report.spec.delivery is None:
        return report.line("rendered", "rendered (no [delivery] block)")
    if report.review:
        return report.line("held", await_review(report, rendered, store, options, world))
    log.progress(f"sending {report.account.name}")
    started = time.monotonic()
    kind, text = deliver_one(report, rendered, store, config, options, world)
    report = dataclasses.replace(report, seconds=report.seconds + time.monotonic() - started)
    return report.line(kind, text)
