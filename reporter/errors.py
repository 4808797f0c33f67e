"""Exit statuses, the error tree, and the one error handler.

What the user can fix is a ReporterError: its message (and its details, such as a spec's
diagnostics) and its exit status. Anything else is a bug: one line, exit 3, and the traceback in
a crash log. The CLI wraps every command in ``error_handler``; `reporter run` uses ``crash_log``
for a bug in one report, so the other reports still go out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import os
import tempfile
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TextIO


class ExitStatus(enum.IntEnum):
    OK = 0
    FAILED = 1  # the user can fix it: invalid spec (validate), some reports failed (run)
    USAGE = 2  # wrong command line, invalid settings, or specs invalid before anything ran
    UNEXPECTED = 3  # a bug: the traceback goes to a log file
    INTERRUPTED = 130  # Ctrl-C


class ReporterError(Exception):
    """An error the user can act on. Its message says what happened and what to do next."""

    exit_status = ExitStatus.FAILED

    def details(self) -> str:
        """Lines printed before the message (a spec's diagnostics); none by default."""
        return ""


class UsageError(ReporterError):
    exit_status = ExitStatus.USAGE


@contextlib.contextmanager
def error_handler(
    *,
    err: TextIO,
    environ: Mapping[str, str],
    clock: Callable[[], dt.datetime],
    passthrough: tuple[type[BaseException], ...] = (),
) -> Iterator[None]:
    """Map what escapes the block to a message on ``err`` and an exit status (SystemExit).
    ``passthrough``: exceptions that are not ours to handle (the CLI library's own)."""
    try:
        yield
    except passthrough:
        raise
    except ReporterError as error:
        if details := error.details():
            err.write(details + "\n")
        err.write(f"error: {error}\n")
        raise SystemExit(int(error.exit_status)) from None
    except KeyboardInterrupt:
        err.write("interrupted\n")
        raise SystemExit(int(ExitStatus.INTERRUPTED)) from None
    except Exception as error:  # the last resort: any bug ends here
        log = crash_log(error, environ=environ, now=clock())
        err.write(
            f"unexpected error: {type(error).__name__}: {error}\n"
            f"the traceback is in {log}; please report it\n"
        )
        raise SystemExit(int(ExitStatus.UNEXPECTED)) from None


def crash_log_dir(environ: Mapping[str, str]) -> Path:
    """Where tracebacks of unexpected errors go: $XDG_STATE_HOME/reporter (or ~/.local/state)."""
    state = environ.get("XDG_STATE_HOME") or str(
        Path(environ.get("HOME") or "~").expanduser() / ".local" / "state"
    )
    return Path(state) / "reporter"


def crash_log(error: BaseException, *, environ: Mapping[str, str], now: dt.datetime) -> Path:
    """Write ``error``'s traceback to a new file and return its path (a temp file as fallback)."""
    text = "".join(traceback.format_exception(error))
    prefix = f"crash-{now.astimezone(dt.UTC):%Y%m%dT%H%M%S}-{os.getpid()}-"
    try:
        folder = crash_log_dir(environ)
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=".log", dir=folder)
    except OSError:
        handle, name = tempfile.mkstemp(prefix=f"reporter-{prefix}", suffix=".log")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    return Path(name)
