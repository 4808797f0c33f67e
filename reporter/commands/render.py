"""`reporter render SPEC` (and `reporter run` without --send): every account's report from the
stored dataset and its comparison, fetching what the store lacks (``--offline``: only the store).

A period rendered before is rendered again from its archive (the same report) unless
``--refresh``. An account whose data is missing or failed is reported and skipped; the others are
still rendered (exit status 1 when any failed).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reporter.errors import ExitStatus, MachineError, UsageError
from reporter.render.write import clash
from reporter.run.log import Status, status_world
from reporter.run.pool import InOrder, pool_of
from reporter.spec.models import Account, Spec
from reporter.spec.validate import load_spec
from reporter.world import World

# The fetch, the store and the render jobs are imported once the render workers are starting:
# their start (the renderer's imports) then overlaps these imports as well as the fetch.
if TYPE_CHECKING:
    from reporter.dataset import Dataset
    from reporter.fetch.execute import Outcome
    from reporter.run.jobs import Rendered
    from reporter.store.database import Store
    from reporter.store.ledger import ReportKey

# A report rendered: its account, the data it was rendered from and when (for the roll-up).
Made = tuple[Account, "Dataset", "Dataset | None", dt.datetime]


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
    specs = [(p, load_spec(p, now=world.now, catalogue=world.catalogue)) for p in spec_paths]
    if clashing := clash(specs):
        raise UsageError(f"{clashing}; nothing was rendered")
    reports = sum(len(spec.accounts) for _, spec in specs)
    workers = min(world.settings.render_workers or os.cpu_count() or 1, reports)
    written = _Written(world)
    # The pool of `run --send`: its workers start now, in the background, while the fetch runs.
    with pool_of(workers) as pool:
        from reporter.derived import definitions
        from reporter.derived.ranking import pictured
        from reporter.fetch.execute import Options, fetch
        from reporter.fetch.target import api_target, fetch_context
        from reporter.plan.build import plan_report
        from reporter.store.database import Store

        renders: InOrder[_Tag, Rendered] = InOrder(pool, ahead=2 * workers, done=written)
        for spec_path, spec in specs:
            fetch_plan = plan_report(spec, world.catalogue, period_text, world.now)
            serve = not offline
            with api_target(spec.accounts, sandbox=sandbox, world=world, serve=serve) as target:
                ctx = fetch_context(target, world)
                settings = ctx.settings
                # Written even when offline: the archive of what is rendered lives in the store.
                with Store.open(settings.store, lock_timeout=settings.lock_timeout) as store:
                    options = Options(
                        offline=offline, refresh=refresh and not offline, progress=progress,
                        pictures=pictured(spec.media, definitions(spec), world.catalogue),
                    )  # fmt: skip
                    outcomes = fetch(fetch_plan, store, ctx, options)
                    made = _submit_outcomes(
                        spec,
                        spec_path,
                        outcomes,
                        store,
                        renders,
                        written,
                        out=out,
                        world=world,
                        refresh=refresh,
                        sandbox=sandbox,
                        progress=progress,
                    )
            if spec.rollup is not None:
                renders.finish()  # the roll-up covers the accounts whose reports were rendered
                rolled = _render_rollup(spec, spec_path, made, out=out or Path.cwd(),
                                        world=world, sandbox=sandbox) if made else []  # fmt: skip
                for path in rolled:
                    world.out.write(f"{spec.rollup.name}: wrote {path}\n")
        renders.finish()
    written.archive()
    return written.status


# A render's report, the list of its spec's rendered ones (None without a roll-up: the data of
# every report is then not kept until the end), and where its files are archived (the store's
# location and lock timeout, and the report's key there).
_Tag = tuple[Made, "list[Made] | None", tuple[Any, float, "ReportKey"]]


class _Written:
    """Each report's files, said as its render finishes (in the order the reports were
    submitted); a report the machine refused (a full disk, a read-only --out) fails alone."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.status = int(ExitStatus.OK)
        self.files: list[tuple[Any, float, ReportKey, tuple[Path, ...]]] = []

    def __call__(self, tag: _Tag, future: cf.Future[Rendered]) -> None:
        made, of_spec, (location, lock_timeout, key) = tag
        account = made[0]
        try:
            rendered = future.result()
        except MachineError as error:
            self.world.err.write(f"{account.name}: not rendered: {error}\n")
            self.status = int(ExitStatus.FAILED)
            return
        if of_spec is not None:
            of_spec.append(made)
        self.files.append((location, lock_timeout, key, rendered.files))
        for path in rendered.files:
            self.world.out.write(f"{account.name}: wrote {path}\n")

    def archive(self) -> None:
        """Every rendered report's files into its store's archive, so any host can send or
        show them (once the renders are done: the stores were closed while they ran)."""
        from reporter.run.jobs import keep_files
        from reporter.store.database import Store

        for location in dict.fromkeys(item[0] for item in self.files):
            mine = [item for item in self.files if item[0] == location]
            with Store.open(location, lock_timeout=mine[0][1]) as store:
                for _, _, key, files in mine:
                    keep_files(store, key, files, now=self.world.now)


