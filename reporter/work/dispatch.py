"""`reporter run --send` with a broker: one task per account of every spec, then the lines the
workers send back, printed as a local run prints them, with the same summary and exit status.
A spec's roll-up is one more task, on the render queue, once its accounts' tasks are done: it
carries which of their reports this run did not render (the roll-up then waits, as on one
machine); when an account's task did not finish, the run says the roll-up is not sent.

Everything that fails before any work starts fails here as in a local run (an invalid spec, an
unknown ``--account``); a broker that cannot be reached is one line naming it, and nothing was
enqueued or sent. A task no worker finishes within ``REPORTER_BROKER_WAIT`` seconds stays queued
and is reported as not done.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reporter.errors import ExitStatus, ReporterError
from reporter.run.log import BAD, Line, RunLog
from reporter.run.report import RunOptions
from reporter.run.rollup import rollup_chosen, rollup_unit
from reporter.run.specs import chosen, none_chosen, valid_specs
from reporter.spec.models import Account, Spec
from reporter.work.app import make_app
from reporter.work.bundle import pack
from reporter.work.tasks import FETCH, RENDER
from reporter.world import World


class BrokerUnreachable(ReporterError):
    def __init__(self, url: str, error: BaseException) -> None:
        super().__init__(
            f"the broker at {redacted(url)} cannot be reached ({type(error).__name__}: {error}): "
            "start it, or unset REPORTER_BROKER_URL to run here; nothing was enqueued or sent"
        )


class BrokerLost(ReporterError):
    def __init__(self, url: str, error: BaseException, waiting: int) -> None:
        super().__init__(
            f"lost the broker at {redacted(url)} while {waiting} account(s) were still being "
            f"worked on ({type(error).__name__}: {error}): what the workers finished is stored "
            "and sent; run the same command again once the broker is back: the ledger sends "
            "nothing twice"
        )


def redacted(url: str) -> str:
    """The URL without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def run_distributed(paths: Sequence[Path], *, options: RunOptions, world: World) -> int:
    started = time.monotonic()
    settings = world.settings
    assert settings.broker_url is not None
    url = settings.broker_url.get_secret_value()
    specs = valid_specs(paths, world)
    work: list[tuple[Path, Account, dict[str, Any]]] = []
    bundles: dict[Path, dict[str, Any]] = {}
    for path, spec in specs:
        bundles[path] = bundle = pack(path)
        for account in spec.accounts:
            if not chosen(account, options.accounts):
                continue
            work.append((path, account, _payload(path, account, bundle, options, world)))
    rollups = [(path, spec) for path, spec in specs if rollup_chosen(spec, options.accounts)]
    if not work and not rollups:
        raise none_chosen(options.accounts)
    app = make_app(
        url,
        visibility_timeout=settings.broker_visibility_timeout,
        namespace=settings.broker_namespace,
    )
    log = RunLog(out=world.out, err=world.err, total=len(work) + len(rollups),
                 quiet=options.quiet, log_file=options.log_file, now=world.now)  # fmt: skip
    pending: list[tuple[Path, Account, Any]] = []
    try:
        for path, account, payload in work:
            pending.append((path, account, app.signature(FETCH, args=(payload,)).apply_async()))
    except Exception as error:  # kombu's OperationalError, redis' ConnectionError, …
        if pending:
            for _, _, result in pending:
                result.revoke()
        raise BrokerUnreachable(url, error) from None
    lost: set[tuple[Path, str]] = set()
    status = _collect(pending, log, wait=settings.broker_wait, url=url, lost=lost)
    if rollups:
        later = _rollups(rollups, bundles, lost, log, options, world)
        try:
            for path, account, payload in later:
                task = app.signature(RENDER, args=(payload,), queue=RENDER).apply_async()
                pending.append((path, account, task))
        except Exception as error:
            raise BrokerLost(url, error, len(later)) from None
        status = max(status, _collect(pending, log, wait=settings.broker_wait, url=url))
    log.finish(time.monotonic() - started)
    bad = any(line.kind in BAD for line in log.lines)
    return max(status, int(ExitStatus.FAILED if bad else ExitStatus.OK))


