"""Baseline: the store as the first release left it (its SQLite ``user_version`` 6).

A SQLite store of that release is stamped with this revision after its remaining old scripts
(store/schema.py) have run; a new store, SQLite or PostgreSQL, is created by it.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# REAL as the first release spelt it on SQLite; double precision on PostgreSQL
_REAL = sa.Float().with_variant(sa.REAL(), "sqlite")


def _t(name: str, *, null: bool = False, default: str | None = None) -> sa.Column[str]:
    return sa.Column(name, sa.Text, nullable=null, server_default=default)


def _int(name: str, *, null: bool = False, default: str | None = None) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, nullable=null, server_default=default)


def upgrade() -> None:
    op.create_table(
        "units", _t("account_id"), _t("unit"), _t("period_since"), _t("period_until"),
        _t("window_since"), _t("window_until"), _t("api_version"), _t("timezone"),
        _int("generation"), _t("started_at"), _t("completed_at", null=True),
        _t("notes", default="[]"), sa.PrimaryKeyConstraint("account_id", "unit"),
    )  # fmt: skip
    op.create_table(
        "calls", _t("account_id"), _t("unit"), _t("call_key"), _int("generation"), _t("done_at"),
        sa.PrimaryKeyConstraint("account_id", "unit", "call_key"),
    )  # fmt: skip
    op.create_table(
        "snapshots", sa.Column("id", sa.Integer, primary_key=True), _t("account_id"), _t("unit"),
        _t("call_key"), _t("asked_at"), _t("outcome"), _t("body"),
    )  # fmt: skip
    op.create_index("snapshots_call", "snapshots", ["account_id", "unit", "call_key"])
    op.create_table(
        "accounts", sa.Column("id", sa.Text, primary_key=True), _t("body"), _t("fetched_at")
    )
    op.create_table(
        "media", sa.Column("id", sa.Text, primary_key=True), _t("account_id"),
        _t("product_type"), _t("timestamp"), _t("body"), _t("fetched_at"),
    )  # fmt: skip
    op.create_index("media_account_time", "media", ["account_id", "timestamp"])
    op.create_table(
        "unit_media", _t("account_id"), _t("unit"), _t("media_id"),
        sa.PrimaryKeyConstraint("account_id", "unit", "media_id"),
    )  # fmt: skip
    op.create_table(
        "observations", _t("account_id"), _t("unit"), _t("call_key"), _t("object_id"),
        _t("metric"), _t("period"), sa.Column("value", _REAL, nullable=False),
        _t("end_time", null=True), _t("since", null=True), _t("until", null=True),
        _t("dimensions"), _t("metric_type"), _t("breakdown", default=""),
    )  # fmt: skip
    op.create_index("observations_call", "observations", ["account_id", "unit", "call_key"])
    op.create_index("observations_object", "observations", ["object_id"])
    op.create_table(
        "unavailable", _t("account_id"), _t("unit"), _t("call_key"), _t("object_id"),
        _t("metric"), _t("reason"), _int("code", null=True), _t("kind"),
    )  # fmt: skip
    op.create_index("unavailable_call", "unavailable", ["account_id", "unit", "call_key"])
    op.create_index("unavailable_object", "unavailable", ["object_id"])
    op.create_table(
        "thumbnails", sa.Column("object_id", sa.Text, primary_key=True), _t("url"),
        _t("content_type"), sa.Column("data", sa.LargeBinary, nullable=False), _t("fetched_at"),
    )  # fmt: skip
    op.create_table(
        "renders", _t("spec"), _t("account_id"), _t("period"), _t("current"),
        _t("previous", null=True), _t("commentary", null=True), _t("rendered_at"),
        sa.PrimaryKeyConstraint("spec", "account_id", "period"),
    )  # fmt: skip
    op.create_table(
        "deliveries", _t("spec"), _t("account_id"), _t("period"), _t("recipient"), _t("state"),
        _t("message_id"), _int("sent_count", default="0"), _t("sent_at", null=True),
        _t("updated_at"), _t("detail", default=""),
        sa.PrimaryKeyConstraint("spec", "account_id", "period", "recipient"),
    )  # fmt: skip
    op.create_table(
        "waiting", _t("spec"), _t("account_id"), _t("period"), _t("kind"), _t("reasons"),
        _t("summary", null=True), _t("updated_at"), _t("account_name", default=""),
        sa.PrimaryKeyConstraint("spec", "account_id", "period"),
    )  # fmt: skip
    op.create_table(
        "approvals", _t("spec"), _t("account_id"), _t("period"), _t("approved_at"),
        _t("despite"), sa.PrimaryKeyConstraint("spec", "account_id", "period"),
    )  # fmt: skip
