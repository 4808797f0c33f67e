"""The roll-up: one combined report over a spec's accounts (a brand's regional accounts).

KPI cards sum only what Meta's semantics allow adding (catalogue ``additive``: views,
interactions); reach, accounts engaged and every derived metric are shown per account in a
table, whose total row leaves them out. Reach counts unique accounts: one person reached by two
accounts is one person in each, so a sum would count them twice; the notes say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reporter.catalogue import Catalogue
from reporter.dataset import Dataset
from reporter.dataset.totals import Total
from reporter.periods import Period
from reporter.render import images
from reporter.render.inputs import Inputs
from reporter.render.model import Cell, Kpi, NoteItem, Notes, Table
from reporter.render.sections import cover as cover_section
from reporter.render.sections import notes, summary
from reporter.render.translations import N_, template_callables
from reporter.spec.models import Account, Spec

# One account's report in the roll-up: its account, the data it was rendered from, and that of
# its comparison period.
Member = tuple[Account, Dataset, Dataset | None]

ROLLUP_NOTE = N_(
    "Totals add up only figures Meta allows adding (views, interactions, likes and other "
    "counts). Accounts reached and accounts engaged count unique accounts: someone reached by "
    "two of the accounts counts once in each, so they are never summed across accounts; they "
    "and the derived rates are shown per account, without a total."
)


@dataclass(frozen=True)
class Rollup:
    name: str
    table: Table
    accounts: tuple[str, ...]


@dataclass(frozen=True)
class Written:
    """A roll-up's files and what its e-mail shows (its KPI cards, the first account's labels)."""

    files: tuple[Path, ...]
    first: Inputs
    kpis: tuple[Kpi, ...]


def write(
    spec: Spec,
    members: Sequence[Member],
    *,
    now: dt.datetime,
    spec_dir: Path,
    catalogue: Catalogue,
    out_root: Path,
    simulated: bool = False,
) -> Written:
    """The roll-up over ``members`` (each account's report, from the data it was rendered
    from) in the spec's formats, where an account's report goes with the roll-up's name."""
    from reporter.render.report import make_inputs, render_context, write_files

    assert spec.rollup is not None
    name = spec.rollup.name
    reports = [
        make_inputs(spec, account, data, before, thumbnails={}, now=now, spec_dir=spec_dir,
                    catalogue=catalogue, simulated=simulated)
        for account, data, before in members
    ]  # fmt: skip
    values = build(name, reports)
    rendered = render_context(spec, values, reports[0].period_label, name, spec_dir)
    period = Period(members[0][1].since, members[0][1].until)
    files = write_files(spec, rendered, name, period, out_root)
    return Written(tuple(files), reports[0], values["summary"].kpis)


def build(name: str, reports: Sequence[Inputs]) -> dict[str, Any]:
    """The template context of the combined report over each account's ``Inputs``."""
    first = reports[0]
    metrics = list(first.spec.account_metrics.metrics)
    summed = [m for m in metrics if first.additive("account", m)]
    kpis = tuple(_kpi(reports, m) for m in summed)
    cover = cover_section.Cover(
        title=first.report_title,
        client=first.spec.report.client,
        account_name=name,
        handles=", ".join("@" + r.current.account.username for r in reports),
        profile_picture=images.AVATAR,
        period=first.period_label,
        comparison=first.comparison_label,
        logo=first.logo,
        author=first.branding.author,
        prepared=first.fmt.date(first.now),
        followers=None,
        sample=first.fmt.gettext(cover_section.SAMPLE) if first.simulated else None,
    )
    _ = first.fmt.gettext
    fetched = min(r.current.fetched_at for r in reports)
    lead = summary.Summary(
        kpis,
        (),
        first.comparison_label,
        first.fmt.datetime(fetched)
        + (" (" + _("the earliest of the accounts") + ")" if len(reports) > 1 else ""),
        table=summary.kpi_table(first, [_sums(reports, m) for m in summed], kpis),
    )
    table = _table(reports, metrics)
    data_notes = [
        NoteItem(_("Roll-up"), _(ROLLUP_NOTE)),
        NoteItem(_("Accounts"), ", ".join(r.account.name for r in reports) + "."),
        *[
            NoteItem(
                r.account.name,
                _("Fetched on {moment}.").format(moment=r.fmt.datetime(r.current.fetched_at)),
            )
            for r in reports
        ],
    ]
    return {
        "fmt": first.fmt,
        **template_callables(first.fmt.translations),
        "brand": first.branding,
        "report": first.spec.report,
        "period": first.period_label,
        "comparison": first.comparison_label,
        "has_media": False,
        "has_audience": False,
        "cover": cover,
        "summary": lead,
        "goals": (),
        "commentary": None,
        "trends": (),
        "breakdowns": (),
        "audience": (),
        "content": None,
        "campaigns": (),
        "history": None,
        "contents": (),
        "rollup": Rollup(name, table, tuple(r.account.name for r in reports)),
        "sections": [n for n in first.spec.report.sections if n in ("summary", "notes")],
        "notes": Notes(tuple(notes.metric_notes(first)), (), tuple(data_notes)),
    }