def _payload(
    path: Path, account: Account, bundle: dict[str, Any], options: RunOptions, world: World
) -> dict[str, Any]:
    return {
        "spec_key": str(path.resolve()),  # the ledger's key, as a local run of this file has it
        "account": account.id,
        "bundle": bundle,
        "now": world.now.isoformat(),
        "enqueued": time.time(),
        "options": {
            "resend": options.resend,
            "only": list(options.only),
            "period_text": options.period_text,
            "out": str(options.out) if options.out else None,
            "sandbox": options.sandbox,
            "review": options.review,
        },
    }


def _rollups(
    rollups: Sequence[tuple[Path, Spec]],
    bundles: dict[Path, dict[str, Any]],
    lost: set[tuple[Path, str]],
    log: RunLog,
    options: RunOptions,
    world: World,
) -> list[tuple[Path, Account, dict[str, Any]]]:
    """The roll-up tasks, with the reports of this run that were not rendered; a roll-up line
    instead when one of its accounts' tasks did not finish (what it did is unknown here)."""
    made: dict[str, bool] = {}
    for line in log.lines:
        if line.report_id:
            made[line.report_id] = made.get(line.report_id, False) or line.made
    not_made = sorted(report for report, done in made.items() if not done)
    work = []
    for path, spec in rollups:
        account, _ = rollup_unit(spec)
        missing = [a.name for a in spec.accounts if (path, a.id) in lost]
        if missing:
            text = (
                f"not sent: the workers did not finish {', '.join(missing)}; the next run sends "
                "the roll-up once every account's report is rendered"
            )
            log.report(Line(path.name, account.name, "", "held", text, 0, 0.0))
            continue
        payload = _payload(path, account, bundles[path], options, world)
        payload["options"]["not_made"] = not_made
        work.append((path, account, payload))
    return work


def _collect(
    pending: list[tuple[Path, Account, Any]],
    log: RunLog,
    *,
    wait: float,
    url: str,
    lost: set[tuple[Path, str]] | None = None,
) -> int:
    """Each account's lines as its task finishes; the worst status of them. ``lost``: the
    accounts whose task did not finish (or failed as a whole) are added to it."""
    lost = set() if lost is None else lost
    status = int(ExitStatus.OK)
    deadline = time.monotonic() + wait
    done = 0
    while pending:
        log.progress(f"{done} of {done + len(pending)} accounts done by the workers")
        try:
            ready = [item for item in pending if item[2].ready()]
        except Exception as error:  # the result backend's connection: redis', AMQP's errors
            raise BrokerLost(url, error, len(pending)) from None
        if not ready:
            if time.monotonic() > deadline:
                for path, account, _ in pending:
                    lost.add((path, account.id))
                    log.report(Line(path.name, account.name, "", "failed",
                                    f"FAILED: no worker finished it within {wait:g} s; it stays "
                                    "queued: start `reporter worker` (REPORTER_BROKER_WAIT)",
                                    0, 0.0))  # fmt: skip
                return int(ExitStatus.FAILED)
            time.sleep(0.2)
            continue
        for item in ready:
            pending.remove(item)
            done += 1
            reported, finished = _report(item, log)
            if not finished:
                lost.add((item[0], item[1].id))
            status = max(status, reported)
    return status


def _report(item: tuple[Path, Account, Any], log: RunLog) -> tuple[int, bool]:
    """The task's status, and whether it finished (False: it failed as a whole, no report's
    line says what it did)."""
    path, account, result = item
    try:
        value = result.get(propagate=True, disable_sync_subtasks=False)
    except Exception as error:  # the task itself failed (a worker's bug or a lost result)
        text = f"FAILED on a worker: {type(error).__name__}: {error}"
        log.report(Line(path.name, account.name, "", "failed", text, 0, 0.0))
        return int(ExitStatus.UNEXPECTED), False
    finally:
        result.forget()
    for note in value["notes"]:
        log.note(note, always=note.startswith("error:"))
    for fields in value["lines"]:
        log.report(Line(**fields))
    if not value["lines"] and value["status"]:
        log.report(Line(path.name, account.name, "", "failed", "FAILED: see the error above",
                        0, 0.0))  # fmt: skip
        return int(value["status"]), False
    return int(value["status"]), True
