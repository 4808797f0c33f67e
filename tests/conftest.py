"""Test-wide guards: no test touches the user's home or reaches past loopback.

Also the fixtures shared by the whole test run (the example run), and the order the files go
to the pytest-xdist workers in: the slowest first, so that none starts last while the other
workers idle.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.example import ExampleRun, run_example
from support.postgres import BACKENDS, location

_real_connect = socket.socket.connect


def _is_loopback(address: Any) -> bool:
    if isinstance(address, str):  # AF_UNIX
        return True
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _is_loopback(address):
        raise RuntimeError(f"tests may only connect to loopback, not {address!r}")
    _real_connect(self, address)


def isolate(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """HOME and the XDG folders in ``home``, no REPORTER_* setting, loopback connections only."""
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in list(os.environ):
        if name.startswith("REPORTER_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def _isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    isolate(monkeypatch, tmp_path / "home")
    yield


@pytest.fixture(scope="session")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> ExampleRun:
    """The README's first command, `reporter run reports.example.toml --sandbox`, once for the
    whole test run (about 10 s), isolated as every test is. Its files stay for the tests that
    read them; its HOME (the sandbox's store) is ``example_run.env`` for a follow-up command.
    Under xdist each worker that needs it runs it once: keep its tests in one file."""
    root = tmp_path_factory.mktemp("example_run")
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, root / "home")
        return run_example(root)


@pytest.fixture(params=BACKENDS)
def store_at(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """A new store's location on each backend: a SQLite file, a PostgreSQL schema
    (support/postgres.py: skipped where no server runs, but never under CI=true)."""
    with location(request.param, tmp_path) as found:
        yield found


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # In an xdist worker only: the controller hands the files out (--dist loadfile) in the order
    # the workers collected them (--no-loadscope-reorder). The files with the most slow tests
    # first, so that the long ones start early and the short ones fill in at the end; a stable
    # sort, so each file keeps its tests together and in order. A plain run keeps the order.
    if hasattr(config, "workerinput"):
        slow = Counter(item.path for item in items if item.get_closest_marker("slow"))
        items.sort(key=lambda item: -slow[item.path])
