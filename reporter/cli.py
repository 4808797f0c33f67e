"""The command line: click options, then one call to ``commands.<verb>`` with the World.

Nothing else lives here. The World (clock, environment with ``.env``, settings, catalogue,
streams) is built once per command by ``_world``; every error is mapped to its exit status by
the one error handler. Commands are imported inside the verbs that call them, so `reporter
validate` stays fast in pre-commit hooks (no requests, Jinja2 or WeasyPrint).
"""

from __future__ import annotations

import atexit
import datetime as dt
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from reporter import __version__
from reporter.errors import UsageError, error_handler

if TYPE_CHECKING:
    from reporter.world import World

ENV_FILE = Path(".env")  # read from the folder reporter runs in, under the real environment


class ReporterGroup(click.Group):
    """Every command runs inside the one error handler (reporter/errors.py)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # At exit the heap goes back to the system as it is: the interpreter's last garbage
        # collections would only walk it (about 0.1 s after a run). Python never promised
        # __del__ for objects alive at exit (reference: object.__del__); files are closed by now.
        atexit.unregister(gc.freeze)
        atexit.register(gc.freeze)
        return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> object:
        with error_handler(
            err=sys.stderr,
            out=sys.stdout,
            environ=os.environ,
            clock=lambda: dt.datetime.now(dt.UTC),
            passthrough=(click.exceptions.Exit, click.ClickException, click.Abort),
        ):
            return super().invoke(ctx)


def _world(now_text: str | None = None) -> World:
    """The outside world of one command; ``--now`` (hidden) fixes its clock."""
    from reporter.periods import check_moment
    from reporter.world import World, read_environment

    try:
        now = dt.datetime.fromisoformat(now_text) if now_text else dt.datetime.now(dt.UTC)
    except ValueError:
        raise UsageError(f"--now: not an ISO date-time: {now_text!r}") from None
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    check_moment(now)
    environ = read_environment(os.environ, ENV_FILE)  # tokens may live in .env too
    return World(now=now, environ=environ, out=sys.stdout, err=sys.stderr, env_file=ENV_FILE)


@click.group(
    cls=ReporterGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="reporter")
def main() -> None:
    """Declarative monthly Instagram reports.

    A TOML report spec names accounts, metrics, breakdowns and timeframes; reporter validates it
    against Meta's metric catalogue, fetches the insights, renders HTML and PDF and emails them.
    """


# --- spec verbs: validate, schema, catalogue ------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="How to print the diagnostics.",
)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--today", "today_text", metavar="YYYY-MM-DD", hidden=True)
def validate(
    paths: tuple[Path, ...], output_format: str, strict: bool, today_text: str | None
) -> None:
    """Check report specs (files, or folders of *.toml) against Meta's metric catalogue.

    Exit status: 0 valid, 1 invalid (warnings too with --strict), 2 usage error.
    """
    from reporter.commands.validate import validate as command

    now = f"{today_text}T12:00:00+00:00" if today_text else None  # --today: noon UTC that day
    sys.exit(command(paths, output_format=output_format, strict=strict, world=_world(now)))


@main.command()
def schema() -> None:
    """Print the JSON Schema of a report spec (for editors: taplo, Even Better TOML)."""
    from reporter.commands.schema import schema as command

    sys.exit(command(world=_world()))


@main.command()
@click.argument("metric", required=False)
@click.option("--scope", type=click.Choice(["account", "media"]), help="Only this scope.")
@click.option("--current", is_flag=True, help="Hide removed metrics.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def catalogue(metric: str | None, scope: str | None, current: bool, output_format: str) -> None:
    """List the metric catalogue, or explain one METRIC."""
    from reporter.commands.catalogue import catalogue as command

    chosen: Literal["account", "media"] | None = (
        "media" if scope == "media" else ("account" if scope == "account" else None)
    )
    sys.exit(command(metric, scope=chosen, current=current, output_format=output_format,
                     world=_world()))  # fmt: skip


@main.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Loopback port to listen on (0 picks a free one).",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Seed of the simulated world: the same seed serves the same bytes.",
)
@click.option(
    "--now",
    "now_text",
    metavar="ISO",
    help="The simulated current time, e.g. 2026-11-02T09:00:00+00:00 (default: now).",
)
@click.option(
    "--latency-ms",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Delay added to every response.",
)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of requests answered with a transient fault (500/503, is_transient, "
    "dropped connection, slow response).",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Calls allowed per account per rolling hour before error 80002 (0: no limit).",
)
@click.option(
    "--replay",
    "replay_dir",
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="Serve the capture in DIR (from fetch --record) instead of the simulator.",
)
def sandbox(
    port: int,
    seed: int,
    now_text: str | None,
    latency_ms: int,
    fault_rate: float,
    rate_limit: int,
    replay_dir: Path | None,
) -> None:
    """Serve the local Instagram Graph API simulator on 127.0.0.1 until Ctrl-C."""
    from reporter.commands.sandbox import sandbox as command

    sys.exit(command(port=port, seed=seed, latency_ms=latency_ms, fault_rate=fault_rate,
                     rate_limit=rate_limit, world=_world(now_text),
                     replay_dir=replay_dir))  # fmt: skip


# --- fetch verbs: plan, fetch, collect ------------------------------------------------------------

_period_option = click.option(
    "--period",
    "period_text",
    metavar="PERIOD",
    help="2026-10, 2026-Q3, 2026 or 2026-10-01..2026-10-31 (default: the spec's timeframe, today).",
)
_sandbox_option = click.option(
    "--sandbox", is_flag=True, help="Run against the built-in simulator (its own store)."
)
_now_option = click.option("--now", "now_text", metavar="ISO", hidden=True)


@main.command()
@click.argument("spec_path", metavar="SPEC", type=click.Path(exists=True, path_type=Path))
@_period_option
@_sandbox_option
@_now_option
def plan(spec_path: Path, period_text: str | None, sandbox: bool, now_text: str | None) -> None:
    """Print the Graph API calls a fetch of SPEC would make, and their count; send nothing."""
    from reporter.commands.plan import plan as command

    world = _world(now_text)
    sys.exit(command(spec_path, period_text=period_text, sandbox=sandbox, world=world))


@main.command()
@click.argument("spec_path", metavar="SPEC", type=click.Path(exists=True, path_type=Path))
@_period_option
@click.option(
    "--json",
    "json_path",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the datasets as JSON (a list, one per account and period).",
)
@click.option("--refresh", is_flag=True, help="Fetch again even what the store already holds.")
@click.option("--offline", is_flag=True, help="Read only the store; say what is missing.")
@click.option(
    "--record",
    "record_dir",
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="Fetch everything again and keep Meta's every answer in DIR, tokens and signed "
    "picture URLs redacted (a capture for a bug report; replay it with sandbox --replay).",
)
@_sandbox_option
@_now_option
def fetch(
    spec_path: Path,
    period_text: str | None,
    json_path: Path | None,
    refresh: bool,
    offline: bool,
    record_dir: Path | None,
    sandbox: bool,
    now_text: str | None,
) -> None:
    """Fetch SPEC's accounts for the period and its comparison period into the store."""
    from reporter.commands.fetch import fetch as command

    world = _world(now_text)
    sys.exit(command(spec_path, period_text=period_text, json_path=json_path, refresh=refresh,
                     offline=offline, sandbox=sandbox, world=world,
                     record_dir=record_dir))  # fmt: skip


