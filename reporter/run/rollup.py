"""The roll-up in `reporter run --send`: a spec's combined report over its accounts is one more
report of the spec, e-mailed exactly once per recipient and period through the same ledger,
holds and review as the accounts' reports (its ledger key's account is ``ROLLUP_ID``).

It is made after its accounts' reports of the period, from the very data they were rendered
from (their archives), and only once every one of them is rendered: in this run, or before
(and not held since). Until then it waits (`reporter pending` lists it, with which accounts
it waits for) and each later run tries again. Its own data-quality holds are those of its
accounts' data, except the holds an account's report was approved despite.

``--account`` picks it by ``rollup`` or its name; a run of other accounts leaves it out, so
sending one account again never sends the group's report with it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from reporter.run.fetching import logged_unrendered
from reporter.run.holds import held_text, hold_reasons, log_held
from reporter.run.jobs import RollupJob
from reporter.run.log import Line, RunLog
from reporter.run.report import ROLLUP_ID, Report, RunOptions, decided
from reporter.run.review import review_required
from reporter.spec.models import Account, Spec
from reporter.store.archive import ArchivedRender
from reporter.store.database import Store
from reporter.store.ledger import ReportKey
from reporter.world import World


def rollup_chosen(spec: Spec, chosen: Sequence[str]) -> bool:
    """Whether a run of the ``--account`` values ``chosen`` (none: every account) has the
    spec's roll-up: all of them do, or one that names it (``rollup`` or its name, any case)."""
    if spec.rollup is None:
        return False
    if not chosen:
        return True
    names = {c.casefold() for c in chosen}
    return ROLLUP_ID in names or spec.rollup.name.casefold() in names


def rollup_unit(spec: Spec) -> tuple[Account, Spec]:
    """The roll-up as a run's report has it: an account standing for it (its id ``rollup``,
    its name the roll-up's) and the spec whose ``delivery`` is the roll-up's recipients."""
    assert spec.rollup is not None
    account = Account.model_construct(
        id=ROLLUP_ID, name=spec.rollup.name, login="facebook", token_env=""
    )
    delivery = spec.rollup.delivery_of(spec.delivery)
    return account, spec.model_copy(update={"delivery": delivery})


def submit_rollups(
    rollups: Sequence[Report],
    store: Store,
    log: RunLog,
    options: RunOptions,
    world: World,
    submit: Callable[[Report, RollupJob], None],
) -> None:
    """Hand every roll-up that is to be rendered to ``submit`` (once the run's accounts are
    done: their lines are in ``log``); log the line of every other one."""
    lines: dict[str, list[Line]] = {}
    for line in log.lines:
        lines.setdefault(line.report_id, []).append(line)
    for report in rollups:
        if logged_unrendered(report, store, log, world):
            continue
        members, waits = _members(report, store, lines, options.not_made)
        if waits and report.spec.delivery is None:  # nothing to send: nothing waits
            text = "not rendered: the roll-up needs every account's report of the period"
            log_held(log, report.line("failed", f"FAILED: {text}"), waits)
            continue
        if waits:
            store.wait(report.key, "incomplete", waits, account_name=report.account.name,
                       now=world.now)  # fmt: skip
            text = (
                "not sent: the roll-up waits until every account's report of the period is "
                "rendered; the next run sends it then"
            )
            log_held(log, report.line("held", text), waits)
            continue
        reasons = [] if report.approved else _holds(report, members, store, world)
        if review_required(report, options):
            report = dataclasses.replace(report, review=True, reasons=tuple(reasons))
        elif reasons:
            report = decided(report, store, options, reasons)
            if not report.sends:
                store.wait(report.key, "held", reasons, account_name=report.account.name,
                           now=world.now)  # fmt: skip
                log_held(log, report.line("held", held_text(report)), reasons)
                continue
        job = RollupJob(
            spec=report.spec,
            spec_dir=report.path.parent,
            members=tuple((account, kept.current, kept.previous) for account, kept in members),
            out_root=options.out or Path.cwd(),
            now=max(kept.rendered_at for _, kept in members),
            headline=report.spec.delivery is not None,
            catalogue=world.catalogue,
            simulated=options.sandbox,
        )
        submit(report, job)


def _members(
    report: Report, store: Store, lines: Mapping[str, Sequence[Line]], not_made: Sequence[str]
) -> tuple[list[tuple[Account, ArchivedRender]], list[str]]:
    """Each account's report of the roll-up's period as it was rendered, or why the roll-up
    waits for it. ``not_made``: reports this run did not render on other hosts."""
    found: list[tuple[Account, ArchivedRender]] = []
    waits: list[str] = []
    period = report.key.period
    for account in report.spec.accounts:
        key = ReportKey(report.key.spec, account.id, period)
        mine = lines.get(key.report_id, ())
        made = any(line.made for line in mine)
        if (mine and not made) or key.report_id in not_made:
            waits.append(f"{account.name}: its report was not rendered in this run (its line "
                         "says why)")  # fmt: skip
            continue
        if not made and any(w.kind == "held" for w in store.waiting(key)):
            waits.append(f"{account.name}: its report is held (`reporter pending` says why)")
            continue
        kept = store.archived(key.spec, account.id, period)
        if kept is None or not store.has_files(key.spec, account.id, period):
            waits.append(f"{account.name}: its report of {period} is not rendered yet")
            continue
        found.append((account, kept))
    return found, waits


def _holds(
    report: Report,
    members: Sequence[tuple[Account, ArchivedRender]],
    store: Store,
    world: World,
) -> list[str]:
    """The data-quality rules its accounts' data break, but for an account whose report was
    approved: its approval covers its figures in the roll-up too."""
    reasons: list[str] = []
    for account, kept in members:
        if store.approval(ReportKey(report.key.spec, account.id, report.key.period)):
            continue
        found = hold_reasons(report.spec, kept.current, kept.previous, None, world.catalogue)
        reasons += [f"{account.name}: {reason}" for reason in found]
    return reasons
