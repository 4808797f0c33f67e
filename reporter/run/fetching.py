"""The first half of `reporter run --send`: for every report still to send, its data, then its
render job. A report rendered before is rendered again from its archive; the others are fetched
several accounts at once (one plan for the accounts of a spec and period), and each, as soon as
its account is fetched, checked against the data-quality rules and the review gate, archived,
and submitted to the render pool."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reporter.dataset import Dataset
from reporter.derived import definitions
from reporter.derived.ranking import pictured
from reporter.fetch.execute import Context, Options, Outcome, each_account
from reporter.periods import today_in
from reporter.plan.build import FetchPlan, plan
from reporter.render.sections.commentary import load_commentary
from reporter.run.deliver import skipped_text
from reporter.run.history import history
from reporter.run.holds import (
    held_text,
    hold_reasons,
    incomplete_fetch,
    log_held,
    token_failure,
    token_hold,
)
from reporter.run.jobs import RenderJob
from reporter.run.log import Line, RunLog
from reporter.run.report import Report, RunOptions, decided
from reporter.run.review import for_review, review_required
from reporter.store.database import ArchivedRender, Store
from reporter.world import World


@dataclass(frozen=True)
class Fetched:
    """A report's two fetches: its period's and its comparison's (either may be missing)."""

    report: Report
    current: Outcome | None
    previous: Outcome | None


def fetch_and_submit(
    reports: Sequence[Report],
    store: Store,
    ctx: Context,
    log: RunLog,
    options: RunOptions,
    world: World,
    submit: Callable[[Report, RenderJob], None],
) -> None:
    """Hand every report that is to be rendered to ``submit``, with its render job; log the
    line of every other report (nothing to send, held, failed)."""

    def job(report: Report, data: Dataset, before: Dataset | None, commentary: str | None,
            when: dt.datetime) -> RenderJob:  # fmt: skip
        return RenderJob(
            spec=report.spec, spec_dir=report.path.parent, account=report.account,
            current=data, previous=before, thumbnails=store.thumbnails_for(data),
            out_root=options.out or Path.cwd(), now=when, commentary=commentary,
            headline=report.spec.delivery is not None, catalogue=world.catalogue,
            simulated=options.sandbox,
            history=history(store, spec_key=report.key.spec, account_id=report.account.id,
                            current=data, previous=before, as_of=when,
                            months=report.spec.report.history_months),
        )  # fmt: skip

    need: list[Report] = []
    for report in reports:
        if logged_unrendered(report, store, log, world):
            continue
        if (kept := _kept(report, store, options, world)) is not None:
            # Rendered before (a preview, a review, or a failed delivery): that very report.
            report, archive = kept
            if options.fetch_only:
                log.report(report.line("fetched", "in the archive; rendering on a render "
                                       "worker"))  # fmt: skip
                continue
            submit(report, job(report, archive.current, archive.previous,
                               archive.commentary, archive.rendered_at))  # fmt: skip
        else:
            need.append(report)
    for fetched in _fetch(need, store, ctx, log, world):
        if (ready := _checked(fetched, store, log, options, world)) is not None:
            report, data, before = ready
            label = report.key.period
            commentary = load_commentary(report.spec, report.path, label, report.account.name)
            store.archive(report.key.spec, report.account.id, label, data, before,
                          commentary, now=world.now)  # fmt: skip
            if options.fetch_only:  # a render worker takes it from the archive
                log.report(report.line("fetched", "fetched; rendering on a render worker"))
                continue
            submit(report, job(report, data, before, commentary, world.now))


def logged_unrendered(report: Report, store: Store, log: RunLog, world: World) -> bool:
    """A report not due yet (a settling one remembered for the catch-up) or with nothing to
    render: its line logged, and True; False for a report to render."""
    if report.not_due:
        if report.closed:  # settling: the store remembers it for the catch-up
            store.wait(report.key, "held", [report.not_due],
                       account_name=report.account.name, now=world.now)  # fmt: skip
        log.report(report.line("not due", report.not_due))
        return True
    if not report.needs_render:
        log.report(without_sending(report))
        return True
    return False


def without_sending(report: Report) -> Line:
    """The line of a report with nothing to send: every recipient skipped or held."""
    holds = [d for d in report.decisions if d.action == "hold"]
    if holds:
        text = "; ".join(f"held {d.recipient.address}: {d.reason}" for d in holds)
        return report.line("held", text, made=True)
    text = skipped_text(report.decisions) or "no recipient selected"
    return report.line("already sent", text, made=True)