@main.command()
@click.argument(
    "spec_paths", metavar="PATH...", nargs=-1, required=True,
    type=click.Path(exists=True, path_type=Path),
)  # fmt: skip
@_sandbox_option
@_now_option
def collect(spec_paths: tuple[Path, ...], sandbox: bool, now_text: str | None) -> None:
    """Daily cron job: store live stories (they vanish after 24 h) and yesterday's metrics
    for every spec in PATH (files or folders)."""
    from reporter.commands.collect import collect as command

    sys.exit(command(list(spec_paths), sandbox=sandbox, world=_world(now_text)))


# --- render verbs: render, run --------------------------------------------------------------------

_out_option = click.option(
    "--out",
    "out",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output root the spec's output.directory is under (default: the current folder).",
)


@main.command()
@click.argument("spec_path", metavar="SPEC", type=click.Path(exists=True, path_type=Path))
@_period_option
@click.option("--offline", is_flag=True, help="Only the store: fetch nothing that is missing.")
@click.option(
    "--refresh",
    is_flag=True,
    help="Fetch again and replace the archived data of a period rendered before.",
)
@_out_option
@_sandbox_option
@_now_option
def render(
    spec_path: Path,
    period_text: str | None,
    offline: bool,
    refresh: bool,
    out: Path | None,
    sandbox: bool,
    now_text: str | None,
) -> None:
    """Render SPEC's reports (HTML, PDF, CSV) from the store, fetching what is missing.

    A period rendered before is rendered again from its archived data (the same report)
    unless --refresh."""
    from reporter.commands.render import render as command

    world = _world(now_text)
    sys.exit(command([spec_path], period_text=period_text, offline=offline, sandbox=sandbox,
                     out=out, world=world, refresh=refresh))  # fmt: skip


