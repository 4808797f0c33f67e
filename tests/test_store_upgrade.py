"""A SQLite store made by the first release (before Alembic) opens with today's code, keeps
every row and comes out with the schema a new store has.

``fixtures/stores/release-0.1.sqlite3`` was written by that release's own code (build.py beside
it, run at commit ab9efd9): a fetched unit with its stories, a thumbnail, a render archive row, a
ledger with a sent, an unconfirmed and a failed recipient, a held report and its approval.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import psycopg
from sqlalchemy import Engine
from support.postgres import SERVER, fresh_schema

from reporter.store.database import MIGRATIONS, Store
from reporter.store.engine import postgres_engine, release, sqlite_engine, transaction
from reporter.store.ledger import ReportKey
from reporter.store.migrate import ALEMBIC_USER_VERSION, _upgrade, alembic_head, head

FIXTURE = Path(__file__).parent / "fixtures" / "stores" / "release-0.1.sqlite3"
NOW = dt.datetime(2026, 11, 2, 17, tzinfo=dt.UTC)
KEY = ReportKey("/specs/cafe.toml", "1", "2026-10")
HELD = ReportKey("/specs/cafe.toml", "2", "2026-10")


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    found = {n: sorted(db.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    db.close()
    return found


def _released(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of an upgraded store in the form the first release wrote it: revision 0004
    names a call by id, keeps observation times as seconds and compresses documents, so this
    reads them back through the calls and zlib (each table as _rows gives it)."""
    found = _rows(path)
    db = sqlite3.connect(path)
    key = "c.account_id, c.unit, c.call_key"

    def rows(query: str, *change: int) -> list[tuple[object, ...]]:
        out = []
        for row in db.execute(query):
            items = list(row)
            for i in change:
                items[i] = _decoded(items[i])
            out.append(tuple(items))
        return sorted(out, key=repr)

    found["calls"] = rows("SELECT account_id, unit, call_key, generation, done_at FROM calls "
                          "WHERE generation >= 0")  # fmt: skip
    found["snapshots"] = rows(f"SELECT s.id, {key}, s.asked_at, s.outcome, s.body FROM "
                              "snapshots s JOIN calls c ON c.id = s.call_id", 6)  # fmt: skip
    found["observations"] = [
        (*r[:7], *(_iso(v) for v in r[7:10]), *r[10:])
        for r in rows(f"SELECT {key}, b.object_id, m.metric, m.period, o.value, o.end_time, "
                      "o.since, o.until, o.dimensions, m.metric_type, m.breakdown FROM "
                      "observations o JOIN calls c ON c.id = o.call_id "
                      "JOIN objects b ON b.id = o.object JOIN metrics m ON m.id = o.metric_id")
    ]  # fmt: skip
    found["observations"].sort(key=repr)
    found["unavailable"] = rows(f"SELECT {key}, u.object_id, u.metric, u.reason, u.code, u.kind "
                                "FROM unavailable u JOIN calls c ON c.id = u.call_id")  # fmt: skip
    found["renders"] = rows("SELECT * FROM renders", 3, 4)
    db.close()
    return found


def _decoded(value: object) -> object:
    return None if value is None else zlib.decompress(bytes(value)).decode()  # type: ignore[arg-type]


def _iso(seconds: object) -> str | None:
    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(int(seconds), dt.UTC).isoformat()  # type: ignore[call-overload]