def _kept(
    report: Report, store: Store, options: RunOptions, world: World
) -> tuple[Report, ArchivedRender] | None:
    """The archived render to send (or show for review) rather than fetch again; none when a
    data-quality rule holds it (a new fetch may bring the settled or fixed data)."""
    kept = store.archived(report.key.spec, report.account.id, report.key.period)
    if kept is None:
        return None
    if report.approved:
        return report, kept
    reasons = hold_reasons(report.spec, kept.current, kept.previous, None, world.catalogue)
    if review_required(report, options):
        return for_review(report, kept.current, reasons), kept
    return None if reasons else (report, kept)


def _fetch(
    need: Sequence[Report], store: Store, ctx: Context, log: RunLog, world: World
) -> Iterator[Fetched]:
    """Each report's data as soon as its account is fetched: one plan for the accounts of one
    spec and period, several accounts at once (fetch/execute.py each_account), so a report is
    rendered while the others are still being fetched."""
    groups: dict[tuple[Path, str, str | None], list[Report]] = {}
    for report in need:
        compare = report.compare.label if report.compare is not None else None
        groups.setdefault((report.path, report.period.label, compare), []).append(report)
    if not groups:
        return
    specs = len({r.path for r in need})
    log.progress(f"fetching {len(need)} report(s) of {specs} spec(s)")
    plans: list[tuple[FetchPlan, Options]] = []
    for group in groups.values():
        spec, first = group[0].spec, group[0]
        sub = spec.model_copy(update={"accounts": [r.account for r in group]})
        today = today_in(spec.report.timezone, world.now)
        fetch_plan = plan(sub, world.catalogue, first.period, first.compare, today=today)
        pictures = pictured(spec.media, definitions(spec), world.catalogue)
        plans.append((fetch_plan, Options(progress=log.progress, pictures=pictures)))
    reports = list(groups.values())
    with contextlib.closing(each_account(plans, store, ctx)) as accounts:
        for index, mine in accounts:
            account_id = mine[0].unit.account.id
            for report in (r for r in reports[index] if r.account.id == account_id):
                requests = sum(o.requests for o in mine)
                yield Fetched(
                    dataclasses.replace(report, requests=requests, seconds=mine[0].seconds),
                    next((o for o in mine if o.unit.role == "report"), None),
                    next((o for o in mine if o.unit.role == "comparison"), None),
                )


def _checked(
    fetched: Fetched, store: Store, log: RunLog, options: RunOptions, world: World
) -> tuple[Report, Dataset, Dataset | None] | None:
    """A fetched report ready to render (and maybe sent), or None: held (its token failed, or
    the data-quality rules) or failed, with its line logged."""
    report, current, previous = fetched.report, fetched.current, fetched.previous
    token_problem = token_failure(current.error if current is not None else None)
    failed = current is not None and current.dataset is None
    if failed and token_problem and (reasons := token_hold(report.spec, token_problem)):
        _hold(decided(report, store, options, reasons), reasons, store, log, world)
        return None
    if current is None or current.dataset is None:
        why = current.error if current is not None else "nothing was planned"
        text = f"FAILED: not fetched: {why}; nothing was sent for this report"
        log.report(report.line("failed", text))
        return None
    if previous is not None and previous.dataset is None:
        log.note(f"{report.path.name}: {report.account.name}: no comparison data; rendered without")
    before = previous.dataset if previous is not None else None
    missing = incomplete_fetch(current.error, previous.error if previous is not None else None)
    if missing and report.spec.delivery is None:  # nothing to hold: never render a part
        log.report(report.line("failed", f"FAILED: {missing[0]}; nothing was rendered"))
        return None
    reasons = hold_reasons(report.spec, current.dataset, before, token_problem, world.catalogue,
                           missing)  # fmt: skip
    if review_required(report, options):
        report = for_review(report, current.dataset, reasons)
    elif reasons and not report.approved:
        report = decided(report, store, options, reasons)
        if not report.sends:
            _hold(report, reasons, store, log, world)
            return None
    return report, current.dataset, before


def _hold(report: Report, reasons: Sequence[str], store: Store, log: RunLog, world: World) -> None:
    store.wait(report.key, "held", reasons, account_name=report.account.name, now=world.now)
    log_held(log, report.line("held", held_text(report)), reasons)