def _kpi(reports: Sequence[Inputs], metric: str) -> Kpi:
    first = reports[0]
    fmt, unit = first.fmt, first.unit("account", metric)
    title = first.title("account", metric)
    current = [r.account_total(r.current, metric) for r in reports]
    missing = [r.account.name for r, t in zip(reports, current, strict=True) if t.value is None]
    if missing:
        reason = fmt.gettext("n/a for {accounts}.").format(accounts=", ".join(missing))
        return Kpi(metric, title, fmt.na, fmt.na, False, reason=reason)
    value = sum(t.value or 0 for t in current)
    coverage = fmt.gettext("sum of {count} accounts").format(count=len(reports))
    kpi = Kpi(metric, title, fmt.value(value, unit, compact=True), fmt.value(value, unit), True,
              coverage=coverage)  # fmt: skip
    before = [r.account_total(r.previous, metric).value if r.previous else None for r in reports]
    if first.comparison_label is None or any(v is None for v in before):
        return kpi
    previous = sum(v or 0 for v in before)
    delta, ratio = summary.change(value, previous)
    import dataclasses

    return dataclasses.replace(
        kpi,
        previous=fmt.value(previous, unit, compact=True),
        delta=fmt.signed(delta),
        delta_percent=fmt.signed_percent(ratio) if ratio is not None else fmt.gettext("new"),
        trend="up" if (delta or 0) > 0 else "down" if (delta or 0) < 0 else "flat",
    )


def _sums(reports: Sequence[Inputs], metric: str) -> tuple[str, Total, Total | None]:
    """A summed card's figures for the CSV: the sum over the accounts, and the sum of their
    comparison (none when an account has no comparison figure)."""
    current = [r.account_total(r.current, metric).value for r in reports]
    value = None if any(v is None for v in current) else sum(v or 0 for v in current)
    before = [r.account_total(r.previous, metric).value if r.previous else None for r in reports]
    if reports[0].comparison_label is None or any(v is None for v in before):
        return metric, Total(value), None
    return metric, Total(value), Total(sum(v or 0 for v in before))


def _table(reports: Sequence[Inputs], metrics: list[str]) -> Table:
    """One row per metric, one column per account, and a total column where summing is right."""
    first = reports[0]
    fmt = first.fmt
    rows = []
    for metric in metrics:
        unit = first.unit("account", metric)
        cells = [Cell(first.title("account", metric))]
        values: list[float | None] = []
        for r in reports:
            definition = r.definition("account", metric)
            if definition is not None and definition.kind == "best_time":
                slot, _ = summary.best_time_text(r, r.current, metric)
                cells.append(Cell(slot, numeric=True))
                values.append(None)
                continue
            value = r.account_total(r.current, metric).value
            values.append(value)
            cells.append(Cell(fmt.value(value, unit), value, numeric=True))
        if first.definition("account", metric) is not None:
            cells.append(Cell("—", "", numeric=True))
        elif not first.additive("account", metric):
            cells.append(Cell(fmt.gettext("not summed"), "", numeric=True))
        elif any(v is None for v in values):
            cells.append(Cell(fmt.na, "", numeric=True))
        else:
            total = sum(v or 0 for v in values)
            cells.append(Cell(fmt.value(total, unit), total, numeric=True))
        rows.append(tuple(cells))
    every = fmt.gettext("All {count} accounts").format(count=len(reports))
    columns = ("", *(r.account.name for r in reports), every)
    return Table(
        "rollup_accounts",
        fmt.gettext("By account"),
        columns,
        tuple(rows),
        numeric=(False, *([True] * (len(reports) + 1))),
    )