@main.command()
@click.argument(
    "paths", metavar="PATH...", nargs=-1, required=True,
    type=click.Path(exists=True, path_type=Path),
)  # fmt: skip
@_period_option
@_out_option
@click.option(
    "--send/--no-send",
    default=False,
    help="E-mail each report to its [delivery] recipients, exactly once (default: render only).",
)
@click.option("--dry-run", is_flag=True, help="Show what --send would fetch and send; do nothing.")
@click.option(
    "--resend", is_flag=True, help="With --send: send one report (--period, --account) again."
)
@click.option(
    "--recipient",
    "only",
    metavar="ADDRESS",
    multiple=True,
    help="With --send: deliver only to this recipient (repeatable).",
)
@click.option(
    "--account",
    "accounts",
    metavar="ID|NAME",
    multiple=True,
    help="Only this account of the specs (repeatable); --resend needs one.",
)
@click.option("--quiet", is_flag=True, help="Print only failures (cron mails only then).")
@click.option(
    "--review",
    is_flag=True,
    help="With --send: render and hold every report for `reporter approve` (a summary beside it).",
)
@click.option(
    "--log-file",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also append every line, time-stamped, to FILE.",
)
@_sandbox_option
@_now_option
def run(
    paths: tuple[Path, ...],
    period_text: str | None,
    out: Path | None,
    send: bool,
    dry_run: bool,
    resend: bool,
    only: tuple[str, ...],
    accounts: tuple[str, ...],
    quiet: bool,
    review: bool,
    log_file: Path | None,
    sandbox: bool,
    now_text: str | None,
) -> None:
    """Fetch, render and (with --send) e-mail the reports of every spec in PATH (files or folders).

    Exit status: 0 all delivered (or rendered, without --send); 1 some reports failed or are
    held (the others were delivered); 2 invalid specs or settings (nothing fetched or sent);
    3 a bug (traceback in a crash log).
    """
    from reporter.commands.run import run as command
    from reporter.run.report import RunOptions

    options = RunOptions(dry_run=dry_run, resend=resend, only=only, quiet=quiet,
                         log_file=log_file, period_text=period_text, out=out, sandbox=sandbox,
                         review=review, accounts=accounts)  # fmt: skip
    sys.exit(command(list(paths), send=send, options=options, world=_world(now_text)))


# --- init -----------------------------------------------------------------------------------------