def _columns(path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    # (name, type, primary key position): NOT NULL on an INTEGER PRIMARY KEY is spelt either way
    found = {n: [(c[1], c[2], c[5]) for c in db.execute(f"PRAGMA table_info({n})")] for n in names}
    db.close()
    return found


def test_a_store_of_the_first_release_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    shutil.copy(FIXTURE, path)
    before = _rows(path)
    assert sum(map(len, before.values())) >= 15 and before["observations"]
    with Store.open(path) as store:
        assert (store.migrated.before, store.migrated.after) == ("schema 6", head())
        data = store.load_dataset("1", "2026-10")
        assert data is not None and [m.id for m in data.media] == ["m1", "s1"]
        assert {o.value for o in data.observations} == {7.0, 99.0}
        assert [u.metric for u in data.unavailable] == ["views"]
        assert store.thumbnail("m1") == ("image/png", b"\x89PNG\0\1")
        archived = store.archived(KEY.spec, "1", "2026-10")
        assert archived is not None and archived.current == data
        assert archived.commentary == "Busy month."
        ledger = store.deliveries(KEY)
        assert {r: (row.state, row.sent_count) for r, row in ledger.items()} == {
            "a@x.example": ("sent", 1),
            "b@x.example": ("sending", 0),
            "c@x.example": ("failed", 0),
        }
        [waiting] = store.waiting()
        assert (waiting.key, waiting.kind, waiting.account_name) == (HELD, "held", "Café Müller")
        approval = store.approval(HELD)
        assert approval is not None and approval.despite == ("late data",)
        assert store.known_periods(KEY.spec, "1") == {"2026-10"}
    after = _released(path)
    assert after.pop("alembic_version") == [(head(),)]
    assert after.pop("render_files") == []
    assert after.pop("rate_usage") == []
    assert sorted(after.pop("metrics")) == [(1, "reach", "day", "total_value", "follow_type"),
                                            (2, "reach", "lifetime", "lifetime", "")]  # fmt: skip
    assert sorted(after.pop("objects")) == [(1, "1"), (2, "m1")]
    assert after == before  # every row of every table, its information unchanged
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == ALEMBIC_USER_VERSION
    db.close()
    with Store.open(path) as again:  # a second open changes nothing
        assert again.migrated.before == again.migrated.after == head()


def test_an_upgraded_store_has_the_schema_of_a_new_one(tmp_path: Path) -> None:
    old, new = tmp_path / "old.sqlite3", tmp_path / "new.sqlite3"
    shutil.copy(FIXTURE, old)
    for path in (old, new):
        with Store.open(path):
            pass
    assert _columns(old) == _columns(new)


def test_a_store_of_schema_3_runs_the_release_scripts_then_alembic(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:3]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 3")
    db.execute(
        "INSERT INTO deliveries VALUES ('/s.toml', '1', '2026-10', 'a@x.example', 'sent', "
        "'<1@x>', 1, '2026-11-02T17:00:00+00:00', '2026-11-02T17:00:00+00:00', '250 ok')"
    )
    db.execute(
        "INSERT INTO observations VALUES ('1', '2026-10', '/1/insights?metric=reach"
        "&breakdown=follow_type&period=day', '1', 'reach', 'day', 5, NULL, NULL, NULL, '[]', "
        "'total_value')"
    )
    db.commit()
    db.close()
    with Store.open(path) as store:
        assert (store.migrated.before, store.migrated.after) == ("schema 3", head())
        key = ReportKey("/s.toml", "1", "2026-10")
        assert store.deliveries(key)["a@x.example"].sent_count == 1
        store.wait(key, "review", [], account_name="Acme", now=NOW)  # schema 4 and 5's table
    db = sqlite3.connect(path)
    # schema 6's script filled in the breakdown from the call's URL (revision 0004 keeps it)
    breakdown = "SELECT m.breakdown FROM observations o JOIN metrics m ON m.id = o.metric_id"
    assert db.execute(breakdown).fetchall() == [("follow_type",)]
    db.close()


def test_head_is_the_newest_alembic_revision() -> None:
    assert alembic_head() == head()


def _scripted(engine: Engine) -> None:
    """Every Alembic script run on an empty store: how a new store was built before it was
    built from tables.py (and how a store of an older revision still reaches the head)."""
    try:
        with transaction(engine, write=True) as db:
            _upgrade(db, stamp=False)
    finally:
        release(engine)


def _same_sql(sql: str | None) -> str | None:
    """A CREATE statement as SQLite keeps it, less what a table rebuilt and renamed by a
    migration (0004) changes in its text only: quotes around names, a primary key's name."""
    if sql is None:
        return None
    return re.sub(r"CONSTRAINT \w+_pkey PRIMARY KEY", "PRIMARY KEY", sql.replace('"', ""))


def _sqlite_schema(path: Path) -> dict[str, object]:
    db = sqlite3.connect(path)
    found = {
        "objects": sorted(
            (kind, name, table, _same_sql(sql))
            for kind, name, table, sql in db.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master"
            )
        ),
        "user_version": db.execute("PRAGMA user_version").fetchone(),
        "revision": db.execute("SELECT version_num FROM alembic_version").fetchall(),
    }
    db.close()
    return found


def test_a_new_store_has_the_schema_alembic_s_scripts_build(tmp_path: Path) -> None:
    new, scripted = tmp_path / "new.sqlite3", tmp_path / "scripted.sqlite3"
    with Store.open(new) as store:
        assert (store.migrated.before, store.migrated.after) == ("none", head())
    _scripted(sqlite_engine(scripted))
    assert _sqlite_schema(new) == _sqlite_schema(scripted)  # each CREATE statement, the same
    _scripted(sqlite_engine(new))  # Alembic reads the stamp: nothing left to run
    assert _sqlite_schema(new) == _sqlite_schema(scripted)


def test_a_new_store_is_made_without_importing_alembic(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from reporter.store.database import Store\n"
        "Store.open(Path(sys.argv[1])).close(); print(sorted({m.split('.')[0] for m in "
        "sys.modules} & {'alembic', 'mako'}))"
    )
    store = tmp_path / "store.sqlite3"
    done = subprocess.run([sys.executable, "-c", code, str(store)], capture_output=True,
                          text=True, check=True, timeout=120)  # fmt: skip
    assert done.stdout == "[]\n" and store.exists()


_PG_SCHEMA = [
    "SELECT table_name, column_name, ordinal_position, data_type, is_nullable,"
    " replace(column_default, %(s)s, 'S') FROM information_schema.columns"
    " WHERE table_schema = %(s)s",
    "SELECT table_name, constraint_name, constraint_type FROM information_schema.table_constraints"
    " WHERE table_schema = %(s)s AND constraint_type <> 'CHECK'",
    "SELECT tablename, indexname, replace(indexdef, %(s)s, 'S') FROM pg_indexes"
    " WHERE schemaname = %(s)s",
]


def _pg_schema(url: str) -> list[list[tuple[object, ...]]]:
    schema = url.rpartition("schema=")[2]
    with psycopg.connect(SERVER) as db:
        return [sorted(db.execute(query, {"s": schema}).fetchall()) for query in _PG_SCHEMA]


def test_a_new_postgresql_store_has_the_schema_alembic_s_scripts_build() -> None:
    with fresh_schema() as new, fresh_schema() as scripted:
        with Store.open(new) as store:
            assert (store.migrated.before, store.migrated.after) == ("none", head())
        with psycopg.connect(SERVER, autocommit=True) as db:
            db.execute(f'CREATE SCHEMA "{scripted.rpartition("schema=")[2]}"')
        _scripted(postgres_engine(scripted)[0])
        made, expected = _pg_schema(new), _pg_schema(scripted)
        assert made == expected and len(made[0]) > 50  # every column of every table
