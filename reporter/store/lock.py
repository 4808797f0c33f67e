"""The run lock: one writer per store, so overlapping cron runs cannot interleave their writes.

An ``flock`` on a lock file beside the store's resolved path (Store.open). It is reliable on a
local filesystem; on NFS or SMB its semantics depend on the server and the client's mount
options (it may be emulated with byte-range locks, or not shared between machines at all), so a
store shared over the network gets no guarantee: keep the store on a local disk.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

from reporter.errors import ReporterError


class StoreError(ReporterError):
    pass


class StoreBusy(StoreError):
    pass


def lock(path: Path, timeout: float) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise
        if time.monotonic() >= deadline:
            os.close(fd)
            raise StoreBusy(
                f"the store {path.with_suffix('')} is in use by another reporter run "
                f"(waited {timeout:g} s); try again when it has finished"
            )
        time.sleep(0.1)
