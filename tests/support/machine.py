"""A disk of the test's own, for what the machine refuses: a real file system (a small tmpfs,
mounted when the tests run as root) that fills up and turns read-only the way a real disk does.

Without root there is no file system to mount; the folder is then an ordinary one, made
read-only by its mode (which root would ignore), and a test that needs a full disk is skipped
with the reason.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

SIZE = "16m"  # room for the example's store (about 3 MB) and a few reports


class Disk:
    def __init__(self, path: Path, *, mounted: bool) -> None:
        self.path, self.mounted = path, mounted
        self._filler = path / "filler.bin"

    def fill(self) -> None:
        """Leave no byte free: the next write gets ENOSPC from the kernel."""
        if not self.mounted:
            pytest.skip("a full disk needs a file system of its own (root mounts a tmpfs)")
        with self._filler.open("ab", buffering=0) as handle:
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
            with contextlib.suppress(OSError):
                while True:  # the last partial block
                    handle.write(b"\0")
                    handle.flush()

    def free(self) -> None:
        self._filler.unlink(missing_ok=True)

    def read_only(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)
            return
        for folder, _, files in os.walk(self.path):
            for name in files:
                os.chmod(Path(folder) / name, stat.S_IRUSR | stat.S_IRGRP)
            os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR)

    def writable(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,rw", str(self.path)], check=True)
            return
        for folder, _, files in os.walk(self.path):
            os.chmod(folder, stat.S_IRWXU)
            for name in files:
                os.chmod(Path(folder) / name, stat.S_IRUSR | stat.S_IWUSR)


@contextlib.contextmanager
def disk(path: Path) -> Iterator[Disk]:
    path.mkdir()
    mounted = os.geteuid() == 0 and _mount(path)
    found = Disk(path, mounted=mounted)
    try:
        yield found
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], check=False)
        else:
            found.writable()


def _mount(path: Path) -> bool:
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def refused(text: str) -> bool:
    """Whether ``text`` names one of the ways a read-only disk refuses (EROFS or EACCES)."""
    reasons = (os.strerror(errno.EROFS).lower(), os.strerror(errno.EACCES).lower())
    return any(reason in text for reason in reasons) or "readonly database" in text
