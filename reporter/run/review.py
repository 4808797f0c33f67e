"""The review gate of `reporter run --send`: a spec with ``[delivery] review = true`` (or
``--review``) is fetched, checked and rendered, then waits: a short review summary is written
next to the report and nothing is sent until ``reporter approve`` (which records the approval,
with the holds it overrides, and sends through the same ledger and gate: exactly once).
``reporter pending`` lists every report that waits, for review or held, with its reasons."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from reporter.dataset import Dataset
from reporter.errors import ExitStatus, UsageError
from reporter.run.jobs import Rendered
from reporter.run.report import Report, RunOptions
from reporter.store.database import Location, Store
from reporter.store.ledger import ReportKey
from reporter.store.review import Waiting
from reporter.world import World


def review_required(report: Report, options: RunOptions) -> bool:
    delivery = report.spec.delivery
    if delivery is None or report.approved:
        return False
    return options.review or delivery.review


def for_review(report: Report, current: Dataset, reasons: Sequence[str]) -> Report:
    """The report to render, but deliver nothing: it waits for approval."""
    return dataclasses.replace(report, review=True, current=current, reasons=tuple(reasons))


def approve(key: ReportKey, store: Store, world: World) -> None:
    """Record the approval of one report, with the holds it is approved despite; not of a
    roll-up still waiting for its accounts' reports (approve those first)."""
    waiting = store.waiting(key)
    if any(w.kind == "incomplete" for w in waiting):
        world.err.write(
            "not approved: the roll-up waits for its accounts' reports, not for an approval; "
            "`reporter pending` lists them\n"
        )
        return
    despite = [r for w in waiting for r in w.reasons]
    store.approve(key, despite, now=world.now)
    if despite:
        world.err.write(f"approved despite: {'; '.join(despite)}\n")


def approve_command(key: ReportKey, options: RunOptions) -> str:
    words = ["reporter", "approve", key.spec, "--period", key.period, "--account", key.account_id]
    if options.sandbox:
        words.append("--sandbox")
    if options.out is not None:
        words += ["--out", str(options.out)]
    return shlex.join(words)


def summary_text(report: Report, rendered: Rendered, options: RunOptions) -> str:
    """What a reviewer reads before approving: figures, gaps and what looks implausible."""
    lines = [
        f"Review: {report.account.name}, {report.period.label} ({report.path.name}), "
        f"report {report.key.report_id}",
        f"Report: {', '.join(str(f) for f in rendered.files)}",
        "",
        "Figures",
    ]
    kpis = rendered.headline.kpis if rendered.headline is not None else ()
    for kpi in kpis:
        change = f" ({kpi.delta_percent} against the comparison)" if kpi.delta_percent else ""
        lines.append(f"  {kpi.title}: {kpi.full_value or kpi.value}{change}")
    lines += ["", "Not available"]
    gaps = report.current.unavailable if report.current is not None else ()
    account_id = report.account.id
    lines += [f"  {g.metric}: {g.reason}" for g in gaps if g.object_id == account_id]
    media_gaps = [g for g in gaps if g.object_id != account_id]
    if media_gaps:
        lines.append(f"  {len(media_gaps)} media value(s); the report's notes list them")
    if report.is_rollup:  # its accounts' gaps are in their own reviews and reports' notes
        lines.append("  as in each account's report (their notes list it)")
    elif lines[-1] == "Not available":
        lines.append("  nothing")
    lines += ["", "Holds (data-quality rules; approving sends it despite them)"]
    lines += [f"  - {r}" for r in report.reasons] or ["  none"]
    flag = " --sandbox" if options.sandbox else ""
    lines += [
        "",
        f"Send it: {approve_command(report.key, options)}",
        f"     or: reporter approve {report.key.report_id}{flag}",
        "",
    ]
    return "\n".join(lines)


def await_review(
    report: Report, rendered: Rendered, store: Store, options: RunOptions, world: World
) -> str:
    """Write the review summary next to the report; the report waits. The run's line."""
    first = rendered.files[0]
    summary = first.with_name(f"{first.stem}.review.txt")
    summary.write_text(summary_text(report, rendered, options), encoding="utf-8")
    store.wait(
        report.key,
        "review",
        report.reasons,
        account_name=report.account.name,
        summary=str(summary),
        now=world.now,
    )
    held = f"; {len(report.reasons)} data-quality hold(s)" if report.reasons else ""
    return (
        f"awaiting approval{held}: nothing was sent; review {summary}, then "
        f"`{approve_command(report.key, options)}`"
    )


def pending_lines(waiting: Sequence[Waiting], *, sandbox: bool = False) -> list[str]:
    """`reporter pending`: one line per waiting report (its id first), the details below."""
    lines: list[str] = []
    for item in waiting:
        key = item.key
        name = Path(key.spec).name
        account = f"{item.account_name} ({key.account_id})" if item.account_name else key.account_id
        since = item.updated_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        what = {
            "review": "awaiting approval",
            "unconfirmed": "may have been sent",
            "incomplete": "waits for its accounts' reports",
        }.get(item.kind, "held")
        lines.append(f"{key.report_id}  {name}: {account} {key.period}: {what} (since {since})")
        if item.summary:
            lines.append(f"  summary: {item.summary}")
        lines += [f"  held: {reason}" for reason in item.reasons]
        if item.kind == "incomplete":
            lines.append("  the next `reporter run --send` sends it once they are all rendered")
        elif item.kind != "unconfirmed":  # approving cannot settle it: the held line says how
            flag = " --sandbox" if sandbox else ""
            lines.append(f"  send it: reporter approve {key.report_id}{flag}")
    return lines


def approval_target(
    target: str, period_text: str | None, accounts: Sequence[str], *, store_path: Location
) -> tuple[Path, str, tuple[str, ...]]:
    """`reporter approve TARGET`: a spec file (with --period), or a report id from
    `reporter pending`. The spec, period and accounts to run with approval."""
    if Path(target).is_file():
        if period_text is None:
            raise UsageError(f"{target}: a spec needs --period (or approve a report id)")
        return Path(target), period_text, tuple(accounts)
    if not _looks_like_an_id(target):
        raise UsageError(f"{target}: neither a spec file nor a report id (`reporter pending`)")
    if isinstance(store_path, Path) and not store_path.exists():
        raise UsageError(f"{target}: no report waits (no store at {store_path})")
    with Store.open(store_path, write=False) as store:
        found = store.waiting_by_id(target)
    if not found:
        raise UsageError(f"{target}: no waiting report has this id; `reporter pending` lists them")
    if len(found) > 1:
        ids = ", ".join(w.key.report_id for w in found)
        raise UsageError(f"{target}: more than one waiting report starts so ({ids}); say more")
    key = found[0].key
    if period_text is not None and period_text != key.period:
        raise UsageError(f"{target} is the report of {key.period}, not of {period_text}")
    if accounts and tuple(accounts) != (key.account_id,):
        raise UsageError(f"{target} is the report of account {key.account_id} alone")
    return Path(key.spec), key.period, (key.account_id,)


def _looks_like_an_id(text: str) -> bool:
    return 4 <= len(text) <= 8 and all(c in "0123456789abcdef" for c in text.lower())


def list_pending(*, store_path: Location, out: TextIO, sandbox: bool = False) -> int:
    with Store.open(store_path, write=False) as store:
        waiting = store.waiting()
    for line in pending_lines(waiting, sandbox=sandbox):
        out.write(line + "\n")
    if not waiting:
        out.write("nothing waits: every report was sent or is still to be run\n")
    return int(ExitStatus.OK)
