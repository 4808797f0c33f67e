"""The command line: parse arguments, call one plain function per verb, map errors to exit codes.

Nothing else lives here. Heavy modules (requests, Jinja2, WeasyPrint) are imported inside the
verbs that need them, so `reporter validate` stays fast in pre-commit hooks.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reporter import __version__
from reporter.errors import ExitStatus, ReporterError, UsageError

if TYPE_CHECKING:
    from reporter.commands.fetch import World


def _fail(error: ReporterError) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(int(error.exit_status))


class ReporterGroup(click.Group):
    """The one error handler: what the user can fix gets its message and exit status; anything
    else is a bug, reported in one line with its traceback written to a log file (exit 3)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ReporterError as error:
            _fail(error)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Exception as error:  # the last resort: any bug ends here
            from reporter.errors import write_crash_log

            log = write_crash_log(error)
            click.echo(
                f"unexpected error: {type(error).__name__}: {error}\n"
                f"the traceback is in {log}; please report it",
                err=True,
            )
            sys.exit(int(ExitStatus.UNEXPECTED))
        return None


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


# --- spec verbs: validate, schema, catalogue ----------------------------------------------


def _today(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else dt.date.today()


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
    from reporter.diagnostics import FORMATTERS, summary
    from reporter.spec.validate import validate_paths

    results = validate_paths(paths, today=_today(today_text))
    if not results:
        folders = ", ".join(str(p) for p in paths)
        click.echo(f"error: no spec (*.toml) found in {folders}", err=True)
        sys.exit(int(ExitStatus.USAGE))
    diagnostics = [d for r in results for d in r.diagnostics]
    text = FORMATTERS[output_format](diagnostics)
    if text:
        click.echo(text)
    click.echo(summary(diagnostics, len(results), strict=strict), err=output_format != "text")
    failing = any(d.severity == "error" or strict for d in diagnostics)
    sys.exit(int(ExitStatus.FAILED if failing else ExitStatus.OK))


@main.command()
def schema() -> None:
    """Print the JSON Schema of a report spec (for editors: taplo, Even Better TOML)."""
    from reporter.spec.schema import json_schema

    click.echo(json_schema())


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
    from reporter.catalogue import SCOPES, closest, load, show

    data = load()
    scopes = [s for s in SCOPES if scope in (None, s)]
    if metric is None:
        chosen = [
            m
            for m in data.metrics.values()
            if m.scope in scopes and (not current or m.status == "current")
        ]
        if output_format == "json":
            click.echo(show.as_json(chosen))
        else:
            click.echo(show.table(data, scopes[0] if scope else None, removed=not current))
        return
    found = [m for s in scopes if (m := data.get(s, metric)) is not None]
    if not found:
        hint = closest(metric, {m.name for m in data.metrics.values()})
        did_you_mean = f"; did you mean {hint!r}?" if hint else ""
        _fail(ReporterError(f"unknown metric {metric!r}{did_you_mean}"))
    if output_format == "json":
        click.echo(show.as_json(found))
    else:
        click.echo("\n\n".join(show.explain(m) for m in found))


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
def sandbox(
    port: int,
    seed: int,
    now_text: str | None,
    latency_ms: int,
    fault_rate: float,
    rate_limit: int,
) -> None:
    """Serve the local Instagram Graph API simulator on 127.0.0.1 until Ctrl-C."""
    from reporter.sandbox.server import serve_forever

    try:
        now = dt.datetime.fromisoformat(now_text) if now_text else dt.datetime.now(dt.UTC)
    except ValueError:
        _fail(ReporterError(f"--now: not an ISO date-time: {now_text!r}"))
        return
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    serve_forever(
        port=port,
        seed=seed,
        now=now,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        rate_limit=rate_limit,
        out=sys.stdout,
    )


# --- fetch verbs: plan, fetch, collect (owner: fetch; logic in reporter/fetch_verbs.py) --------


def _fetch_world(now_text: str | None) -> World:
    import os

    from reporter.commands.fetch import World
    from reporter.settings import read_environment

    try:
        now = dt.datetime.fromisoformat(now_text) if now_text else dt.datetime.now(dt.UTC)
    except ValueError:
        _fail(ReporterError(f"--now: not an ISO date-time: {now_text!r}"))
        raise
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    environ = read_environment(os.environ, Path(".env"))  # tokens may live in .env too
    return World(now=now, environ=environ, out=sys.stdout, err=sys.stderr)


def _run_fetch_verb(verb: Callable[[], int]) -> None:
    from reporter.diagnostics import format_text

    try:
        status = verb()
    except ReporterError as error:
        results = getattr(error, "results", None)
        if results:
            text = format_text([d for r in results for d in r.diagnostics])
            if text:
                click.echo(text, err=True)
        _fail(error)
        return
    sys.exit(status)


_period_option = click.option(
    "--period",
    "period_text",
    metavar="PERIOD",
    help="2026-10 or 2026-10-01..2026-10-31 (default: the spec's timeframe, today).",
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
    from reporter.commands.fetch import run_plan

    world = _fetch_world(now_text)
    _run_fetch_verb(
        lambda: run_plan(spec_path, period_text=period_text, sandbox=sandbox, world=world)
    )


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
@_sandbox_option
@_now_option
def fetch(
    spec_path: Path,
    period_text: str | None,
    json_path: Path | None,
    refresh: bool,
    offline: bool,
    sandbox: bool,
    now_text: str | None,
) -> None:
    """Fetch SPEC's accounts for the period and its comparison period into the store."""
    from reporter.commands.fetch import run_fetch

    world = _fetch_world(now_text)
    _run_fetch_verb(
        lambda: run_fetch(
            spec_path,
            period_text=period_text,
            json_path=json_path,
            refresh=refresh,
            offline=offline,
            sandbox=sandbox,
            world=world,
        )
    )


@main.command()
@click.argument(
    "spec_paths", metavar="SPEC...", nargs=-1, required=True,
    type=click.Path(exists=True, path_type=Path),
)  # fmt: skip
@_sandbox_option
@_now_option
def collect(spec_paths: tuple[Path, ...], sandbox: bool, now_text: str | None) -> None:
    """Daily cron job: store live stories (they vanish after 24 h) and yesterday's metrics."""
    from reporter.commands.fetch import run_collect

    world = _fetch_world(now_text)
    _run_fetch_verb(lambda: run_collect(list(spec_paths), sandbox=sandbox, world=world))


# --- end of fetch verbs ---------------------------------------------------------------------

# --- render verbs: render, run (owner: render; logic in reporter/render/verbs.py) -----------

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
    from reporter.commands.render import run_render

    world = _fetch_world(now_text)
    _run_fetch_verb(
        lambda: run_render(
            [spec_path],
            period_text=period_text,
            offline=offline,
            sandbox=sandbox,
            out=out,
            world=world,
            refresh=refresh,
        )
    )


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
@click.option("--resend", is_flag=True, help="With --send: send again what was already sent.")
@click.option(
    "--recipient",
    "only",
    metavar="ADDRESS",
    multiple=True,
    help="With --send: deliver only to this recipient (repeatable).",
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

    world = _fetch_world(now_text)
    if (resend or only) and not send:
        _fail(UsageError("--resend and --recipient go with --send"))
    if review and not (send or dry_run):
        _fail(UsageError("--review goes with --send or --dry-run"))
    if send or dry_run:
        from reporter.run.pipeline import RunOptions, run_reports

        options = RunOptions(
            dry_run=dry_run,
            resend=resend,
            only=only,
            quiet=quiet,
            log_file=log_file,
            period_text=period_text,
            out=out,
            sandbox=sandbox,
            review=review,
        )
        _run_fetch_verb(lambda: run_reports(list(paths), options=options, world=world))
        return
    from reporter.commands.render import run_render
    from reporter.run.log import render_only_world
    from reporter.run.pipeline import valid_specs

    with render_only_world(world, quiet=quiet, log_file=log_file) as quiet_world:
        _run_fetch_verb(
            lambda: run_render(
                [path for path, _ in valid_specs(paths, world)],
                period_text=period_text,
                offline=False,
                sandbox=sandbox,
                out=out,
                world=quiet_world,
            )
        )


# --- end of render verbs --------------------------------------------------------------------

# --- init (owner: delivery; logic in reporter/scaffold.py) -----------------------------------


@main.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Scaffold a repository of report definitions in DIR: a base spec, a client spec, .env.example,
    pre-commit and CI validation. Never overwrites a file."""
    from reporter.commands.init import init as scaffold

    for path in scaffold(folder):
        click.echo(f"wrote {path}")
    click.echo(f"next: cd {folder} && reporter validate . && reporter run clients --sandbox")


# --- token verbs: tokens (owner: token health; logic in reporter/tokens_verb.py) ------------


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
    from reporter.commands.tokens import run_tokens

    world = _fetch_world(now_text)
    _run_fetch_verb(
        lambda: run_tokens(
            list(paths), refresh=refresh, sandbox=sandbox, env_file=Path(".env"), world=world
        )
    )


# --- end of token verbs ---------------------------------------------------------------------

# --- review verbs: approve, pending (owner: review gate; logic in reporter/run_review.py) ---


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
    from reporter.run.pipeline import RunOptions, run_reports
    from reporter.run.review import approval_target, store_path

    world = _fetch_world(now_text)

    def approve_it() -> int:
        where = store_path(world, sandbox=sandbox)
        spec_path, period, only = approval_target(target, period_text, accounts, store_path=where)
        options = RunOptions(
            period_text=period, out=out, sandbox=sandbox, approve=True, accounts=only
        )
        return run_reports([spec_path], options=options, world=world)

    _run_fetch_verb(approve_it)


@main.command()
@_sandbox_option
def pending(sandbox: bool) -> None:
    """List the reports that wait: for approval, or held by a data-quality rule, and why."""
    from reporter.run.review import list_pending, store_path

    world = _fetch_world(None)
    _run_fetch_verb(
        lambda: list_pending(store_path=store_path(world, sandbox=sandbox), out=world.out)
    )


# --- end of review verbs --------------------------------------------------------------------

if __name__ == "__main__":  # pragma: no cover
    sys.exit(int(ExitStatus.OK))
