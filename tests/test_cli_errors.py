"""The one error handler: user errors get their exit status, bugs exit 3 with a logged traceback."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from support.cli import run_cli

from reporter.cli import ReporterGroup
from reporter.errors import ReporterError, UsageError


def group_raising(error: BaseException) -> click.Group:
    @click.group(cls=ReporterGroup)
    def cli() -> None:
        pass

    @cli.command()
    def boom() -> None:
        raise error

    return cli


def test_user_errors_exit_with_their_status_and_no_traceback() -> None:
    for error, status in ((ReporterError("spec not found"), 1), (UsageError("bad flag"), 2)):
        result = run_cli(["boom"], command=group_raising(error))
        assert result.exit_code == status
        assert result.stderr == f"error: {error}\n"


def test_bugs_exit_3_and_leave_the_traceback_in_a_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    result = run_cli(["boom"], command=group_raising(ZeroDivisionError("oops")))
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    logs = list((tmp_path / "state" / "reporter").glob("crash-*.log"))
    assert len(logs) == 1
    assert "ZeroDivisionError: oops" in logs[0].read_text(encoding="utf-8")
    assert str(logs[0]) in result.stderr
