"""What the machine refuses is not a bug: a full disk, a read-only folder, store or log file, a
damaged store, a reader that closed the pipe. Each gets one line naming the file and the fix,
exit status 1 (141 for the closed pipe, quietly), and what was stored is kept."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from support.cli import run_cli
from support.example import EXAMPLE, NOW
from support.machine import Disk, disk, refused

from reporter.cli import ReporterGroup
from reporter.store.database import Store

ACME = "17841400000000001"


@pytest.fixture
def own_disk(tmp_path: Path) -> Iterator[Disk]:
    with disk(tmp_path / "disk") as found:
        yield found


def fetch(store: Path, period: str) -> tuple[int, str]:
    ran = run_cli(
        ["fetch", str(EXAMPLE), "--sandbox", "--period", period, "--now", NOW],
        # --sandbox keeps its own store beside the configured one: this is that store
        env={"REPORTER_STORE": str(store.with_name("store.sqlite3"))},
    )
    return ran.status, ran.stderr


def stored(store: Path) -> tuple[int, bool]:
    """The store's integrity verdict, and whether it still holds August's data."""
    with Store.open(store, write=False) as opened:
        return opened.counts()["integrity"], opened.load_dataset(ACME, "2026-08") is not None


def test_a_read_only_out_fails_each_report_and_the_run_goes_on(
    own_disk: Disk, tmp_path: Path
) -> None:
    own_disk.read_only()
    ran = run_cli(
        ["run", str(EXAMPLE), "--sandbox", "--out", str(own_disk.path), "--now", NOW],
        env={"REPORTER_STORE": str(tmp_path / "store.sqlite3")},
    )
    assert ran.status == 1, ran.output
    assert "unexpected" not in ran.output and "Traceback" not in ran.output
    failed = [line for line in ran.stderr.splitlines() if ": not rendered: " in line]
    assert [line.split(":")[0] for line in failed] == ["Acme Coffee Roasters", "Nordlicht Studio"]
    for line in failed:  # the folder it could not write, why, and what to do
        assert f": not rendered: {own_disk.path}/" in line and refused(line), line
        assert line.endswith(("choose a writable folder", "(or choose another file or folder)"))
    assert stored(tmp_path / "store.sandbox.sqlite3")[0] == 1


def test_a_full_disk_under_the_store_keeps_what_was_stored(own_disk: Disk) -> None:
    store = own_disk.path / "store.sandbox.sqlite3"
    assert fetch(store, "2026-08")[0] == 0
    own_disk.fill()
    status, err = fetch(store, "2026-10")
    assert status == 1
    # SQLite says either, depending on which of its files could not grow.
    reason = err.removeprefix(f"error: the store {store}: ").split(";")[0]
    assert reason in ("database or disk is full", "disk I/O error"), err
    assert err == (
        f"error: the store {store}: {reason}; the disk is full: free space on it, then run "
        "again (what was stored is kept)\n"
    )
    own_disk.free()
    assert stored(store) == (1, True)
    assert fetch(store, "2026-10")[0] == 0  # with room again, the same command goes through


def test_a_full_disk_under_the_reports_fails_them_with_the_file_named(
    own_disk: Disk, tmp_path: Path
) -> None:
    own_disk.fill()
    ran = run_cli(
        ["render", str(EXAMPLE), "--sandbox", "--out", str(own_disk.path), "--now", NOW],
        env={"REPORTER_STORE": str(tmp_path / "store.sqlite3")},
    )
    assert ran.status == 1, ran.output
    failed = [line for line in ran.stderr.splitlines() if ": not rendered: " in line]
    assert len(failed) == 2
    for line in failed:
        assert f": not rendered: {own_disk.path}/" in line
        assert line.endswith(": no space left on device; free space on that disk, then run again")
        assert ".part" not in line  # the report's name, not the temporary file's


def test_a_read_only_store_is_named_and_kept(own_disk: Disk) -> None:
    store = own_disk.path / "store.sandbox.sqlite3"
    assert fetch(store, "2026-08")[0] == 0
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    own_disk.read_only()
    status, err = fetch(store, "2026-10")
    assert status == 1
    assert err.startswith("error: ") and err.count("\n") == 1
    assert str(store) in err and refused(err), err
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before
    own_disk.writable()
    assert stored(store) == (1, True)


def test_a_read_only_log_file_stops_the_run_before_anything_is_rendered(
    own_disk: Disk, tmp_path: Path
) -> None:
    own_disk.read_only()
    log = own_disk.path / "run.log"
    ran = run_cli(
        ["run", str(EXAMPLE), "--sandbox", "--out", str(tmp_path / "out"), "--now", NOW,
         "--log-file", str(log)],
        env={"REPORTER_STORE": str(tmp_path / "store.sqlite3")},
    )  # fmt: skip
    assert ran.status == 1
    assert ran.stderr.startswith(f"error: {log}: ") and ran.stderr.count("\n") == 1
    assert refused(ran.stderr)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("damage", "reason"),
    [("header", "file is not a database"), ("pages", "database disk image is malformed")],
)
def test_a_damaged_store_is_named_and_left_as_it_is(
    tmp_path: Path, damage: str, reason: str
) -> None:
    store = tmp_path / "store.sandbox.sqlite3"
    assert fetch(store, "2026-08")[0] == 0
    data = bytearray(store.read_bytes())
    page = 4096
    if damage == "header":
        data[:100] = b"\xa5" * 100
    else:  # every page but the first (the schema): the tables' bytes flipped
        for at in range(page, len(data)):
            data[at] ^= 0xFF
    store.write_bytes(bytes(data))
    status, err = fetch(store, "2026-08")
    assert status == 1
    assert err == (
        f"error: the store {store}: {reason}; it is damaged: keep it, restore the store from a "
        "backup (`sqlite3 FILE .recover` may rescue what it holds), then run again\n"
    )
    assert store.read_bytes() == bytes(data)


def _closed_pipe(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    """``reporter ARGS | true``: stdout is a pipe whose reader has already gone."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", "reporter", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            check=False,
            timeout=60,
        )
    finally:
        os.close(write)


@pytest.mark.parametrize("args", [["catalogue"], ["pending", "--sandbox"], ["schema"]])
def test_a_closed_stdout_ends_the_command_quietly(args: list[str]) -> None:
    done = _closed_pipe(args)
    assert done.returncode == 141  # 128 + SIGPIPE, what the shell shows for `yes | true`
    assert done.stderr == b""  # no traceback, no "Exception ignored", no crash log


def test_a_broken_pipe_that_is_not_stdout_is_still_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An SMTP or HTTP socket whose peer went away: a bug of ours if nothing caught it first.
    @click.group(cls=ReporterGroup)
    def cli() -> None:
        pass

    @cli.command()
    def boom() -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    ran = run_cli(["boom"], command=cli)
    assert ran.status == 3
    assert ran.stderr.startswith("unexpected error: BrokenPipeError: [Errno 32] Broken pipe\n")
