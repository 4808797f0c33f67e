"""`reporter run --send` with a broker: one task per account of every spec, then the lines the
workers send back, printed as a local run prints them, with the same summary and exit status.

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
from reporter.run.specs import chosen, none_chosen, valid_specs
from reporter.spec.models import Account
from reporter.work.app import make_app
from reporter.work.bundle import pack
from reporter.work.tasks import FETCH
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
    for path, spec in specs:
        bundle = pack(path)
        for account in spec.accounts:
            if not chosen(account, options.accounts):
                continue
            work.append((path, account, _payload(path, account, bundle, options, world)))
    if not work:
        raise none_chosen(options.accounts)
    app = make_app(
        url,
        visibility_timeout=settings.broker_visibility_timeout,
        namespace=settings.broker_namespace,
    )
    log = RunLog(out=world.out, err=world.err, total=len(work), quiet=options.quiet,
                 log_file=options.log_file, now=world.now)  # fmt: skip
    pending: list[tuple[Path, Account, Any]] = []
    try:
        for path, account, payload in work:
            pending.append((path, account, app.signature(FETCH, args=(payload,)).apply_async()))
    except Exception as error:  # kombu's OperationalError, redis' ConnectionError, …
        if pending:
            for _, _, result in pending:
                result.revoke()
        raise BrokerUnreachable(url, error) from None
    status = _collect(pending, log, wait=settings.broker_wait, url=url)
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


def _collect(
    pending: list[tuple[Path, Account, Any]], log: RunLog, *, wait: float, url: str
) -> int:
    """Each account's lines as its task finishes; the worst status of them."""
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
            status = max(status, _report(item, log))
    return status


def _report(item: tuple[Path, Account, Any], log: RunLog) -> int:
    path, account, result = item
    try:
        value = result.get(propagate=True, disable_sync_subtasks=False)
    except Exception as error:  # the task itself failed (a worker's bug or a lost result)
        text = f"FAILED on a worker: {type(error).__name__}: {error}"
        log.report(Line(path.name, account.name, "", "failed", text, 0, 0.0))
        return int(ExitStatus.UNEXPECTED)
    finally:
        result.forget()
    for note in value["notes"]:
        log.note(note, always=note.startswith("error:"))
    for fields in value["lines"]:
        log.report(Line(**fields))
    if not value["lines"] and value["status"]:
        log.report(Line(path.name, account.name, "", "failed", "FAILED: see the error above",
                        0, 0.0))  # fmt: skip
    return int(value["status"])
