"""The files of each rendered report (PDF, HTML, CSV) beside its archived datasets, so any host
sharing the store can send or show a report another host rendered.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "render_files",
        *(sa.Column(n, sa.Text, nullable=False) for n in ("spec", "account_id", "period", "name")),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("rendered_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("spec", "account_id", "period", "name"),
    )
