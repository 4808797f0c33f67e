"""Writing the outputs: where (the spec's directory pattern under an output root; the files
themselves through reporter.files.atomic_write), and the CSV of the report's tables."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from reporter.periods import Period
from reporter.render.model import Table
from reporter.spec.models import Spec

_UNSAFE = re.compile(r"[^\w.@+-]+", re.UNICODE)


def slug(text: str) -> str:
    """A file-name-safe form of a client or account name (no separators, no dot-dot)."""
    cleaned = _UNSAFE.sub("-", text.strip()).strip("-.")
    return cleaned or "report"


def output_dir(pattern: str, *, root: Path, client: str, account: str, period: Period) -> Path:
    """The spec's ``output.directory`` filled in, under ``root``; never outside it."""
    relative = pattern.format(
        client=slug(client),
        account=slug(account),
        period=period.label,
        year=f"{period.since:%Y}",
        month=f"{period.since:%m}",
    )
    folder = (root / relative).resolve()
    if not folder.is_relative_to(root.resolve()):
        raise ValueError(f"output.directory {pattern!r} leads outside the output folder {root}")
    return folder


def clash(specs: Sequence[tuple[Path, Spec]]) -> str | None:
    """Two reports of these specs that would write the same files (the same client and account
    or roll-up name under the same ``output.directory``): the sentence that says which, and the
    fix; None when every report has files of its own. The last to finish would win silently."""
    sample = Period(dt.date(2000, 1, 1), dt.date(2000, 1, 31))
    root = Path("/")
    seen: dict[Path, str] = {}
    for path, spec in specs:
        names = [(a.name, a.name) for a in spec.accounts]
        if spec.rollup is not None:
            names.append((spec.rollup.name, f"roll-up {spec.rollup.name}"))
        for name, what in names:
            try:
                folder = output_dir(spec.output.directory, root=root, client=spec.report.client,
                                    account=name, period=sample)  # fmt: skip
            except ValueError:
                continue  # the validator says so, with its line
            where = folder / slug(name)
            here = f"{path.name} ({what})"
            if where in seen and seen[where] != here:
                return (
                    f"{seen[where]} and {here} would write the same report files; give one of "
                    f"them an `output.directory` of its own, e.g. "
                    f'"reports/{{client}}/{{account}}/{path.stem}/{{period}}"'
                )
            seen.setdefault(where, here)
    return None


def tables_csv(tables: Iterable[Table]) -> bytes:
    """Every table of the report in one long CSV: table, row, column, value.

    Long form keeps tables of different shapes in one valid file a spreadsheet can pivot;
    values are raw (plain numbers, ISO dates), not the locale's display text.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["table", "title", "row", "column", "value"])
    for table in tables:
        for row in table.rows:
            label = row[0].csv if row else ""
            for column, cell in zip(table.columns[1:], row[1:], strict=False):
                cells = (table.key, table.title, label, column, cell.csv)
                writer.writerow([_plain(c) for c in cells])
    # A BOM so that Excel opens UTF-8 (captions, city names) correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _plain(value: str | float) -> str | float:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        # Any text cell (a caption like "=HYPERLINK(...)", a breakdown label, a title) stays
        # text in a spreadsheet: OWASP's CSV injection advice, a leading single quote.
        return "'" + value
    return value
