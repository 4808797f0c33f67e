"""Each account's last rate-limit usage, as Meta's usage headers gave it, so that every host
fetching through one store paces itself by what the others have spent.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_usage",
        sa.Column("account_id", sa.Text, primary_key=True),
        sa.Column("percent", sa.Float, nullable=False),
        sa.Column("observed_at", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rate_usage")
