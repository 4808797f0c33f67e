"""On a terminal, fetch, collect, render and run say what they are waiting for on one status
line; under cron (stderr not a terminal) they print exactly what they printed before. Real
processes, a real pseudo-terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from support.example import html_only

EXAMPLE = Path(__file__).resolve().parent.parent / "reports.example.toml"
NOW = "2026-11-03T08:00:00+00:00"


def on_terminal(args: list[str], tmp: Path) -> tuple[int, str, str]:
    """``reporter ARGS`` with stderr on a pseudo-terminal: (status, stdout, the terminal's)."""
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "reporter", *args, "--now", NOW],
        env={**os.environ, "REPORTER_STORE": str(tmp / "store.sqlite3")},
        stdout=subprocess.PIPE, stderr=slave, text=True, cwd=tmp,
    )  # fmt: skip
    os.close(slave)
    seen: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the process closed the terminal
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    out, _ = process.communicate(timeout=300)
    reader.join(60)
    os.close(master)
    return process.returncode, out, b"".join(seen).decode("utf-8", "replace")


def off_terminal(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reporter", *args, "--now", NOW],
        env={**os.environ, "REPORTER_STORE": str(tmp / "store.sqlite3")},
        capture_output=True, text=True, cwd=tmp, timeout=300,
    )  # fmt: skip


@pytest.mark.slow
def test_the_readme_command_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    status, out, terminal = on_terminal(
        ["run", str(EXAMPLE), "--sandbox", "--out", str(tmp_path / "out")], tmp_path
    )
    assert status == 0, terminal
    assert "Acme Coffee Roasters 2026-10: fetching (" in terminal
    assert "calls)…" in terminal
    assert "Acme Coffee Roasters 2026-10: rendering 1/2…" in terminal
    assert "Nordlicht Studio 2026-10: rendering 2/2…" in terminal
    assert terminal.endswith("\r\x1b[K") or "\x1b[K" not in terminal.rsplit("\n", 1)[-1], (
        "the status line is cleared at the end"
    )
    assert "wrote" in out


def light_example(tmp: Path) -> Path:
    """The example writing HTML only: the same fetch, renders and status lines, no PDF."""
    path = tmp / "example.toml"
    path.write_text(html_only(EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("verb", ["fetch", "render", "run"])
def test_off_a_terminal_nothing_is_added(tmp_path: Path, verb: str) -> None:
    ran = off_terminal([verb, str(light_example(tmp_path)), "--sandbox"], tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert "\r" not in ran.stderr and "\x1b" not in ran.stderr
    assert "fetching (" not in ran.stderr and "rendering 1/" not in ran.stderr


@pytest.mark.slow
def test_quiet_shows_no_progress_on_a_terminal(tmp_path: Path) -> None:
    example = light_example(tmp_path)
    status, _, terminal = on_terminal(
        ["run", str(example), "--sandbox", "--quiet", "--out", str(tmp_path / "out")], tmp_path
    )
    assert status == 0, terminal
    assert "fetching (" not in terminal and "rendering" not in terminal


@pytest.mark.slow
@pytest.mark.parametrize("verb", ["fetch", "collect"])
def test_fetch_and_collect_show_progress_on_a_terminal(tmp_path: Path, verb: str) -> None:
    status, out, terminal = on_terminal([verb, str(EXAMPLE), "--sandbox"], tmp_path)
    assert status == 0, terminal
    assert ": fetching (" in terminal, terminal
    assert "fetching (" not in out
