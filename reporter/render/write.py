"""Writing the outputs: where (the spec's directory pattern under an output root; the files
themselves through reporter.files.atomic_write), and the CSV of the report's tables."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from reporter.periods import Period
from reporter.render.model import Table

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
