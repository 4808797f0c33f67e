"""The values of `reporter run`: what the user asked for (RunOptions) and one account's report
of one period (Report). Both are frozen: each step of the run returns a new Report."""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reporter.run.log import Kind, Line

# Types only: `reporter run` without --send needs RunOptions alone, and imports neither the
# delivery nor the store before its render workers start (commands/render.py).
if TYPE_CHECKING:
    from reporter.dataset import Dataset
    from reporter.deliver.gate import Decision
    from reporter.periods import Period
    from reporter.spec.models import Account, Spec
    from reporter.store.database import Store
    from reporter.store.ledger import ReportKey

# The account id of a spec's roll-up (run/rollup.py) in the ledger, the store and `--account`:
# one roll-up a spec, and a name that no Instagram account id (digits) can be.
ROLLUP_ID = "rollup"


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
    # A worker of a distributed run (reporter/work/): the spec's key in the store as the host
    # that enqueued it knows it (the ledger's, archive's and review's key: the spec file's
    # resolved path there), and ``fetch_only`` for the fetch queue's half of the work.
    spec_key: str | None = None
    fetch_only: bool = False
    render_inline: bool = False  # in this process: a worker's processes are its parallelism
    # A roll-up's task of a distributed run: the reports (ReportKey.report_id) the workers did
    # not render in this run, so the roll-up waits for them as on one machine (run/rollup.py).
    not_made: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    path: Path
    spec: Spec
    account: Account
    period: Period
    compare: Period | None
    key: ReportKey
    decisions: tuple[Decision, ...] = ()
    requests: int = 0
    seconds: float = 0.0
    approved: bool = False
    review: bool = False  # rendered for review: not delivered, a summary written
    reasons: tuple[str, ...] = ()  # the data-quality holds found
    current: Dataset | None = None  # the dataset, for the review summary
    not_due: str = ""  # why the catch-up does not send this period yet (run/due.py)
    closed: bool = True  # the period is over (a period not due may still be settling)

    @property
    def is_rollup(self) -> bool:
        """The spec's combined report over its accounts (``account`` stands for it)."""
        return self.account.id == ROLLUP_ID

    @property
    def sends(self) -> list[Decision]:
        return [d for d in self.decisions if d.action == "send"]

    @property
    def needs_render(self) -> bool:
        if self.not_due:
            return False
        return self.spec.delivery is None or bool(self.sends)

    def line(self, kind: Kind, text: str, *, made: bool = False) -> Line:
        """The run's line about this report (``made``: see Line)."""
        return Line(
            self.path.name,
            self.account.name,
            self.period.label,
            kind,
            text,
            self.requests,
            self.seconds,
            self.key.report_id,
            made,
        )


def decided(report: Report, store: Store, options: RunOptions, holds: Sequence[str] = ()) -> Report:
    """The report with each recipient's decision from the ledger (send, skip or hold)."""
    from reporter.deliver.gate import decide, recipients

    if report.spec.delivery is None or report.not_due:
        return report
    decisions = decide(
        recipients(report.spec.delivery),
        store.deliveries(report.key),
        resend=options.resend,
        only=options.only,
        report_holds=holds,
    )
    decisions = [
        dataclasses.replace(d, reason=f"{d.reason}: `{resend_command(report, d, options)}`")
        if d.uncertain
        else d
        for d in decisions
    ]
    return dataclasses.replace(report, decisions=tuple(decisions))


def resend_command(report: Report, decision: Decision, options: RunOptions) -> str:
    """The command that sends this one report again to this one recipient (nothing else)."""
    words = ["reporter", "run", report.key.spec, "--send", "--resend", "--period",
             report.key.period, "--account", report.account.id, "--recipient",
             decision.recipient.address]  # fmt: skip
    if options.sandbox:
        words.append("--sandbox")
    if options.out is not None:
        words += ["--out", str(options.out)]
    return shlex.join(words)
