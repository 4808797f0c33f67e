"""The first release's schema scripts (SQLite, counted by ``PRAGMA user_version``), kept frozen.

A store that release made at an older version runs the remaining ones, then Alembic takes over
(migrate.py: revision 0001 is version 6). Never edit or append: change the schema with an
Alembic revision in migrations/versions/ and tables.py.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: units fetched, calls done, raw snapshots, normalised rows, thumbnails
    """
    CREATE TABLE units (
        account_id TEXT NOT NULL, unit TEXT NOT NULL,
        period_since TEXT NOT NULL, period_until TEXT NOT NULL,
        window_since TEXT NOT NULL, window_until TEXT NOT NULL,
        api_version TEXT NOT NULL, timezone TEXT NOT NULL,
        generation INTEGER NOT NULL, started_at TEXT NOT NULL, completed_at TEXT,
        notes TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (account_id, unit));
    CREATE TABLE calls (
        account_id TEXT NOT NULL, unit TEXT NOT NULL, call_key TEXT NOT NULL,
        generation INTEGER NOT NULL, done_at TEXT NOT NULL,
        PRIMARY KEY (account_id, unit, call_key));
    CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY, account_id TEXT NOT NULL, unit TEXT NOT NULL,
        call_key TEXT NOT NULL, asked_at TEXT NOT NULL, outcome TEXT NOT NULL, body TEXT NOT NULL);
    CREATE INDEX snapshots_call ON snapshots (account_id, unit, call_key);
    CREATE TABLE accounts (id TEXT PRIMARY KEY, body TEXT NOT NULL, fetched_at TEXT NOT NULL);
    CREATE TABLE media (
        id TEXT PRIMARY KEY, account_id TEXT NOT NULL, product_type TEXT NOT NULL,
        timestamp TEXT NOT NULL, body TEXT NOT NULL, fetched_at TEXT NOT NULL);
    CREATE INDEX media_account_time ON media (account_id, timestamp);
    CREATE TABLE unit_media (
        account_id TEXT NOT NULL, unit TEXT NOT NULL, media_id TEXT NOT NULL,
        PRIMARY KEY (account_id, unit, media_id));
    CREATE TABLE observations (
        account_id TEXT NOT NULL, unit TEXT NOT NULL, call_key TEXT NOT NULL,
        object_id TEXT NOT NULL, metric TEXT NOT NULL, period TEXT NOT NULL, value REAL NOT NULL,
        end_time TEXT, since TEXT, until TEXT, dimensions TEXT NOT NULL, metric_type TEXT NOT NULL);
    CREATE INDEX observations_call ON observations (account_id, unit, call_key);
    CREATE INDEX observations_object ON observations (object_id);
    CREATE TABLE unavailable (
        account_id TEXT NOT NULL, unit TEXT NOT NULL, call_key TEXT NOT NULL,
        object_id TEXT NOT NULL, metric TEXT NOT NULL, reason TEXT NOT NULL, code INTEGER,
        kind TEXT NOT NULL);
    CREATE INDEX unavailable_call ON unavailable (account_id, unit, call_key);
    CREATE INDEX unavailable_object ON unavailable (object_id);
    CREATE TABLE thumbnails (
        object_id TEXT PRIMARY KEY, url TEXT NOT NULL, content_type TEXT NOT NULL,
        data BLOB NOT NULL, fetched_at TEXT NOT NULL);
    """,
    # 2: the render archive: each rendered report's exact datasets, so a re-render (or a later
    # fetch) never changes a report already made; one row per spec file, account and period
    """
    CREATE TABLE renders (
        spec TEXT NOT NULL, account_id TEXT NOT NULL, period TEXT NOT NULL,
        current TEXT NOT NULL, previous TEXT, commentary TEXT, rendered_at TEXT NOT NULL,
        PRIMARY KEY (spec, account_id, period));
    """,
    # 3: the delivery ledger: one row per (spec, account, period, recipient); see ledger.py
    """
    CREATE TABLE deliveries (
        spec TEXT NOT NULL, account_id TEXT NOT NULL, period TEXT NOT NULL,
        recipient TEXT NOT NULL, state TEXT NOT NULL, message_id TEXT NOT NULL,
        sent_count INTEGER NOT NULL DEFAULT 0, sent_at TEXT, updated_at TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (spec, account_id, period, recipient));
    """,
    # 4: the review gate: reports waiting (awaiting approval, or held by a data-quality rule)
    # and approvals; see review.py
    """
    CREATE TABLE waiting (
        spec TEXT NOT NULL, account_id TEXT NOT NULL, period TEXT NOT NULL,
        kind TEXT NOT NULL, reasons TEXT NOT NULL, summary TEXT, updated_at TEXT NOT NULL,
        PRIMARY KEY (spec, account_id, period));
    CREATE TABLE approvals (
        spec TEXT NOT NULL, account_id TEXT NOT NULL, period TEXT NOT NULL,
        approved_at TEXT NOT NULL, despite TEXT NOT NULL,
        PRIMARY KEY (spec, account_id, period));
    """,
    # 5: the name of a waiting report's account, for `reporter pending`
    """
    ALTER TABLE waiting ADD COLUMN account_name TEXT NOT NULL DEFAULT '';
    """,
    # 6: the breakdown an account call was asked with, on each of its values (its undimensioned
    # total is the breakdown's, not a second total of the window); rows stored before get it
    # back from their call's URL
    """
    ALTER TABLE observations ADD COLUMN breakdown TEXT NOT NULL DEFAULT '';
    UPDATE observations
    SET breakdown = substr(
        substr(call_key, instr(call_key, '&breakdown=') + 11), 1,
        instr(substr(call_key, instr(call_key, '&breakdown=') + 11) || '&', '&') - 1)
    WHERE instr(call_key, '/insights?') > 0 AND instr(call_key, '&breakdown=') > 0
      AND object_id = account_id;
    """,
)
