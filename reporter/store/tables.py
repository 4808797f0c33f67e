"""The store's tables, as SQLAlchemy Core sees them today (the newest Alembic revision).

One schema for SQLite and PostgreSQL. Times are ISO 8601 text (what the SQLite stores of the
first release hold, and what keeps ``timestamp >= ?`` a plain comparison on both), except the
observations' (seconds since 1970 UTC, revision 0004); small JSON values are text; documents
(raw answers, archived datasets) are zlib-compressed bytes (encoding.py), pictures and rendered
files are bytes. The columns keep the order of the first
release's tables, so a store migrated from it and a new one are the same.

Change a table here *and* add a revision in migrations/versions/ (never edit one that shipped).
"""

from __future__ import annotations

from sqlalchemy import (
    REAL,
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()
_REAL = Float().with_variant(REAL(), "sqlite")  # double precision on PostgreSQL


def _call_id(table: str) -> Column[int]:
    return Column(
        "call_id", Integer, ForeignKey("calls.id", name=f"{table}_call_fk"), nullable=False
    )


def _seconds(name: str) -> Column[int]:
    return Column(name, BigInteger, nullable=True)


def _text(name: str, *, null: bool = False, default: str | None = None) -> Column[str]:
    return Column(name, Text, nullable=null, server_default=default)


units = Table(
    "units", metadata,
    _text("account_id"), _text("unit"), _text("period_since"), _text("period_until"),
    _text("window_since"), _text("window_until"), _text("api_version"), _text("timezone"),
    Column("generation", Integer, nullable=False), _text("started_at"),
    _text("completed_at", null=True), _text("notes", default="[]"),
    PrimaryKeyConstraint("account_id", "unit"),
)  # fmt: skip
# revision 0004: a call's key (its URL) is stored here once; the rows it brought name it by id.
# A call is done in the unit's current generation; a call fetched again keeps its id.
calls = Table(
    "calls", metadata,
    Column("id", Integer, primary_key=True),
    _text("account_id"), _text("unit"), _text("call_key"),
    Column("generation", Integer, nullable=False), _text("done_at"),
    UniqueConstraint("account_id", "unit", "call_key", name="calls_key"),
)  # fmt: skip
# revision 0004: the newest raw answer of each call (its pages), zlib of compact JSON
snapshots = Table(
    "snapshots", metadata,
    Column("id", Integer, primary_key=True), _call_id("snapshots"), _text("asked_at"),
    _text("outcome"), Column("body", LargeBinary, nullable=False),
    Index("snapshots_call", "call_id"),
)  # fmt: skip
accounts = Table(
    "accounts", metadata,
    Column("id", Text, primary_key=True), _text("body"), _text("fetched_at"),
)  # fmt: skip
media = Table(
    "media", metadata,
    Column("id", Text, primary_key=True), _text("account_id"), _text("product_type"),
    _text("timestamp"), _text("body"), _text("fetched_at"),
    Index("media_account_time", "account_id", "timestamp"),
)  # fmt: skip
unit_media = Table(
    "unit_media", metadata,
    _text("account_id"), _text("unit"), _text("media_id"),
    PrimaryKeyConstraint("account_id", "unit", "media_id"),
)  # fmt: skip
# revision 0004: what a value measures (a few dozen of them), named by id in observations
metrics = Table(
    "metrics", metadata,
    Column("id", Integer, primary_key=True), _text("metric"), _text("period"),
    _text("metric_type"), _text("breakdown"),
    UniqueConstraint("metric", "period", "metric_type", "breakdown", name="metrics_key"),
)  # fmt: skip
# revision 0004: the account or media a value is of (its id, 17 digits), named by id in
# observations
objects = Table(
    "objects", metadata,
    Column("id", Integer, primary_key=True), _text("object_id"),
    UniqueConstraint("object_id", name="objects_key"),
)  # fmt: skip
# revision 0004: the call, the object and the metric by id, times as seconds since 1970 UTC
# (encoding.py)
observations = Table(
    "observations", metadata,
    _call_id("observations"),
    Column("object", Integer, ForeignKey("objects.id", name="observations_object_fk"),
           nullable=False),
    Column("metric_id", Integer, ForeignKey("metrics.id", name="observations_metric_fk"),
           nullable=False),
    Column("value", _REAL, nullable=False), _seconds("end_time"), _seconds("since"),
    _seconds("until"), _text("dimensions"),
    Index("observations_call", "call_id"),
    Index("observations_object", "object"),
)  # fmt: skip
unavailable = Table(
    "unavailable", metadata,
    _call_id("unavailable"), _text("object_id"), _text("metric"), _text("reason"),
    Column("code", Integer), _text("kind"),
    Index("unavailable_call", "call_id"),
    Index("unavailable_object", "object_id"),
)  # fmt: skip
thumbnails = Table(
    "thumbnails", metadata,
    Column("object_id", Text, primary_key=True), _text("url"), _text("content_type"),
    Column("data", LargeBinary, nullable=False), _text("fetched_at"),
)  # fmt: skip
# revision 0004: the datasets as zlib of their compact JSON
renders = Table(
    "renders", metadata,
    _text("spec"), _text("account_id"), _text("period"),
    Column("current", LargeBinary, nullable=False), Column("previous", LargeBinary),
    _text("commentary", null=True), _text("rendered_at"),
    PrimaryKeyConstraint("spec", "account_id", "period"),
)  # fmt: skip
deliveries = Table(
    "deliveries", metadata,
    _text("spec"), _text("account_id"), _text("period"), _text("recipient"), _text("state"),
    _text("message_id"), Column("sent_count", Integer, nullable=False, server_default="0"),
    _text("sent_at", null=True), _text("updated_at"), _text("detail", default=""),
    PrimaryKeyConstraint("spec", "account_id", "period", "recipient"),
)  # fmt: skip
waiting = Table(
    "waiting", metadata,
    _text("spec"), _text("account_id"), _text("period"), _text("kind"), _text("reasons"),
    _text("summary", null=True), _text("updated_at"), _text("account_name", default=""),
    PrimaryKeyConstraint("spec", "account_id", "period"),
)  # fmt: skip
approvals = Table(
    "approvals", metadata,
    _text("spec"), _text("account_id"), _text("period"), _text("approved_at"), _text("despite"),
    PrimaryKeyConstraint("spec", "account_id", "period"),
)  # fmt: skip
# revision 0002: the files of a rendered report (PDF, HTML, CSV), so any host can send it;
# revision 0004: zlib-compressed, and kept only until the report is sent (archive.py)
render_files = Table(
    "render_files", metadata,
    _text("spec"), _text("account_id"), _text("period"), _text("name"), _text("content_type"),
    Column("data", LargeBinary, nullable=False), _text("rendered_at"),
    PrimaryKeyConstraint("spec", "account_id", "period", "name"),
)  # fmt: skip
# revision 0003: each account's last rate-limit usage (Meta's usage headers), shared by every
# host fetching through this store
rate_usage = Table(
    "rate_usage", metadata,
    Column("account_id", Text, primary_key=True), Column("percent", Float, nullable=False),
    _text("observed_at"),
)  # fmt: skip

# Every table, parents first: the order `reporter store copy` fills a destination in.
TABLES: tuple[Table, ...] = tuple(metadata.sorted_tables)
