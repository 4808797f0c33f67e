"""`reporter run --send` (and ``--dry-run``): every account of every spec is one report; fetch,
render and deliver each, exactly once, and tell the truth about every one of them.

Stages: validate every spec (any error: exit 2, nothing fetched or sent) → SMTP settings and
message templates (exit 2 the same way) → open the store as its one writer (the run lock: an
overlapping run waits ``REPORTER_LOCK_TIMEOUT`` seconds, then says so and stops) → decide each
recipient from the ledger (gate.py) → fetch what the reports still to send need, spec by spec →
render in worker processes (CPU bound: one per CPU) → deliver from this process as renders
finish, the ledger following every message. A failing report never stops the others.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reporter.commands.fetch import World
from reporter.deliver.gate import Decision, decide, recipients
from reporter.errors import ExitStatus, ReporterError, UsageError
from reporter.periods import Period
from reporter.run.deliver import deliver_one, skipped_text, token_warnings
from reporter.run.holds import held_text, hold_reasons, log_held, token_failure, token_hold
from reporter.run.log import BAD, Line, RunLog
from reporter.run.pool import pool_of
from reporter.run.review import approve, await_review, for_review, review_required
from reporter.spec.models import Account, Spec
from reporter.store.ledger import ReportKey


@dataclass(frozen=True)
class RunOptions:
    dry_run: bool = False
    resend: bool = False
    only: tuple[str, ...] = ()
    quiet: bool = False
    log_file: Path | None = None
    period_text: str | None = None
    out: Path | None = None
    sandbox: bool = False
    review: bool = False  # hold every report for `reporter approve` (also [delivery] review)
    approve: bool = False  # `reporter approve`: record the approval, then send
    accounts: tuple[str, ...] = ()  # only these account ids (default: all)


@dataclass
class Report:
    path: Path
    spec: Spec
    account: Account
    period: Period
    compare: Period | None
    key: ReportKey
    decisions: list[Decision] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    approved: bool = False
    review: bool = False  # rendered for review: not delivered, a summary written
    reasons: list[str] = field(default_factory=list)  # the data-quality holds found
    current: Any = None  # the dataset, for the review summary

    @property
    def sends(self) -> list[Decision]:
        return [d for d in self.decisions if d.action == "send"]

    @property
    def needs_render(self) -> bool:
        return self.spec.delivery is None or bool(self.sends)


def run_reports(paths: Sequence[Path], *, options: RunOptions, world: World) -> int:
    from reporter.commands.fetch import check_sandbox_accounts, periods_for
    from reporter.deliver.content import check_message_template
    from reporter.deliver.smtp import smtp_config
    from reporter.settings import load_settings

    started = time.monotonic()
    specs = valid_specs(paths, world)
    config = smtp_config(load_settings())
    reports: list[Report] = []
    for path, spec in specs:
        check_message_template(spec, path.parent)
        period, compare = periods_for(spec, options.period_text, world.now)
        for account in spec.accounts:
            if options.accounts and account.id not in options.accounts:
                continue
            key = ReportKey(str(path.resolve()), account.id, period.label)
            reports.append(Report(path, spec, account, period, compare, key))
    if not reports:
        raise UsageError(f"--account {', '.join(options.accounts)}: not an account of the spec")
    if options.sandbox:
        check_sandbox_accounts([r.account for r in reports])
    _check_only(options.only, reports)
    if options.dry_run:
        from reporter.run.dry import dry_run

        return dry_run(reports, options, world, config.where)

    from reporter.commands.fetch import api_target, fetch_context
    from reporter.store.database import Store

    accounts = list({r.account.id: r.account for r in reports}.values())
    with api_target(accounts, sandbox=options.sandbox, world=world) as target:
        ctx = fetch_context(target, world)
        with Store.open(ctx.settings.store, lock_timeout=ctx.settings.lock_timeout) as store:
            log = RunLog(
                out=world.out,
                err=world.err,
                total=len(reports),
                quiet=options.quiet,
                log_file=options.log_file,
                now=world.now,
            )
            for report in reports:
                if options.approve:
                    approve(report.key, store, world)
                report.approved = store.approval(report.key) is not None
                decide_report(report, store, options)
            workers = ctx.settings.render_workers or os.cpu_count() or 1
            workers = min(workers, sum(r.needs_render for r in reports))
            with pool_of(workers) as pool:
                futures = _fetch_and_submit(reports, store, ctx, pool, log, options, world)
                status = _deliver_all(futures, store, log, config, options, world)
            token_warnings([spec for _, spec in specs], target, log, world)
            log.finish(time.monotonic() - started)
    bad = any(line.kind in BAD for line in log.lines)
    return max(status, int(ExitStatus.FAILED if bad else ExitStatus.OK))


def valid_specs(paths: Sequence[Path], world: World) -> list[tuple[Path, Spec]]:
    from reporter.spec.validate import InvalidSpec, validate_paths

    results = validate_paths(paths, today=world.now.date())
    if any(r.errors for r in results):
        error = InvalidSpec([r for r in results if r.errors])
        error.args = (f"{error}; nothing was fetched or sent",)
        raise error
    found = [(r.path, r.spec) for r in results if r.spec is not None]
    if not found:
        raise UsageError(f"no report spec in {', '.join(map(str, paths))}; nothing to run")
    return found


def _check_only(only: Sequence[str], reports: Sequence[Report]) -> None:
    known = {p.address for r in reports if r.spec.delivery for p in recipients(r.spec.delivery)}
    unknown = [a for a in only if a.strip().lower() not in known]
    if unknown:
        raise UsageError(f"--recipient {unknown[0]}: not a recipient of any report given")


def decide_report(
    report: Report, store: Any, options: RunOptions, holds: Sequence[str] = ()
) -> None:
    if report.spec.delivery is not None:
        report.decisions = decide(
            recipients(report.spec.delivery),
            store.deliveries(report.key),
            resend=options.resend,
            only=options.only,
            report_holds=holds,
        )


def _line(report: Report, kind: Any, text: str) -> Line:
    return Line(
        report.path.name,
        report.account.name,
        report.period.label,
        kind,
        text,
        report.requests,
        report.seconds,
    )


def _without_sending(report: Report) -> Line:
    """A report with nothing to send: every recipient skipped or held."""
    holds = [d for d in report.decisions if d.action == "hold"]
    if holds:
        text = "; ".join(f"held {d.recipient.address}: {d.reason}" for d in holds)
        return _line(report, "held", text)
    text = skipped_text(report.decisions) or "no recipient selected"
    return _line(report, "already sent", text)


def _use_kept(report: Report, kept: Any, options: RunOptions) -> bool:
    """Send (or show for review) the archived report rather than fetch again; not when a
    data-quality rule holds it (a new fetch may bring the settled or fixed data)."""
    if report.approved:
        return True
    reasons = hold_reasons(report.spec, kept.current, kept.previous, None)
    if review_required(report, options):
        for_review(report, kept.current, reasons)
        return True
    return not reasons


def _fetch_and_submit(
    reports: Sequence[Report],
    store: Any,
    ctx: Any,
    pool: cf.Executor,
    log: RunLog,
    options: RunOptions,
    world: World,
) -> dict[cf.Future[Any], Report]:
    from reporter import catalogue
    from reporter.commands.fetch import today_in
    from reporter.commands.render import load_commentary, load_thumbnails
    from reporter.fetch.execute import Options, fetch
    from reporter.plan.build import plan
    from reporter.run.jobs import RenderJob, render_job

    futures: dict[cf.Future[Any], Report] = {}

    def submit(report: Report, data: Any, before: Any, commentary: str | None, when: Any) -> None:
        job = RenderJob(
            spec=report.spec,
            spec_dir=report.path.parent,
            account=report.account,
            current=data,
            previous=before,
            thumbnails=load_thumbnails(store, data),
            out_root=options.out or Path.cwd(),
            now=when,
            commentary=commentary,
            headline=report.spec.delivery is not None,
        )
        futures[pool.submit(render_job, job)] = report
        log.progress(f"rendering {len(futures)} report(s)")

    for path in dict.fromkeys(r.path for r in reports):
        group = [r for r in reports if r.path == path]
        need: list[Report] = []
        for report in group:
            if not report.needs_render:
                log.report(_without_sending(report))
            elif (
                kept := store.archived(report.key.spec, report.account.id, report.key.period)
            ) and _use_kept(report, kept, options):
                # Rendered before (a preview, a review, or a failed delivery): that very report.
                submit(report, kept.current, kept.previous, kept.commentary, kept.rendered_at)
            else:
                need.append(report)
        if not need:
            continue
        spec, first = need[0].spec, need[0]
        log.progress(f"fetching {path.name} ({len(need)} account(s))")
        sub = spec.model_copy(update={"accounts": [r.account for r in need]})
        started = time.monotonic()
        fetch_plan = plan(
            sub, catalogue.load(), first.period, first.compare, today=today_in(spec, world.now)
        )
        outcomes = fetch(fetch_plan, store, ctx, Options())
        share = (time.monotonic() - started) / len(need)
        for report in need:
            mine = [o for o in outcomes if o.unit.account.id == report.account.id]
            report.requests = sum(o.requests for o in mine)
            report.seconds = share
            current = next((o for o in mine if o.unit.role == "report"), None)
            previous = next((o for o in mine if o.unit.role == "comparison"), None)
            token_problem = token_failure(current.error if current is not None else None)
            failed = current is not None and current.dataset is None
            if failed and token_problem and (reasons := token_hold(report.spec, token_problem)):
                decide_report(report, store, options, reasons)
                store.wait(
                    report.key, "held", reasons, account_name=report.account.name, now=world.now
                )
                log_held(log, _line(report, "held", held_text(report)), reasons)
                continue
            if current is None or current.dataset is None:
                why = current.error if current is not None else "nothing was planned"
                text = f"FAILED: not fetched: {why}; nothing was sent for this report"
                log.report(_line(report, "failed", text))
                continue
            if previous is not None and previous.dataset is None:
                log.note(
                    f"{path.name}: {report.account.name}: no comparison data; rendered without"
                )
            before = previous.dataset if previous is not None else None
            reasons = hold_reasons(report.spec, current.dataset, before, token_problem)
            if review_required(report, options):
                for_review(report, current.dataset, reasons)
            elif reasons and not report.approved:
                decide_report(report, store, options, reasons)
                if not report.sends:
                    store.wait(
                        report.key, "held", reasons, account_name=report.account.name, now=world.now
                    )
                    log_held(log, _line(report, "held", held_text(report)), reasons)
                    continue
            label = report.key.period
            commentary = load_commentary(spec, path, label, report.account.name)
            store.archive(report.key.spec, report.account.id, label, current.dataset, before,
                          commentary, now=world.now)  # fmt: skip
            submit(report, current.dataset, before, commentary, world.now)
    return futures


def _deliver_all(
    futures: dict[cf.Future[Any], Report],
    store: Any,
    log: RunLog,
    config: Any,
    options: RunOptions,
    world: World,
) -> int:
    from reporter.errors import write_crash_log
    from reporter.run.jobs import Rendered

    status = int(ExitStatus.OK)
    for future in cf.as_completed(futures):
        report = futures[future]
        try:
            rendered: Rendered = future.result()
        except ReporterError as error:
            log.report(_line(report, "failed", f"FAILED: not rendered: {error}"))
            continue
        except Exception as error:  # a bug in one report must not stop the others
            crash = write_crash_log(error)
            text = f"FAILED: not rendered: unexpected {type(error).__name__}: {error}; see {crash}"
            log.report(_line(report, "failed", text))
            status = int(ExitStatus.UNEXPECTED)
            continue
        report.seconds += rendered.seconds
        if report.spec.delivery is None:
            log.report(_line(report, "rendered", "rendered (no [delivery] block)"))
            continue
        if report.review:
            log.report(_line(report, "held", await_review(report, rendered, store, world)))
            continue
        log.progress(f"sending {report.account.name}")
        started = time.monotonic()
        line = deliver_one(report, rendered, store, config, options, world)
        report.seconds += time.monotonic() - started
        log.report(_line(report, line[0], line[1]))
    return status
