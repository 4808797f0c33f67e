"""`reporter render SPEC` (and `reporter run` without --send): every account's report from the
stored dataset and its comparison, fetching what the store lacks (``--offline``: only the store).

A period rendered before is rendered again from its archive (the same report) unless
``--refresh``. An account whose data is missing or failed is reported and skipped; the others are
still rendered (exit status 1 when any failed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from reporter.dataset import Dataset
from reporter.errors import ExitStatus, machine_error
from reporter.fetch.execute import Options, Outcome, fetch
from reporter.fetch.target import api_target, fetch_context
from reporter.periods import Period
from reporter.plan.build import plan_report
from reporter.render import rollup
from reporter.render.formatting import Formatter
from reporter.render.report import make_inputs, render_context, render_report, write_files
from reporter.render.sections.commentary import load_commentary
from reporter.run.log import Status, status_world
from reporter.run.pipeline import keep_files
from reporter.spec.models import Account, Spec
from reporter.spec.validate import load_spec
from reporter.store.database import Store
from reporter.store.ledger import ReportKey
from reporter.world import World


def render(
    spec_paths: Sequence[Path],
    *,
    period_text: str | None,
    offline: bool,
    sandbox: bool,
    out: Path | None,
    world: World,
    refresh: bool = False,
    quiet: bool = False,
) -> int:
    """``refresh``: fetch again and replace the archived datasets of an already rendered period
    (otherwise a period rendered before is rendered again from its archive, whatever the store
    holds now). ``quiet``: no status line on a terminal."""
    with status_world(world, quiet=quiet) as (world, progress):
        return _render(spec_paths, period_text=period_text, offline=offline, sandbox=sandbox,
                       out=out, world=world, refresh=refresh, progress=progress)  # fmt: skip


def _render(
    spec_paths: Sequence[Path],
    *,
    period_text: str | None,
    offline: bool,
    sandbox: bool,
    out: Path | None,
    world: World,
    refresh: bool,
    progress: Status,
) -> int:
    status = int(ExitStatus.OK)
    for spec_path in spec_paths:
        spec = load_spec(spec_path, now=world.now, catalogue=world.catalogue)
        fetch_plan = plan_report(spec, world.catalogue, period_text, world.now)
        with api_target(spec.accounts, sandbox=sandbox, world=world, serve=not offline) as target:
            ctx = fetch_context(target, world)
            settings = ctx.settings
            # Written even when offline: the archive of what is rendered lives in the store.
            with Store.open(settings.store, lock_timeout=settings.lock_timeout) as store:
                options = Options(
                    offline=offline, refresh=refresh and not offline, progress=progress
                )
                outcomes = fetch(fetch_plan, store, ctx, options)
                status = max(
                    status,
                    _render_outcomes(
                        spec,
                        spec_path,
                        outcomes,
                        store,
                        out=out,
                        world=world,
                        refresh=refresh,
                        sandbox=sandbox,
                        progress=progress,
                    ),
                )
    return status


def _render_outcomes(
    spec: Spec,
    spec_path: Path,
    outcomes: Sequence[Outcome],
    store: Store,
    *,
    out: Path | None,
    world: World,
    refresh: bool = False,
    sandbox: bool = False,
    progress: Status | None = None,
) -> int:
    status = int(ExitStatus.OK)
    spec_key = str(spec_path.resolve())
    fmt = Formatter(spec.report.locale, spec.report.timezone)
    made: list[tuple[Account, Dataset, Dataset | None, dt.datetime]] = []
    for number, account in enumerate(spec.accounts, start=1):
        mine = [o for o in outcomes if o.unit.account.id == account.id]
        current = next((o for o in mine if o.unit.role == "report"), None)
        previous = next((o for o in mine if o.unit.role == "comparison"), None)
        label = current.unit.label if current is not None else ""
        archived = None if refresh else store.archived(spec_key, account.id, label)
        if archived is not None:
            # Rendered before: the same datasets, commentary and date give the same report.
            data, before = archived.current, archived.previous
            commentary, when = archived.commentary, archived.rendered_at
            world.out.write(f"{account.name}: {label} from the archive of {fmt.datetime(when)}\n")
        elif current is None or current.dataset is None:
            why = current.error if current is not None and current.error else "no data in the store"
            world.err.write(f"{account.name}: not rendered: {why}\n")
            status = int(ExitStatus.FAILED)
            continue
        else:
            if previous is not None and previous.dataset is None:
                world.err.write(
                    f"{account.name}: the comparison period is missing; rendered without\n"
                )
            data, before = current.dataset, previous.dataset if previous is not None else None
            commentary, when = load_commentary(spec, spec_path, label, account.name), world.now
            store.archive(spec_key, account.id, label, data, before, commentary, now=when)
        if progress is not None:
            progress(f"{account.name} {label}: rendering {number}/{len(spec.accounts)}…")
        try:
            files = render_report(
                spec,
                account,
                data,
                before,
                thumbnails=store.thumbnails_for(data),
                out_root=out or Path.cwd(),
                now=when,
                spec_dir=spec_path.parent,
                catalogue=world.catalogue,
                commentary=commentary,
                snapshot=fmt.datetime(when),
                simulated=sandbox,
            )
        except OSError as error:  # a full disk or a read-only --out: this report only
            if (refused := machine_error(error)) is None:
                raise
            world.err.write(f"{account.name}: not rendered: {refused}\n")
            status = int(ExitStatus.FAILED)
            continue
        made.append((account, data, before, when))
        keep_files(store, ReportKey(spec_key, account.id, label), files, now=world.now)
        for path in files:
            world.out.write(f"{account.name}: wrote {path}\n")
    if spec.rollup is not None and made:
        rolled = _render_rollup(
            spec, spec_path, made, out=out or Path.cwd(), world=world, sandbox=sandbox
        )
        for path in rolled:
            world.out.write(f"{spec.rollup.name}: wrote {path}\n")
    return status


def _render_rollup(
    spec: Spec,
    spec_path: Path,
    made: Sequence[tuple[Account, Dataset, Dataset | None, dt.datetime]],
    *,
    out: Path,
    world: World,
    sandbox: bool = False,
) -> list[Path]:
    """The combined report over the accounts just rendered, from the same (archived) data."""
    assert spec.rollup is not None
    when = max(w for *_, w in made)
    reports = [
        make_inputs(
            spec,
            account,
            data,
            before,
            thumbnails={},
            now=when,
            spec_dir=spec_path.parent,
            catalogue=world.catalogue,
            simulated=sandbox,
        )
        for account, data, before, _ in made
    ]
    values = rollup.build(spec.rollup.name, reports)
    rendered = render_context(
        spec, values, reports[0].period_label, spec.rollup.name, spec_path.parent
    )
    period = Period(made[0][1].since, made[0][1].until)
    return write_files(spec, rendered, spec.rollup.name, period, out)
