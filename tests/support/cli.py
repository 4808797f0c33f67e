"""The one way the tests call the command line: `run_cli`, in-process through click's runner."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import click
from click.testing import CliRunner

from reporter.cli import main


@dataclass(frozen=True)
class Ran:
    """What a command left: its exit status, what it wrote to stdout and to stderr, and both
    interleaved as a terminal shows them (``output``)."""

    status: int
    stdout: str
    stderr: str
    output: str

    # The names the tests grew up with: click's ``exit_code``, the run helpers' ``out``/``err``.
    @property
    def exit_code(self) -> int:
        return self.status

    @property
    def out(self) -> str:
        return self.stdout

    @property
    def err(self) -> str:
        return self.stderr


def run_cli(
    args: Sequence[str],
    *,
    env: Mapping[str, str | None] | None = None,
    input: str | bytes | None = None,
    catch_exceptions: bool = False,
    command: click.Command = main,
) -> Ran:
    """Run ``reporter ARGS`` (or another click ``command``) in this process.

    ``env`` is added to the test's environment (None unsets a name). An exception the command
    does not turn into an exit status propagates, traceback and all, unless ``catch_exceptions``.
    """
    result = CliRunner().invoke(
        command, list(args), input=input, env=env, catch_exceptions=catch_exceptions
    )
    return Ran(result.exit_code, result.stdout, result.stderr, result.output)
