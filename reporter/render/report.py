"""The render verb: one account's dataset (and its comparison) → HTML, PDF and CSV files.

``build_html`` is pure (values in, a string out); ``render_report`` adds the PDF and the writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reporter.catalogue import Catalogue
from reporter.dataset import Dataset
from reporter.dataset.history import Month
from reporter.derived import definitions
from reporter.files import atomic_write
from reporter.periods import Period, comparison
from reporter.render import context, environment, images, inert, write
from reporter.render.charts import Theme
from reporter.render.formatting import Formatter
from reporter.render.inputs import Inputs
from reporter.render.model import Block, Table
from reporter.spec.models import Account, Branding, Spec


@dataclass(frozen=True)
class Rendered:
    html: str
    tables: tuple[Table, ...]
    title: str
    template_folders: tuple[Path, ...]
    user_folder: Path | None


def build_html(
    spec: Spec,
    account: Account,
    current: Dataset,
    previous: Dataset | None,
    *,
    thumbnails: Mapping[str, bytes],
    now: dt.datetime,
    spec_dir: Path | None = None,
    catalogue: Catalogue,
    commentary: str | None = None,
    snapshot: str = "",
    simulated: bool = False,
    history: tuple[Month, ...] = (),
) -> Rendered:
    """The report as one self-contained HTML string, and the tables behind it."""
    inputs = make_inputs(
        spec,
        account,
        current,
        previous,
        thumbnails=thumbnails,
        now=now,
        spec_dir=spec_dir,
        catalogue=catalogue,
        commentary=commentary,
        snapshot=snapshot,
        simulated=simulated,
        history=history,
    )
    return render_context(spec, context.build(inputs), inputs.period_label, account.name, spec_dir)


def make_inputs(
    spec: Spec,
    account: Account,
    current: Dataset,
    previous: Dataset | None,
    *,
    thumbnails: Mapping[str, bytes],
    now: dt.datetime,
    spec_dir: Path | None = None,
    catalogue: Catalogue,
    commentary: str | None = None,
    snapshot: str = "",
    simulated: bool = False,
    history: tuple[Month, ...] = (),
) -> Inputs:
    """What every section builder reads, for one account's report (Meta's text made printable:
    ``inert``)."""
    current = inert.dataset(current)
    previous = None if previous is None else inert.dataset(previous)
    branding = spec.branding or Branding()
    fmt = Formatter(spec.report.locale, spec.report.timezone)
    theme = Theme(
        primary=branding.primary_color,
        accent=branding.accent_color,
        tick=lambda v: fmt.compact(v, below=1_000),  # one axis: 0, 5k, 10k (never 5,000, 10k)
        number=fmt.number,
    )
    logo = None
    if branding.logo:
        logo = images.logo_uri((spec_dir or Path.cwd()) / branding.logo)
    period = Period(current.since, current.until)
    compare = comparison(period, spec.report.compare)
    if previous is not None and compare is not None:
        compare = Period(previous.since, previous.until)
    inputs = Inputs(
        spec=spec,
        account=account,
        period=period,
        comparison=compare,
        current=current,
        previous=previous if compare is not None else None,
        catalogue=catalogue,
        fmt=fmt,
        theme=theme,
        branding=branding,
        thumbnails=thumbnails,
        logo=logo,
        now=now,
        derived=definitions(spec),
        commentary=commentary,
        snapshot=snapshot,
        simulated=simulated,
        history=history,
    )
    return inputs


def render_context(
    spec: Spec, values: Mapping[str, Any], period_label: str, name: str, spec_dir: Path | None
) -> Rendered:
    """The template context → the report's HTML, through the spec's template."""
    user_folder = environment.resolve_template(spec.report.template, spec_dir)
    env = environment.environment(user_folder)
    html = env.get_template(environment.ENTRY).render(values)
    return Rendered(
        html=html,
        tables=tuple(collect_tables(values)),
        title=f"{values['cover'].title if values.get('cover') else spec.report.title}: {name}, "
        f"{period_label}",
        template_folders=environment.template_folders(user_folder),
        user_folder=user_folder,
    )


def collect_tables(values: Mapping[str, Any]) -> Iterator[Table]:
    """Every Table in the context, in section order (what the CSV holds)."""

    def walk(value: Any) -> Iterator[Table]:
        if isinstance(value, Table):
            yield value
        elif isinstance(value, Block):
            if value.table is not None:
                yield value.table
        elif isinstance(value, tuple | list):
            for item in value:
                yield from walk(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                yield from walk(getattr(value, name))

    for name, _ in context.SECTIONS:
        yield from walk(values.get(name))
    yield from walk(values.get("rollup"))  # a roll-up's context: its table by account


def render_report(
    spec: Spec,
    account: Account,
    current: Dataset,
    previous: Dataset | None,
    *,
    thumbnails: Mapping[str, bytes],
    out_root: Path,
    now: dt.datetime,
    spec_dir: Path | None = None,
    catalogue: Catalogue,
    commentary: str | None = None,
    snapshot: str = "",
    simulated: bool = False,
    history: tuple[Month, ...] = (),
) -> list[Path]:
    """Render one account's report for ``current``'s period and write the spec's formats into
    ``output.directory`` under ``out_root``. Returns the files written."""
    rendered = build_html(
        spec,
        account,
        current,
        previous,
        thumbnails=thumbnails,
        now=now,
        spec_dir=spec_dir,
        catalogue=catalogue,
        commentary=commentary,
        snapshot=snapshot,
        simulated=simulated,
        history=history,
    )
    return write_files(spec, rendered, account.name, Period(current.since, current.until), out_root)


def write_files(
    spec: Spec, rendered: Rendered, name: str, period: Period, out_root: Path
) -> list[Path]:
    """The spec's formats of a rendered report, in ``output.directory`` under ``out_root``."""
    folder = write.output_dir(
        spec.output.directory,
        root=out_root,
        client=spec.report.client,
        account=name,
        period=period,
    )
    stem = f"{write.slug(name)}-{period.label}"
    written: list[Path] = []
    formats = spec.output.formats
    if "html" in formats:
        written.append(atomic_write(folder / f"{stem}.html", rendered.html.encode()))
    if "pdf" in formats:
        from reporter.render import pdf  # WeasyPrint: imported only when a PDF is wanted

        data = pdf.write_pdf(
            rendered.html,
            roots=rendered.template_folders,
            base_url=rendered.user_folder or rendered.template_folders[-1],
        )
        written.append(atomic_write(folder / f"{stem}.pdf", data))
    if "csv" in formats:
        written.append(atomic_write(folder / f"{stem}.csv", write.tables_csv(rendered.tables)))
    return written
