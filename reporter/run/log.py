"""What `reporter run --send` prints: one plain line per report and a summary (cron), a progress
line on a terminal, only the failures with ``--quiet``, and every line appended to ``--log-file``.
``Status`` is that progress line; `fetch`, `collect`, `render` and `run` show it too
(``status_world``), on a terminal only: cron's mail stays as it was.

Cron mails whatever a job prints, so ``--quiet`` prints nothing at all when every report went
out, and the failures (each with what to do) plus the summary when one did not.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

if TYPE_CHECKING:
    from reporter.world import World

Kind = Literal["sent", "already sent", "rendered", "held", "failed", "not due", "fetched"]
BAD: frozenset[Kind] = frozenset({"held", "failed"})


@dataclass(frozen=True)
class Line:
    spec: str  # the spec file's name as given
    account: str
    period: str
    kind: Kind
    text: str  # what happened, and for a failure what to do
    requests: int
    seconds: float
    # Which report (ReportKey.report_id, the same on every host), and whether its render stands
    # after this line (rendered in this run, or nothing to render: its recipients are done): a
    # roll-up goes out once every account's report of its period is made (run/rollup.py).
    report_id: str = ""
    made: bool = False

    def plain(self) -> str:
        head = f"{self.spec}: {self.account} {self.period}: "
        return f"{head}{self.text} ({self.requests} requests, {self.seconds:.1f} s)"


class Status:
    """A transient status line on stderr, when it is a terminal and not ``--quiet``: what is
    being waited for right now. Any other write clears it first (``status_world``)."""

    WIDTH = 120

    def __init__(self, err: TextIO, *, quiet: bool = False) -> None:
        self.err = err
        self.terminal = _isatty(err) and not quiet
        self._shown = False
        self._lock = threading.Lock()  # the fetch's threads report their accounts

    def __call__(self, text: str) -> None:
        if self.terminal:
            with self._lock:
                self.err.write("\r\x1b[K" + text[: self.WIDTH])
                self.err.flush()
                self._shown = True

    def clear(self) -> None:
        if self.terminal and self._shown:
            with self._lock:
                self.err.write("\r\x1b[K")
                self.err.flush()
                self._shown = False


class _Clearing(io.TextIOBase):
    """A stream that clears the status line before anything is written to it."""

    def __init__(self, stream: TextIO, status: Status) -> None:
        self.stream, self.status = stream, status

    def write(self, text: str) -> int:
        self.status.clear()
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return _isatty(self.stream)


@contextlib.contextmanager
def status_world(world: World, *, quiet: bool = False) -> Iterator[tuple[World, Status]]:
    """The command's world whose streams clear the status line, and the line; cleared at the
    end, whatever ends the command (an error's line then starts at the left)."""
    status = Status(world.err, quiet=quiet)
    if not status.terminal:
        yield world, status
        return
    out, err = _Clearing(world.out, status), _Clearing(world.err, status)
    try:
        yield dataclasses.replace(world, out=out, err=err), status  # type: ignore[arg-type]
    finally:
        status.clear()


class RunLog:
    def __init__(
        self,
        *,
        out: TextIO,
        err: TextIO,
        total: int,
        quiet: bool,
        log_file: Path | None,
        now: dt.datetime,
    ) -> None:
        self.out, self.err, self.total, self.quiet = out, err, total, quiet
        self.now = now
        self._start = time.monotonic()
        self.lines: list[Line] = []
        self.status = Status(err, quiet=quiet)
        self._file = log_file.open("a", encoding="utf-8") if log_file is not None else None

    def progress(self, text: str) -> None:
        """A transient status line (terminal only): what is going on right now."""
        self.status(f"[{len(self.lines)}/{self.total}] {text}")

    def report(self, line: Line) -> None:
        self.lines.append(line)
        self._clear()
        if line.kind in BAD:
            self.err.write(line.plain() + "\n")
        elif not self.quiet:
            self.out.write(line.plain() + "\n")
        self._log(line.plain())

    def note(self, text: str, *, always: bool = False) -> None:
        """A line that is not a report's (a warning): shown unless quiet, always logged."""
        self._clear()
        if always or not self.quiet:
            self.err.write(text + "\n")
        self._log(text)

    def finish(self, seconds: float) -> str:
        self._clear()
        counts = Counter(line.kind for line in self.lines)
        parts = [f"{counts[k]} {k}" for k in ("sent", "already sent", "rendered", "held", "failed")]
        if counts["not due"]:
            parts.append(f"{counts['not due']} not due yet")
        text = f"{len(self.lines)} report(s): {', '.join(parts)} in {seconds:.1f} s"
        bad = counts["failed"] + counts["held"]
        if bad:
            text += (
                "; fix what the lines above say, then run the same command again: what was "
                "delivered is not sent again"
            )
            self.err.write(text + "\n")
        elif not self.quiet:
            self.out.write(text + "\n")
        self._log(text)
        if self._file is not None:
            self._file.close()
        return text

    def _clear(self) -> None:
        self.status.clear()

    def _log(self, text: str) -> None:
        if self._file is not None:
            moment = self.now + dt.timedelta(seconds=time.monotonic() - self._start)
            stamp = moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            self._file.write(f"{stamp} {text}\n")
            self._file.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _Tee(io.TextIOBase):
    """Writes to a stream (or nowhere) and appends every line, time-stamped, to a log."""

    def __init__(self, stream: TextIO | None, log: TextIO | None, now: dt.datetime) -> None:
        self.stream, self.log, self.now = stream, log, now

    def write(self, text: str) -> int:
        if self.stream is not None:
            self.stream.write(text)
        if self.log is not None:
            stamp = self.now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.log.write("".join(f"{stamp} {line}\n" for line in text.splitlines()))
        return len(text)

    def isatty(self) -> bool:
        return self.stream is not None and _isatty(self.stream)


@contextlib.contextmanager
def render_only_world(world: World, *, quiet: bool, log_file: Path | None) -> Iterator[World]:
    """`run` without --send: ``--quiet`` drops the "wrote" lines, ``--log-file`` keeps all."""
    with contextlib.ExitStack() as stack:
        log = stack.enter_context(log_file.open("a", encoding="utf-8")) if log_file else None
        out = _Tee(None if quiet else world.out, log, world.now)
        err = _Tee(world.err, log, world.now)
        yield dataclasses.replace(world, out=out, err=err)  # type: ignore[arg-type]