@main.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Scaffold a repository of report definitions in DIR: a base spec, a client spec, .env.example,
    pre-commit and CI validation. Never overwrites a file."""
    from reporter.commands.init import init as command

    sys.exit(command(folder, world=_world()))


# --- token verbs: tokens --------------------------------------------------------------------------


@main.command()
@click.argument(
    "paths", metavar="[PATH]...", nargs=-1, type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--refresh",
    is_flag=True,
    help="Renew Instagram-login tokens kept in .env (the new token is written there, never shown).",
)
@_sandbox_option
@_now_option
def tokens(paths: tuple[Path, ...], refresh: bool, sandbox: bool, now_text: str | None) -> None:
    """Check every account's token: set, accepted, permissions, expiry (default: specs in .)."""
    from reporter.commands.tokens import tokens as command

    sys.exit(command(list(paths), refresh=refresh, sandbox=sandbox, world=_world(now_text)))


# --- review verbs: approve, pending ---------------------------------------------------------------


@main.command()
@click.argument("target", metavar="SPEC|ID")
@click.option(
    "--period", "period_text", metavar="PERIOD", help="2026-10 (needed with a SPEC, not an ID)."
)
@click.option(
    "--account", "accounts", metavar="ID", multiple=True, help="Only this account (repeatable)."
)
@_out_option
@_sandbox_option
@_now_option
def approve(
    target: str,
    period_text: str | None,
    accounts: tuple[str, ...],
    out: Path | None,
    sandbox: bool,
    now_text: str | None,
) -> None:
    """Send a report waiting for review or held, despite its holds: exactly once.

    SPEC|ID is a spec file (with --period) or a report id that `reporter pending` shows."""
    from reporter.commands.approve import approve as command

    world = _world(now_text)
    sys.exit(command(target, period_text=period_text, accounts=accounts, out=out,
                     sandbox=sandbox, world=world))  # fmt: skip


@main.command()
@click.option(
    "--queue",
    "queues",
    type=click.Choice(["fetch", "render"]),
    multiple=True,
    help="The queue(s) to take work from (default: both). Fetching waits on Meta, rendering on "
    "the CPU: a host may run one worker of each with their own --concurrency.",
)
@click.option("--concurrency", type=click.IntRange(1, 256), help="Processes (default: CPUs).")
def worker(queues: tuple[str, ...], concurrency: int | None) -> None:
    """Run reports that `reporter run --send` enqueues on REPORTER_BROKER_URL (Celery).

    Workers share only the store (REPORTER_STORE=postgresql://…) and the broker; each reads
    its tokens and SMTP settings from its own environment or .env.
    """
    from reporter.commands.worker import worker as command

    sys.exit(command(queues=queues or ("fetch", "render"), concurrency=concurrency,
                     world=_world()))  # fmt: skip


@main.command()
def doctor() -> None:
    """Check that this machine can make the PDF: the PDF engine loads and, for each script
    captions come in (accents, Arabic, Chinese, Korean, emoji …), an installed font has it.

    Exit status: 0 all good, 1 a problem (each printed with the package that fixes it).
    """
    from reporter.commands.doctor import doctor as command

    sys.exit(command(world=_world()))


@main.command()
@_sandbox_option
def pending(sandbox: bool) -> None:
    """List the reports that wait: for approval, or held by a data-quality rule, and why."""
    from reporter.commands.pending import pending as command

    sys.exit(command(sandbox=sandbox, world=_world()))


# --- store verbs: store migrate, store copy -------------------------------------------------------


@main.group()
def store() -> None:
    """The store: bring it to the newest schema, or copy it (SQLite and PostgreSQL)."""


@store.command("migrate")
@_sandbox_option
def store_migrate(sandbox: bool) -> None:
    """Bring the store to the newest schema (REPORTER_STORE); print from which to which."""
    from reporter.commands.store_migrate import store_migrate as command

    sys.exit(command(sandbox=sandbox, world=_world()))


@store.command("copy")
@click.argument("source", metavar="SRC")
@click.argument("destination", metavar="DST")
@click.option(
    "--replace", is_flag=True, help="Delete what DST holds first (else it must be empty)."
)
def store_copy(source: str, destination: str, replace: bool) -> None:
    """Copy every row of the store SRC into DST (SQLite files or postgresql:// URLs).

    Prints each table's row count in both and stops with an error unless they match."""
    from reporter.commands.store_copy import store_copy as command

    sys.exit(command(source, destination, replace=replace, world=_world()))
