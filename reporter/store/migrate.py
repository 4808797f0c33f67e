"""Bring a store to the newest schema: Alembic's revisions (migrations/versions/), run here.

One history for SQLite and PostgreSQL. Revision 0001 is the schema the first release left in
its SQLite stores (``PRAGMA user_version`` 6); such a store, or an older one, first runs the
release's remaining scripts (schema.py), then is stamped 0001 and goes on with Alembic. A store
Alembic keeps has ``user_version`` 7 on SQLite, so that the first release refuses it ("written
by a newer reporter") rather than misread it. Every step runs in one transaction (PostgreSQL
serialises hosts that start at once with an advisory lock), so a store is never half-migrated.

A new, empty store gets the newest schema straight from tables.py and is stamped HEAD, as
Alembic would stamp it, without importing Alembic or running its scripts (0.1-0.25 s of the
first run; tests/test_store_upgrade.py checks the schema is the one Alembic's scripts build).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
    text,
)

from reporter.store.engine import transaction
from reporter.store.lock import StoreError
from reporter.store.schema import MIGRATIONS

if TYPE_CHECKING:
    from alembic.config import Config

ALEMBIC_USER_VERSION = len(MIGRATIONS) + 1  # SQLite: the store is Alembic's
BASELINE = "0001"
HEAD = "0004"  # the newest revision: a store at it opens without importing Alembic (a test
# checks it is Alembic's head)
_LOCK_KEY = 0x7265706F  # "repo": pg_advisory_xact_lock while migrating


@dataclass(frozen=True)
class Migrated:
    before: str  # "none" (new), "schema N" (the first release's), or a revision
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _config() -> Config:
    """A new one each time: it carries the connection of one migration."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    return config


def head() -> str:
    return HEAD


def alembic_head() -> str | None:
    """The head of the revisions in migrations/versions/ (HEAD must be it)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def migrate(engine: Engine, *, schema: str | None = None) -> Migrated:
    """Upgrade the store behind ``engine`` to the newest revision; what it was and is.
    ``schema`` (PostgreSQL): the schema the tables live in, created if missing."""
    with transaction(engine, write=True) as db:
        if db.dialect.name == "postgresql":
            db.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})")
            exists = text("SELECT 1 FROM pg_namespace WHERE nspname = :name")
            if schema is not None and db.execute(exists, {"name": schema}).first() is None:
                db.exec_driver_sql(f'CREATE SCHEMA "{schema}"')  # a checked name (engine.py)
        before = _legacy(db) if db.dialect.name == "sqlite" else None
        current = _current(db)
        if before is None:
            before = current or "none"
        if current == HEAD:
            return Migrated(before, current)
        if before == "none" and not inspect(db).get_table_names():
            _create_head(db)
            return Migrated(before, HEAD)
        if current is not None:
            _known(current)
        _upgrade(db, stamp=before.startswith("schema "))
    return Migrated(before, head())


def _upgrade(db: Connection, *, stamp: bool) -> None:
    """Alembic's scripts up to the head (``stamp``: the first release's store, stamped 0001)."""
    from alembic import command

    config = _config()
    config.attributes["connection"] = db
    try:
        if stamp:
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")
    finally:
        config.attributes.pop("connection", None)
    if db.dialect.name == "sqlite":
        db.exec_driver_sql(f"PRAGMA user_version = {ALEMBIC_USER_VERSION}")


# Alembic's own version table (alembic/runtime/migration.py), so that Alembic reads this store
# as one it stamped.
_VERSION = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def _create_head(db: Connection) -> None:
    """The newest schema in an empty store, stamped HEAD."""
    from reporter.store.tables import metadata

    metadata.create_all(db)
    _VERSION.create(db)
    db.execute(_VERSION.insert().values(version_num=HEAD))
    if db.dialect.name == "sqlite":
        db.exec_driver_sql(f"PRAGMA user_version = {ALEMBIC_USER_VERSION}")


def _current(db: Connection) -> str | None:
    """The store's revision (None: not created yet, or the first release's schema)."""
    if not inspect(db).has_table("alembic_version"):
        return None
    found = db.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return str(found[0]) if len(found) == 1 else None


def _known(current: str) -> None:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        ScriptDirectory.from_config(_config()).get_revision(current)
    except CommandError:
        raise StoreError(
            f"the store was written by a newer reporter (schema {current}); upgrade reporter"
        ) from None


def _legacy(db: Connection) -> str | None:
    """Run the first release's remaining scripts on a SQLite store it made: "schema N" then."""
    version = int(db.exec_driver_sql("PRAGMA user_version").scalar_one())
    if version > ALEMBIC_USER_VERSION:
        raise StoreError(
            f"the store was written by a newer reporter (schema {version}); upgrade reporter"
        )
    if version == ALEMBIC_USER_VERSION or (version == 0 and not inspect(db).get_table_names()):
        return None
    for script in MIGRATIONS[version:]:
        for statement in filter(str.strip, script.split(";")):
            db.exec_driver_sql(statement)
    return f"schema {version}"
