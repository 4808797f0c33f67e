"""The render archive: each rendered report's exact datasets and commentary (so a re-render, or
a later fetch, never changes a report already made) and, until it is sent, its files (PDF,
HTML, CSV: so any host sharing the store can send or show it). One row per spec file, account
and period; datasets and files are zlib-compressed (encoding.py). A mixin of ``Store``
(database.py)."""

from __future__ import annotations

import contextlib
import datetime as dt
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Connection, delete, select, update

from reporter.dataset import Dataset
from reporter.store import tables as t
from reporter.store.encoding import pack, pack_text, unpack, unpack_text
from reporter.store.sql import replace


@dataclass(frozen=True)
class ArchivedRender:
    current: Dataset
    previous: Dataset | None
    commentary: str | None
    rendered_at: dt.datetime


@dataclass(frozen=True)
class RenderedFile:
    name: str  # the file's name as written (acme-2026-10.pdf)
    content_type: str
    data: bytes


class ArchiveMixin:
    if TYPE_CHECKING:

        def _read(self) -> contextlib.AbstractContextManager[Connection]: ...
        def _transaction(self) -> contextlib.AbstractContextManager[Connection]: ...

    def archived(self, spec: str, account_id: str, period: str) -> ArchivedRender | None:
        """The datasets a report of ``spec`` was first rendered from, if it was."""
        r = t.renders
        with self._read() as db:
            row = db.execute(
                select(r.c.current, r.c.previous, r.c.commentary, r.c.rendered_at).where(
                    r.c.spec == spec, r.c.account_id == account_id, r.c.period == period
                )
            ).first()
        if row is None:
            return None
        previous = Dataset.from_json(unpack_text(row[1])) if row[1] is not None else None
        return ArchivedRender(
            Dataset.from_json(unpack_text(row[0])), previous, row[2],
            dt.datetime.fromisoformat(row[3]),
        )  # fmt: skip

    def archive(
        self,
        spec: str,
        account_id: str,
        period: str,
        current: Dataset,
        previous: Dataset | None,
        commentary: str | None,
        *,
        now: dt.datetime,
    ) -> None:
        """Keep the exact datasets (and commentary) of a rendered report, replacing an older
        archive (and its files, which were rendered from the older one)."""
        key = {"spec": spec, "account_id": account_id, "period": period}
        with self._transaction() as db:
            replace(db, t.renders, {
                **key, "current": _packed(current), "commentary": commentary,
                "previous": _packed(previous) if previous else None,
                "rendered_at": now.isoformat(),
            })  # fmt: skip
            db.execute(delete(t.render_files).where(*_report(spec, account_id, period)))

    def archive_files(
        self,
        spec: str,
        account_id: str,
        period: str,
        files: Iterable[tuple[str, bytes]],
        *,
        now: dt.datetime,
    ) -> None:
        """Keep a rendered report's files (name, bytes), replacing those of an earlier render."""
        key = {"spec": spec, "account_id": account_id, "period": period}
        rows = [
            {**key, "name": name, "data": pack(data), "rendered_at": now.isoformat(),
             "content_type": mimetypes.guess_type(name)[0] or "application/octet-stream"}
            for name, data in files
        ]  # fmt: skip
        with self._transaction() as db:
            db.execute(delete(t.render_files).where(*_report(spec, account_id, period)))
            replace(db, t.render_files, rows)

    def archived_files(self, spec: str, account_id: str, period: str) -> list[RenderedFile]:
        """The files of a report's archived render, by name (none when not kept)."""
        f = t.render_files
        with self._read() as db:
            rows = db.execute(
                select(f.c.name, f.c.content_type, f.c.data)
                .where(*_report(spec, account_id, period))
                .order_by(f.c.name)
            ).all()
        return [RenderedFile(str(r[0]), str(r[1]), unpack(bytes(r[2]))) for r in rows if r[2]]

    def has_files(self, spec: str, account_id: str, period: str) -> bool:
        """Whether the archived datasets were rendered: their files are recorded (``archive``
        drops the files of older ones; ``drop_files`` keeps the record, not the bytes)."""
        f = t.render_files
        with self._read() as db:
            found = db.execute(
                select(f.c.name).where(*_report(spec, account_id, period)).limit(1)
            ).first()
        return found is not None

    def drop_files(self, spec: str, account_id: str, period: str) -> None:
        """Forget a report's files once it went to every recipient: nothing sends it again, and
        a re-render from its archived datasets gives the same report. Their names stay, with no
        bytes: the record that these datasets were rendered (``has_files``, the roll-up's test)."""
        f = t.render_files
        with self._transaction() as db:
            db.execute(update(f).where(*_report(spec, account_id, period)).values(data=b""))


def _packed(dataset: Dataset) -> bytes:
    return pack_text(dataset.to_json(indent=None))


def _report(spec: str, account_id: str, period: str) -> tuple[ColumnElement[bool], ...]:
    f = t.render_files
    return (f.c.spec == spec, f.c.account_id == account_id, f.c.period == period)
