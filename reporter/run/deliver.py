"""The delivery end of `reporter run --send`: one rendered report to its recipients through the
ledger (jobs.deliver_report), and the words of its line; token-expiry warnings at the end."""

from __future__ import annotations

from collections.abc import Sequence

from reporter.deliver.gate import Decision
from reporter.deliver.smtp import ELSEWHERE, Result, SmtpConfig
from reporter.errors import ReporterError
from reporter.fetch.target import Target
from reporter.fetch.tokens import expiry_warnings
from reporter.run.jobs import Rendered, deliver_report
from reporter.run.log import Kind, RunLog
from reporter.run.report import Report, RunOptions
from reporter.spec.models import Spec
from reporter.store.database import Store
from reporter.world import World


def skipped_text(decisions: Sequence[Decision]) -> str:
    skips = [d for d in decisions if d.action == "skip"]
    if not skips:
        return ""
    reasons = sorted({d.reason for d in skips})
    return f"{len(skips)} recipient(s) skipped: {'; '.join(reasons)} (--resend sends again)"


def deliver_one(
    report: Report,
    rendered: Rendered,
    store: Store,
    config: SmtpConfig,
    options: RunOptions,
    world: World,
) -> tuple[Kind, str]:
    try:
        results = deliver_report(
            spec=report.spec,
            spec_dir=report.path.parent,
            account=report.account,
            period=report.period,
            key=report.key,
            rendered=rendered,
            decisions=report.decisions,
            store=store,
            config=config,
            now=world.now,
            sandbox=options.sandbox,
        )
    except ReporterError as error:
        return "failed", f"FAILED: {error}"
    kind, text = delivery_line(report.decisions, results)
    if kind == "sent":  # every recipient has it: the archived datasets are all that stays
        store.done_waiting(report.key)
        store.drop_files(report.key.spec, report.key.account_id, report.key.period)
    return kind, text


def delivery_line(decisions: Sequence[Decision], results: Sequence[Result]) -> tuple[Kind, str]:
    """The kind and words of a delivered report's line, from its decisions and the results."""
    sent = [r for r in results if r.status == "sent"]
    # Claimed by another run between the decision and the message (ledger.py): its to send.
    elsewhere = [r for r in results if r.status == "not_sent" and r.detail == ELSEWHERE]
    refused = [r for r in results if r.status != "sent" and r not in elsewhere]
    holds = [d for d in decisions if d.action == "hold"]
    parts = [f"sent to {len(sent)} of {len(results)} recipient(s)"]
    if elsewhere:
        parts.append(
            f"{len(elsewhere)} being sent by another run at this moment "
            f"({', '.join(r.recipient for r in elsewhere)}; its log says how it went)"
        )
    if skipped := skipped_text(decisions):
        parts.append(skipped)
    for result in refused:
        parts.append(
            f"refused {result.recipient}: {result.detail}; check the address in [delivery] "
            "(the next run tries it again)"
        )
    parts += [f"held {d.recipient.address}: {d.reason}" for d in holds]
    kind: Kind = "failed" if refused else "held" if holds else "sent"
    if kind == "sent" and not sent and elsewhere:
        kind = "already sent"  # by the other run: nothing of ours failed, nothing to retry
    text = "; ".join(parts)
    return kind, f"FAILED: {text}" if kind == "failed" else text


def token_warnings(specs: Sequence[Spec], target: Target, log: RunLog, world: World) -> None:
    """Tokens about to expire: shown even with --quiet (cron should mail them in time)."""
    settings, token, base = target.settings, target.token, target.base_url
    for text in expiry_warnings(specs, settings=settings, token_for=token, base_url=base,
                                environ=world.environ, now=world.now):  # fmt: skip
        log.note(text, always=True)
