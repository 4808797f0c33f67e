"""Exit statuses, the error tree, and the one error handler.

What the user can fix is a ReporterError: its message (and its details, such as a spec's
diagnostics) and its exit status. Anything else is a bug: one line, exit 3, and the traceback in
a crash log. The CLI wraps every command in ``error_handler``; `reporter run` uses ``crash_log``
for a bug in one report, so the other reports still go out.

What the machine refuses is not a bug either: a full disk, a read-only folder or file
(``machine_error`` turns such an OSError into a one-line MachineError naming the file), and a
reader that closed our stdout (``reporter pending | head -1``): that ends the command quietly
with status 141, as the shell reports any tool that SIGPIPE stopped. Ctrl-C ends a command
with 130 and SIGTERM with 143 (``Terminated``), each with one line and nothing half-written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import errno
import os
import select
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn, TextIO


class ExitStatus(enum.IntEnum):
    OK = 0
    FAILED = 1  # the user can fix it: invalid spec (validate), some reports failed (run)
    USAGE = 2  # wrong command line, invalid settings, or specs invalid before anything ran
    UNEXPECTED = 3  # a bug: the traceback goes to a log file
    INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT
    TERMINATED = 143  # SIGTERM (kill, systemd stopping the job, a timeout): 128 + SIGTERM
    CLOSED_OUTPUT = 141  # the reader of stdout went away (`| head`): 128 + SIGPIPE


class ReporterError(Exception):
    """An error the user can act on. Its message says what happened and what to do next."""

    exit_status = ExitStatus.FAILED

    def details(self) -> str:
        """Lines printed before the message (a spec's diagnostics); none by default."""
        return ""


class UsageError(ReporterError):
    exit_status = ExitStatus.USAGE


class MachineError(ReporterError):
    """The machine refused a read or write (full disk, read-only file); what was stored is kept."""


# errno -> what to do about it. Only what the machine decides; any other OSError is ours to fix.
_MACHINE_FIXES = {
    errno.ENOSPC: "free space on that disk, then run again",
    errno.EDQUOT: "free space within your disk quota, then run again",
    errno.EFBIG: "raise the file-size limit (ulimit -f) or write to another disk, then run again",
    errno.EROFS: "that file system is mounted read-only: choose a writable folder",
    errno.EACCES: "give this user access to it (or choose another file or folder)",
    errno.EPERM: "give this user access to it (or choose another file or folder)",
    errno.EIO: "the disk reported an input/output error: check it (dmesg), then run again",
}


class Terminated(BaseException):
    """SIGTERM arrived. Like KeyboardInterrupt it is no Exception, so it ends the command through
    the same cleanup as Ctrl-C (open transactions rolled back, a mail being sent left
    ``sending``), not through an ``except Exception`` that would carry on."""


class _Sigterm:
    """This process's SIGTERM state (a signal handler is process-wide by nature)."""

    holding = 0  # inside ``sigterm_held`` blocks
    pending = False  # SIGTERM came while held
    arrived = False  # SIGTERM came (its Terminated may have been swallowed: see check_terminated)


def _terminate() -> NoReturn:
    _Sigterm.arrived = True
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the cleanup
    raise Terminated


def check_terminated() -> None:
    """Raise Terminated again if SIGTERM came and its Terminated got lost: the handler raises in
    whatever Python code runs at that moment, and Python ignores an exception raised inside a
    weakref callback or ``__del__`` ("Exception ignored in: WeakKeyDictionary ... remove", seen
    in tests/test_signals.py). Called between reports and when the command ends."""
    if _Sigterm.arrived:
        raise Terminated


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block, SIGTERM raises Terminated in the main thread (once: a second SIGTERM
    while the first is being cleaned up is ignored). Elsewhere than the main thread, nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        if _Sigterm.holding:
            _Sigterm.pending = True
        else:
            _terminate()

    def unraisable(info: Any) -> None:
        # Python printed "Exception ignored in: …" for a Terminated raised where exceptions
        # are dropped; it is recorded and raised again (check_terminated), so say nothing.
        if not isinstance(info.exc_value, Terminated):
            hook(info)

    _Sigterm.arrived = False
    hook = sys.unraisablehook
    sys.unraisablehook = unraisable
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        try:
            yield
        except SystemExit:  # the command's own exit status, as if no SIGTERM had come
            check_terminated()
            raise
        check_terminated()
    finally:
        signal.signal(signal.SIGTERM, previous)
        sys.unraisablehook = hook


@contextlib.contextmanager
def sigterm_held() -> Iterator[None]:
    """A step SIGTERM must not cut in two (starting a worker process): Terminated waits for
    the block's end."""
    _Sigterm.holding += 1
    try:
        yield
    finally:
        _Sigterm.holding -= 1
        if not _Sigterm.holding and _Sigterm.pending:
            _Sigterm.pending = False
            _terminate()


def machine_error(error: BaseException) -> MachineError | None:
    """``error`` as a one-line MachineError when the machine refused (else None):
    ``/out/acme/report.pdf: no space left on device; free space on that disk, then run again``."""
    if not isinstance(error, OSError) or error.errno not in _MACHINE_FIXES:
        return None
    reason = (error.strerror or os.strerror(error.errno)).lower()
    where = f"{error.filename}: " if error.filename is not None else ""
    return MachineError(f"{where}{reason}; {_MACHINE_FIXES[error.errno]}")


def _reader_gone(stream: TextIO | None) -> bool:
    """Whether ``stream`` is a pipe whose reader closed it (poll says POLLERR on its end)."""
    try:
        fd = stream.fileno() if stream is not None else -1
    except (AttributeError, OSError, ValueError):
        return False
    if fd < 0 or not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poller.poll(0))


def _silence(stream: TextIO) -> None:
    """Point a closed stdout at /dev/null, so the interpreter's last flush has nowhere to fail
    ("Exception ignored ... BrokenPipeError" is what Python prints otherwise)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


@contextlib.contextmanager
def error_handler(
    *,
    err: TextIO,
    environ: Mapping[str, str],
    clock: Callable[[], dt.datetime],
    passthrough: tuple[type[BaseException], ...] = (),
    out: TextIO | None = None,
) -> Iterator[None]:
    """Map what escapes the block to a message on ``err`` and an exit status (SystemExit).
    ``passthrough``: exceptions that are not ours to handle (the CLI library's own). ``out``
    (stdout) is flushed inside the block, so a reader that went away is noticed here."""
    try:
        try:
            with sigterm_raises():
                yield
        finally:
            if out is not None:
                out.flush()
    except BrokenPipeError as error:
        if out is None or not _reader_gone(out):
            _unexpected(error, err=err, environ=environ, clock=clock)
        _silence(out)
        raise SystemExit(int(ExitStatus.CLOSED_OUTPUT)) from None
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
    except Terminated:
        err.write("terminated\n")
        raise SystemExit(int(ExitStatus.TERMINATED)) from None
    except Exception as error:
        if (refused := machine_error(error)) is not None:
            err.write(f"error: {refused}\n")
            raise SystemExit(int(refused.exit_status)) from None
        _unexpected(error, err=err, environ=environ, clock=clock)


def _unexpected(
    error: BaseException,
    *,
    err: TextIO,
    environ: Mapping[str, str],
    clock: Callable[[], dt.datetime],
) -> NoReturn:
    """The last resort: any bug ends here, as exit 3 with the traceback in a crash log."""
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
