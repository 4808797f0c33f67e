"""What a `reporter worker` runs: one account of one spec, in two halves.

``reporter.fetch`` (the fetch queue: I/O bound) fetches every due period of the account into the
store and archives it, exactly as a local run's fetch does; when something is to be rendered it
replaces itself with ``reporter.render`` (the render queue: CPU bound), which keeps its task id,
so the enqueuing host waits on one result per account. The render half is a local run of the
same account: it finds the archived data, renders it and delivers through the ledger.

Each half runs `run/pipeline.py` as is, on the spec's folder unpacked into a temporary folder,
and returns the run's lines as plain values for the enqueuing host to print.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from reporter.errors import ReporterError, crash_log
from reporter.run.log import RunLog
from reporter.run.pipeline import run_reports
from reporter.run.report import RunOptions
from reporter.store.account_lock import account_lock
from reporter.work.bundle import unpack
from reporter.world import World, read_environment

FETCH, RENDER = "reporter.fetch", "reporter.render"  # the two queues, and their tasks' names


def register(app: Any) -> None:
    """The two tasks, on ``app``."""

    @app.task(name=FETCH, bind=True)  # type: ignore[untyped-decorator]
    def fetch(self: Any, payload: dict[str, Any]) -> dict[str, Any]:
        result = run_part(payload, fetch_only=True)
        if any(line["kind"] == "fetched" for line in result["lines"]):
            follow = {**payload, "fetched": result}
            return self.replace(app.signature(RENDER, args=(follow,), queue=RENDER))  # type: ignore[no-any-return]
        return result

    @app.task(name=RENDER, bind=True)  # type: ignore[untyped-decorator]
    def render(self: Any, payload: dict[str, Any]) -> dict[str, Any]:
        result = run_part(payload, fetch_only=False)
        fetched = payload.get("fetched") or {"lines": [], "notes": [], "status": 0}
        # The fetch's notes (a token expiring, a script without a font) and its lines of
        # periods that needed no render stay; its "fetched" lines are this run's now.
        kept = [line for line in fetched["lines"] if line["kind"] != "fetched"]
        cost = {(line["period"]): line for line in fetched["lines"] if line["kind"] == "fetched"}
        lines = []
        for line in result["lines"]:  # the fetch's requests and time are the report's too
            before = cost.get(line["period"])
            if before is not None:
                line = {**line, "requests": line["requests"] + before["requests"],
                        "seconds": line["seconds"] + before["seconds"]}  # fmt: skip
            lines.append(line)
        return {
            "status": max(result["status"], fetched["status"]),
            "lines": kept + lines,
            "notes": fetched["notes"] + [n for n in result["notes"] if n not in fetched["notes"]],
        }


def payload_now(payload: dict[str, Any]) -> dt.datetime:
    """The enqueuing host's clock, moved on by the time the task waited: the periods due are
    that host's, and the ledger's times are when things happened."""
    started = dt.datetime.fromisoformat(payload["now"])
    waited = max(0.0, time.time() - float(payload["enqueued"]))
    return started + dt.timedelta(seconds=waited)


def run_part(payload: dict[str, Any], *, fetch_only: bool) -> dict[str, Any]:
    """One half of one account's work; the run's status, lines and notes."""
    environ = read_environment(os.environ, Path(".env"))  # the worker's own tokens and SMTP
    out, err = io.StringIO(), io.StringIO()
    world = World(now=payload_now(payload), environ=environ, out=out, err=err)
    log = RunLog(out=out, err=err, total=1, quiet=False, log_file=None, now=world.now)
    given = payload["options"]
    with tempfile.TemporaryDirectory(prefix="reporter-task-") as folder:
        spec = unpack(payload["bundle"], Path(folder))
        options = RunOptions(
            resend=given["resend"],
            only=tuple(given["only"]),
            period_text=given["period_text"],
            out=Path(given["out"]) if given["out"] else None,
            sandbox=given["sandbox"],
            review=given["review"],
            accounts=(payload["account"],),
            spec_key=payload["spec_key"],
            fetch_only=fetch_only,
            render_inline=True,
            not_made=tuple(given.get("not_made", ())),
        )
        try:
            # One account's fetches on one worker at a time: Meta's limits are per token.
            lock = account_lock(world.settings.store, payload["account"]) if fetch_only else None
            with lock or contextlib.nullcontext():
                status = run_reports([spec], options=options, world=world, log=log)
        except ReporterError as error:
            text = str(error).replace(folder + "/", "")
            return {"status": int(error.exit_status), "lines": [], "notes": [f"error: {text}"]}
        except Exception as error:
            crash = crash_log(error, environ=environ, now=world.now)
            text = f"error: unexpected {type(error).__name__} on a worker: {error}; see {crash}"
            return {"status": 3, "lines": [], "notes": [text]}
    shown = {line.plain() for line in log.lines}
    notes = [n for n in err.getvalue().splitlines() if n and n not in shown]
    return {
        "status": status,
        "lines": [dataclasses.asdict(line) for line in log.lines],
        "notes": notes,
    }