def _submit_outcomes(
    spec: Spec,
    spec_path: Path,
    outcomes: Sequence[Outcome],
    store: Store,
    renders: InOrder[_Tag, Rendered],
    written: _Written,
    *,
    out: Path | None,
    world: World,
    refresh: bool = False,
    sandbox: bool = False,
    progress: Status | None = None,
) -> list[Made]:
    """Hand each account's report to the renders; the list its rendered reports join."""
    from reporter.render.fonts import font_warnings
    from reporter.render.sections.commentary import load_commentary
    from reporter.run.history import history
    from reporter.run.jobs import RenderJob, render_job
    from reporter.store.ledger import ReportKey as StoreKey

    spec_key = str(spec_path.resolve())
    made: list[Made] = []
    warned: set[str] = set()  # scripts without a font: one warning, not one a report
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
            from reporter.render.formatting import Formatter  # Babel: only to say this date

            fmt = Formatter(spec.report.locale, spec.report.timezone)
            world.out.write(f"{account.name}: {label} from the archive of {fmt.datetime(when)}\n")
        elif current is None or current.dataset is None:
            why = current.error if current is not None and current.error else "no data in the store"
            world.err.write(f"{account.name}: not rendered: {why}\n")
            written.status = int(ExitStatus.FAILED)
            continue
        else:
            if previous is not None and previous.dataset is None:
                world.err.write(
                    f"{account.name}: the comparison period is missing; rendered without\n"
                )
            data, before = current.dataset, previous.dataset if previous is not None else None
            commentary, when = load_commentary(spec, spec_path, label, account.name), world.now
            store.archive(spec_key, account.id, label, data, before, commentary, now=when)
        for text in font_warnings(data, f"{spec_path.name}: {account.name}",
                                  commentary=commentary, warned=warned):  # fmt: skip
            world.err.write(text + "\n")
        if progress is not None:
            progress(f"{account.name} {label}: rendering {number}/{len(spec.accounts)}…")
        job = RenderJob(
            spec=spec,
            spec_dir=spec_path.parent,
            account=account,
            current=data,
            previous=before,
            thumbnails=store.thumbnails_for(data),
            out_root=(out or Path.cwd()).absolute(),
            now=when,
            commentary=commentary,
            headline=False,
            catalogue=world.catalogue,
            simulated=sandbox,
            history=history(store, spec_key=spec_key, account_id=account.id, current=data,
                            previous=before, as_of=when, months=spec.report.history_months),
        )  # fmt: skip
        where = (
            store.location,
            world.settings.lock_timeout,
            StoreKey(spec_key, account.id, label),
        )
        kept = made if spec.rollup is not None else None
        renders.submit(((account, data, before, when), kept, where), render_job, job)
    return made


def _render_rollup(
    spec: Spec,
    spec_path: Path,
    made: Sequence[Made],
    *,
    out: Path,
    world: World,
    sandbox: bool = False,
) -> list[Path]:
    """The combined report over the accounts just rendered, from the same (archived) data."""
    from reporter.render import rollup  # the renderer, in this process: a roll-up is rare

    written = rollup.write(
        spec,
        [(account, data, before) for account, data, before, _ in made],
        now=max(w for *_, w in made),
        spec_dir=spec_path.parent,
        catalogue=world.catalogue,
        out_root=out,
        simulated=sandbox,
    )
    return list(written.files)
