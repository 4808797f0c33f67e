"""Alembic's environment for the store: run only programmatically (store/migrate.py), on the
connection it hands over in ``config.attributes["connection"]``, inside its transaction."""

from __future__ import annotations

from alembic import context

context.configure(
    connection=context.config.attributes["connection"],
    render_as_batch=True,  # SQLite alters a table by copying it; PostgreSQL in place
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
