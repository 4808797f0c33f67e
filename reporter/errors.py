"""Exit statuses and the error tree. The CLI maps every ReporterError to its exit status."""

from __future__ import annotations

import datetime as dt
import enum
import os
import tempfile
import traceback
from pathlib import Path


class ExitStatus(enum.IntEnum):
    OK = 0
    FAILED = 1  # the user can fix it: invalid spec (validate), some reports failed (run)
    USAGE = 2  # wrong command line, invalid settings, or specs invalid before anything ran
    UNEXPECTED = 3  # a bug: the traceback goes to a log file


class ReporterError(Exception):
    """An error the user can act on. Its message says what happened and what to do next."""

    exit_status = ExitStatus.FAILED


class UsageError(ReporterError):
    exit_status = ExitStatus.USAGE


def crash_log_dir() -> Path:
    """Where tracebacks of unexpected errors go: $XDG_STATE_HOME/reporter (or ~/.local/state)."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "reporter"


def write_crash_log(error: BaseException) -> Path:
    """Write ``error``'s traceback to a new file and return its path (a temp file as fallback)."""
    text = "".join(traceback.format_exception(error))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    try:
        folder = crash_log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}-{os.getpid()}.log"
        path.write_text(text, encoding="utf-8")
    except OSError:
        handle, name = tempfile.mkstemp(prefix="reporter-crash-", suffix=".log")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        path = Path(name)
    return path
