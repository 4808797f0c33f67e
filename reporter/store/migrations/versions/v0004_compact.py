"""The store at a fifth of its size, every row's information kept (issue 16):

- ``calls`` gets an integer id; the rows a call brought (``snapshots``, ``observations``,
  ``unavailable``) name it by that id instead of repeating its account, unit and key (a URL of
  about 200 characters, twice per row with its index). A key rows had whose call was no longer
  marked done (a call being fetched again) gets a call of generation -1, done when its newest
  snapshot was asked (or at 1970: to be fetched again), so it is done in no generation.
- ``observations``' times become seconds since 1970 UTC (they were ISO 8601 text in UTC), and
  what a value measures (metric, period, metric type, breakdown: a few dozen combinations) and
  what it is of (an account or media id) rows of the new ``metrics`` and ``objects``, named
  by id.
- Raw answers (``snapshots.body``), archived datasets (``renders.current``/``previous``) and
  rendered files (``render_files.data``) are zlib-compressed, their text kept byte for byte.

Each table is built anew beside the old one, filled in batches, and takes its name; all in the
migration's one transaction. Revision ID: 0004
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_BATCH = 2000
_NEW = "_0004"  # the new tables' names while the old ones still exist
_EPOCH = "1970-01-01T00:00:00+00:00"
_REAL = sa.Float().with_variant(sa.REAL(), "sqlite")


def _t(name: str, *, null: bool = False, default: str | None = None) -> sa.Column[str]:
    return sa.Column(name, sa.Text, nullable=null, server_default=default)


def _call_id(table: str) -> sa.Column[int]:
    key = sa.ForeignKey(f"calls{_NEW}.id", name=f"{table}_call_fk")
    return sa.Column("call_id", sa.Integer, key, nullable=False)


def _tables(md: sa.MetaData) -> dict[str, sa.Table]:
    """The tables this revision builds anew, as it makes them (frozen here: tables.py moves
    on), by the name they end with; ``metrics`` and ``objects`` (new, under their own names) are
    in ``md`` too."""
    pk = sa.PrimaryKeyConstraint
    seconds = [sa.Column(n, sa.BigInteger, nullable=True) for n in ("end_time", "since", "until")]
    made = [
        sa.Table(
            "calls" + _NEW, md, sa.Column("id", sa.Integer, primary_key=True), _t("account_id"),
            _t("unit"), _t("call_key"), sa.Column("generation", sa.Integer, nullable=False),
            _t("done_at"), sa.UniqueConstraint("account_id", "unit", "call_key", name="calls_key"),
        ),
        sa.Table(
            "snapshots" + _NEW, md, sa.Column("id", sa.Integer, primary_key=True),
            _call_id("snapshots"), _t("asked_at"), _t("outcome"),
            sa.Column("body", sa.LargeBinary, nullable=False),
        ),
        sa.Table(
            "metrics", md, sa.Column("id", sa.Integer, primary_key=True), _t("metric"),
            _t("period"), _t("metric_type"), _t("breakdown"),
            sa.UniqueConstraint("metric", "period", "metric_type", "breakdown",
                                name="metrics_key"),
        ),
        sa.Table(
            "objects", md, sa.Column("id", sa.Integer, primary_key=True), _t("object_id"),
            sa.UniqueConstraint("object_id", name="objects_key"),
        ),
        sa.Table(
            "observations" + _NEW, md, _call_id("observations"),
            sa.Column("object", sa.Integer,
                      sa.ForeignKey("objects.id", name="observations_object_fk"),
                      nullable=False),
            sa.Column("metric_id", sa.Integer,
                      sa.ForeignKey("metrics.id", name="observations_metric_fk"),
                      nullable=False),
            sa.Column("value", _REAL, nullable=False), *seconds, _t("dimensions"),
        ),
        sa.Table(
            "unavailable" + _NEW, md, _call_id("unavailable"), _t("object_id"), _t("metric"),
            _t("reason"), sa.Column("code", sa.Integer), _t("kind"),
        ),
        sa.Table(
            "renders" + _NEW, md, _t("spec"), _t("account_id"), _t("period"),
            sa.Column("current", sa.LargeBinary, nullable=False),
            sa.Column("previous", sa.LargeBinary), _t("commentary", null=True),
            _t("rendered_at"), pk("spec", "account_id", "period", name=f"renders{_NEW}_pkey"),
        ),
        sa.Table(
            "render_files" + _NEW, md, _t("spec"), _t("account_id"), _t("period"), _t("name"),
            _t("content_type"), sa.Column("data", sa.LargeBinary, nullable=False),
            _t("rendered_at"),
            pk("spec", "account_id", "period", "name", name=f"render_files{_NEW}_pkey"),
        ),
    ]  # fmt: skip
    return {t.name.removesuffix(_NEW): t for t in made if t.name.endswith(_NEW)}


_INDEXES = {  # made once the old tables (and their indexes of the same names) are gone
    "snapshots_call": ("snapshots", ["call_id"]),
    "observations_call": ("observations", ["call_id"]),
    "observations_object": ("observations", ["object"]),
    "unavailable_call": ("unavailable", ["call_id"]),
    "unavailable_object": ("unavailable", ["object_id"]),
}


def _pack(text: str | bytes | None) -> bytes | None:
    if text is None:
        return None
    return zlib.compress(text.encode("utf-8") if isinstance(text, str) else bytes(text), 6)


def _seconds(text: str | None) -> int | None:
    return None if text is None else int(dt.datetime.fromisoformat(text).timestamp())


def upgrade() -> None:
    db = op.get_bind()
    new = _tables(sa.MetaData())
    next(iter(new.values())).metadata.create_all(db)  # metrics among them
    _calls(db, new["calls"])
    joined = (
        "FROM {old} o JOIN calls{new} c ON c.account_id = o.account_id AND c.unit = o.unit "
        "AND c.call_key = o.call_key"
    )
    _copy(
        db,
        new["snapshots"],
        "SELECT o.id, c.id AS call_id, o.asked_at, o.outcome, o.body "
        + joined.format(old="snapshots", new=_NEW),
        lambda r: {**r, "body": _pack(r["body"])},
    )
    db.exec_driver_sql(
        "INSERT INTO metrics (metric, period, metric_type, breakdown) SELECT DISTINCT metric, "
        "period, metric_type, breakdown FROM observations ORDER BY metric, period, metric_type, "
        "breakdown"
    )
    db.exec_driver_sql(
        "INSERT INTO objects (object_id) SELECT DISTINCT object_id FROM observations "
        "ORDER BY object_id"
    )
    _copy(
        db,
        new["observations"],
        "SELECT c.id AS call_id, b.id AS object, m.id AS metric_id, o.value, o.end_time, "
        "o.since, o.until, o.dimensions "
        + joined.format(old="observations", new=_NEW)
        + " JOIN objects b ON b.object_id = o.object_id JOIN metrics m ON m.metric = o.metric "
        "AND m.period = o.period AND m.metric_type = o.metric_type AND m.breakdown = o.breakdown",
        lambda r: {**r, **{k: _seconds(r[k]) for k in ("end_time", "since", "until")}},
    )
    _copy(
        db,
        new["unavailable"],
        "SELECT c.id AS call_id, o.object_id, o.metric, o.reason, "
        "o.code, o.kind " + joined.format(old="unavailable", new=_NEW),
        dict,
    )
    _copy(
        db,
        new["renders"],
        "SELECT * FROM renders",
        lambda r: {**r, "current": _pack(r["current"]), "previous": _pack(r["previous"])},
    )
    _copy(db, new["render_files"], "SELECT * FROM render_files",
          lambda r: {**r, "data": _pack(r["data"])})  # fmt: skip
    for name in ("observations", "unavailable", "snapshots", "calls", "renders", "render_files"):
        op.drop_table(name)
    for name in new:
        op.rename_table(name + _NEW, name)
    if db.dialect.name == "postgresql":
        for name, kind in (("calls", "pkey"), ("snapshots", "pkey"), ("renders", "pkey"),
                           ("render_files", "pkey")):  # fmt: skip
            op.execute(f"ALTER TABLE {name} RENAME CONSTRAINT {name}{_NEW}_{kind} TO {name}_{kind}")
        for name in ("calls", "snapshots"):
            op.execute(f"ALTER SEQUENCE {name}{_NEW}_id_seq RENAME TO {name}_id_seq")
            op.execute(
                f"SELECT setval('{name}_id_seq', COALESCE((SELECT max(id) FROM {name}), 1), "
                f"(SELECT count(*) > 0 FROM {name}))"
            )
    for index, (name, columns) in _INDEXES.items():
        op.create_index(index, name, columns)


def _calls(db: sa.Connection, calls: sa.Table) -> None:
    """Every call, and a call of generation -1 for each key rows have whose call is not done."""
    db.exec_driver_sql(
        f"INSERT INTO calls{_NEW} (account_id, unit, call_key, generation, done_at) "
        "SELECT account_id, unit, call_key, generation, done_at FROM calls "
        "ORDER BY account_id, unit, call_key"
    )
    keys = (
        "SELECT account_id, unit, call_key FROM snapshots UNION "
        "SELECT account_id, unit, call_key FROM observations UNION "
        "SELECT account_id, unit, call_key FROM unavailable"
    )
    db.exec_driver_sql(
        f"INSERT INTO calls{_NEW} (account_id, unit, call_key, generation, done_at) "
        "SELECT k.account_id, k.unit, k.call_key, -1, COALESCE((SELECT max(s.asked_at) "
        "FROM snapshots s WHERE s.account_id = k.account_id AND s.unit = k.unit "
        f"AND s.call_key = k.call_key), '{_EPOCH}') FROM ({keys}) k "
        f"WHERE NOT EXISTS (SELECT 1 FROM calls{_NEW} c WHERE c.account_id = k.account_id "
        "AND c.unit = k.unit AND c.call_key = k.call_key) "
        "ORDER BY k.account_id, k.unit, k.call_key"
    )


def _copy(
    db: sa.Connection,
    into: sa.Table,
    query: str,
    change: Callable[[dict[str, Any]], Mapping[str, Any]],
) -> None:
    for batch in _batches(db, query):
        db.execute(into.insert(), [dict(change(dict(row))) for row in batch])


def _batches(db: sa.Connection, query: str) -> Iterator[Sequence[Any]]:
    result = db.execute(sa.text(query).execution_options(yield_per=_BATCH))
    yield from result.mappings().partitions(_BATCH)
