"""`reporter fetch SPEC`: the period and its comparison period of every account into the store,
and, with ``--json``, the datasets as JSON; with ``--record DIR``, every answer Meta gave as a
replayable capture (``reporter/graph/record.py``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reporter.errors import UsageError
from reporter.fetch.execute import Options
from reporter.fetch.execute import fetch as run_fetch
from reporter.fetch.summary import report_outcomes
from reporter.fetch.target import api_target, fetch_context
from reporter.files import atomic_write
from reporter.graph.record import Recorder, prepare_folder, source_line
from reporter.plan.build import FetchPlan, plan_report
from reporter.run.log import Status, status_world
from reporter.spec.validate import load_spec
from reporter.store.database import Store
from reporter.world import World


def fetch(
    spec_path: Path,
    *,
    period_text: str | None,
    json_path: Path | None,
    refresh: bool,
    offline: bool,
    sandbox: bool,
    world: World,
    record_dir: Path | None = None,
) -> int:
    with status_world(world) as (world, status):
        return _fetch(spec_path, period_text=period_text, json_path=json_path, refresh=refresh,
                      offline=offline, sandbox=sandbox, world=world, record_dir=record_dir,
                      progress=status)  # fmt: skip


def _fetch(
    spec_path: Path,
    *,
    period_text: str | None,
    json_path: Path | None,
    refresh: bool,
    offline: bool,
    sandbox: bool,
    world: World,
    record_dir: Path | None,
    progress: Status,
) -> int:
    spec = load_spec(spec_path, now=world.now, catalogue=world.catalogue)
    fetch_plan = plan_report(spec, world.catalogue, period_text, world.now)
    if record_dir is not None:
        if offline:
            raise UsageError(
                "--record with --offline: an offline fetch asks Meta nothing, so there is "
                "nothing to record; drop one of the two"
            )
        prepare_folder(record_dir)
        refresh = True  # the capture holds every answer, not only what the store lacks
    recorder: Recorder | None = None
    with api_target(spec.accounts, sandbox=sandbox, world=world, serve=not offline) as target:
        ctx = fetch_context(target, world)
        settings = ctx.settings
        if record_dir is not None:
            app = settings.meta_app_token.get_secret_value() if settings.meta_app_token else ""
            recorder = Recorder([app, app.partition("|")[2]])
            ctx = replace(ctx, recorder=recorder)
        opener = Store.open(settings.store, write=not offline, lock_timeout=settings.lock_timeout)
        try:
            with opener as store:
                outcomes = run_fetch(
                    fetch_plan,
                    store,
                    ctx,
                    Options(refresh=refresh, offline=offline, progress=progress),
                )
        finally:
            if recorder is not None and record_dir is not None:
                # a failed run's answers are what a bug report needs most
                command = _command(spec_path, fetch_plan, sandbox=sandbox)
                written = recorder.write(record_dir, source=source_line(command, world.now))
                world.err.write(
                    f"recorded {len(recorder.exchanges)} answers in {written} "
                    "(tokens and signed picture URLs redacted)\n"
                )
    status = report_outcomes(outcomes, out=world.out, err=world.err)
    if json_path is not None:
        datasets = [o.dataset for o in outcomes if o.dataset and not o.incomplete]
        text = "[\n" + ",\n".join(d.to_json() for d in datasets) + "\n]\n"
        atomic_write(json_path, text.encode("utf-8"))
    return status


def _command(spec_path: Path, fetch_plan: FetchPlan, *, sandbox: bool) -> str:
    """The command the capture came from, with the period it fetched (no token, no values)."""
    periods = [u.period.label for u in fetch_plan.units if u.role == "report"]
    words = ["reporter fetch", str(spec_path)]
    words += [f"--period {periods[0]}"] if periods else []
    return " ".join(words + (["--sandbox"] if sandbox else []))
