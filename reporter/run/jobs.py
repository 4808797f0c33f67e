"""The two halves of one report's work after its fetch: rendering (CPU bound, in a worker
process: ``render_job`` takes and returns plain picklable values) and delivery (in the process
holding the store, so every ledger write goes through the run's one store connection)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reporter.errors import machine_error

# Imported where used: a run that only renders (this module is all it needs of run/) imports no
# delivery (Jinja2, smtplib), and the render workers no store.
if TYPE_CHECKING:
    from reporter.catalogue import Catalogue
    from reporter.dataset import Dataset
    from reporter.dataset.history import Month
    from reporter.deliver.content import Headline
    from reporter.deliver.gate import Decision
    from reporter.deliver.smtp import Outgoing, Result, SmtpConfig
    from reporter.periods import Period
    from reporter.spec.models import Account, Spec
    from reporter.store.database import Store
    from reporter.store.ledger import LedgerRow, ReportKey


@dataclass(frozen=True)
class RenderJob:
    spec: Spec
    spec_dir: Path
    account: Account
    current: Dataset
    previous: Dataset | None
    thumbnails: dict[str, bytes]
    out_root: Path
    now: dt.datetime  # when the report was first rendered (the archive's date)
    commentary: str | None
    headline: bool  # the e-mail's figures too
    catalogue: Catalogue
    simulated: bool = False  # the sandbox's data: the PDF says so on every page
    history: tuple[Month, ...] = ()  # the months before, from the store (run/history.py)


@dataclass(frozen=True)
class RollupJob:
    """A spec's roll-up over its accounts' reports of one period (run/rollup.py)."""

    spec: Spec
    spec_dir: Path
    members: tuple[tuple[Account, Dataset, Dataset | None], ...]
    out_root: Path
    now: dt.datetime  # the latest of its accounts' renders: the same roll-up every time
    headline: bool
    catalogue: Catalogue
    simulated: bool = False


@dataclass(frozen=True)
class Rendered:
    files: tuple[Path, ...]
    pdf: Path | None  # a path, not bytes: the run process holds no PDF between reports
    headline: Headline | None
    seconds: float


def render_job(job: RenderJob) -> Rendered:
    """Write the report's files; return them, the PDF's path and the e-mail's figures.
    A full disk or a read-only output folder fails this report only (a MachineError)."""
    try:
        return _render(job)
    except OSError as error:
        if (refused := machine_error(error)) is None:
            raise
        raise refused from None


def render_rollup_job(job: RollupJob) -> Rendered:
    """``render_job`` for a roll-up: its files, the PDF's path and the e-mail's figures."""
    try:
        return _render_rollup(job)
    except OSError as error:
        if (refused := machine_error(error)) is None:
            raise
        raise refused from None


def _render_rollup(job: RollupJob) -> Rendered:
    from reporter.deliver.content import rollup_headline
    from reporter.render import rollup

    started = time.monotonic()
    written = rollup.write(job.spec, job.members, now=job.now, spec_dir=job.spec_dir,
                           catalogue=job.catalogue, out_root=job.out_root,
                           simulated=job.simulated)  # fmt: skip
    pdf = next((f for f in written.files if f.suffix == ".pdf"), None)
    figures = rollup_headline(job.spec, written) if job.headline else None
    return Rendered(written.files, pdf, figures, time.monotonic() - started)


def _render(job: RenderJob) -> Rendered:
    from reporter.deliver.content import headline
    from reporter.render.formatting import Formatter
    from reporter.render.report import render_report

    started = time.monotonic()
    files = render_report(
        job.spec,
        job.account,
        job.current,
        job.previous,
        thumbnails=job.thumbnails,
        out_root=job.out_root,
        now=job.now,
        spec_dir=job.spec_dir,
        catalogue=job.catalogue,
        commentary=job.commentary,
        snapshot=Formatter(job.spec.report.locale, job.spec.report.timezone).datetime(job.now),
        simulated=job.simulated,
        history=job.history,
    )
    pdf = next((f for f in files if f.suffix == ".pdf"), None)
    figures = None
    if job.headline:
        figures = headline(
            job.spec, job.account, job.current, job.previous, now=job.now, catalogue=job.catalogue
        )
    return Rendered(
        tuple(files),
        pdf,
        figures,
        time.monotonic() - started,
    )


class LedgerHooks:
    """deliver.send's hooks: each step of each message written to the ledger as it happens."""

    def __init__(
        self, store: Store, key: ReportKey, now: dt.datetime, seen: Mapping[str, LedgerRow | None]
    ) -> None:
        self.store, self.key, self.now, self.seen = store, key, now, seen

    def sending(self, item: Outgoing) -> bool:
        """The ledger's claim: False when another host has this recipient (ledger.py)."""
        message_id = str(item.message["Message-ID"])
        seen = self.seen.get(item.recipient)
        return self.store.claim(self.key, item.recipient, message_id, seen=seen, now=self.now)

    def sent(self, item: Outgoing, reply: str) -> None:
        self.store.mark_sent(self.key, item.recipient, reply, now=self.now)

    def failed(self, item: Outgoing, detail: str) -> None:
        self.store.mark_failed(self.key, item.recipient, detail, now=self.now)


def deliver_report(
    *,
    spec: Spec,
    spec_dir: Path,
    account: Account,
    period: Period,
    key: ReportKey,
    rendered: Rendered,
    decisions: Sequence[Decision],
    store: Store,
    config: SmtpConfig,
    now: dt.datetime,
    sandbox: bool,
) -> list[Result]:
    """Send the report to every recipient decided "send"; the ledger follows each step.
    Raises SmtpFailed (connection) or MessageTooLarge / MessageTemplateError (nothing sent)."""
    from email.utils import parseaddr

    from reporter.deliver.content import compose
    from reporter.deliver.gate import message_id
    from reporter.deliver.smtp import Outgoing, make_message, send

    assert rendered.pdf is not None and rendered.headline is not None and spec.delivery
    body = compose(spec, account, period, rendered.headline, spec_dir=spec_dir, sandbox=sandbox)
    pdf = rendered.pdf.read_bytes()  # read per report as it is sent, dropped after
    csv = next((f for f in rendered.files if f.suffix == ".csv"), None)
    table = None
    if csv is not None:
        table = (body.attachment_name.removesuffix(".pdf") + ".csv", csv.read_bytes())
    domain = parseaddr(config.sender)[1].rpartition("@")[2] or "reporter.invalid"
    outgoing = [
        Outgoing(
            d.recipient.address,
            make_message(
                sender=config.sender,
                to=spec.delivery.to,
                cc=spec.delivery.cc,
                subject=body.subject,
                text=body.text,
                html=body.html,
                attachment=(body.attachment_name, pdf),
                table=table,
                date=now,
                message_id=message_id(key, d.recipient.address, d.attempt, domain),
                max_bytes=config.max_bytes,
            ),
        )
        for d in decisions
        if d.action == "send"
    ]
    if not outgoing:
        return []
    seen = {d.recipient.address: d.seen for d in decisions if d.action == "send"}
    return send(outgoing, config=config, hooks=LedgerHooks(store, key, now, seen))


def keep_files(store: Store, key: ReportKey, files: Sequence[Path], *, now: dt.datetime) -> None:
    """A rendered report's files into the store's archive, so any host can send or show it."""
    try:
        found = [(path.name, path.read_bytes()) for path in files]
    except OSError:  # gone already (a full disk was reported with the render): keep none
        return
    store.archive_files(key.spec, key.account_id, key.period, found, now=now)
