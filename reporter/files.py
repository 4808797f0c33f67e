"""The one way reporter replaces a file: a temporary file in the same folder, flushed to disk,
then renamed over the old one, so a reader or a crash never sees half a report, dataset or
``.env``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically. ``mode`` defaults to what a new file gets under
    the umask (mkstemp's 0600 would hide reports from the team); pass 0o600 for secrets.

    An OSError names ``path`` (or the folder it could not make), never the temporary file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise _naming(error, error.filename or path) from error
    try:
        os.chmod(temp, mode if mode is not None else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise _naming(error, path) from error
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _naming(error: OSError, path: Path | str) -> OSError:
    """``error`` with ``path`` as its file name (an error without an errno stays as it is:
    raising it from itself adds nothing to its traceback)."""
    if error.errno is None:
        return error
    return type(error)(error.errno, error.strerror, str(path))


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
