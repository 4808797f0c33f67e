"""Store size per account-month, SQLite against PostgreSQL, for the sandbox example.

Run it from the repository root (PostgreSQL at REPORTER_TEST_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/test):

    python bench/bench_store_size.py

It runs `reporter run reports.example.toml --sandbox --send` (two accounts; October reported,
September fetched for the comparison; the mail to aiosmtpd on loopback) once into a new SQLite
file and once into a new PostgreSQL schema: the store as it stays once the month's reports are
sent. Then it sizes every table and index: SQLite's pages (the dbstat virtual table, the bytes
of each table and index and how many of them are payload; free pages belong to none),
PostgreSQL's pg_total_relation_size (table, indexes and TOAST) after a plain VACUUM, as
autovacuum keeps it (the space of deleted rows reused, not counted as growth). A month of an
account is one fetched unit; a report is one render (its archived datasets, and its files until
it is sent), made once per account-month, so:

    per account-month = fetched data / units + archive / reports

A table with nothing in it still takes its first page (4 KiB on SQLite, 8 KiB and more on
PostgreSQL) whatever the number of accounts: these are printed apart, as the fixed part.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections import defaultdict
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.smtp import SmtpServer  # noqa: E402

SERVER = os.environ.get("REPORTER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
ARCHIVE = ("renders", "render_files")
# October's reports, then November's, each after Meta's settling window (so --send sends)
MONTHS = ("2026-11-03T09:00:00+00:00", "2026-12-03T09:00:00+00:00")


def run(store: str, home: Path, smtp: dict[str, str], now: str) -> None:
    env = {**os.environ, **smtp, "HOME": str(home), "XDG_DATA_HOME": str(home / "share"),
           "REPORTER_STORE": store}  # fmt: skip
    args = [sys.executable, "-m", "reporter", "run", str(ROOT / "reports.example.toml"),
            "--sandbox", "--send", "--out", str(home / "out"), "--now", now]  # fmt: skip
    subprocess.run(args, env=env, check=True, capture_output=True)


def _counts(db: sqlite3.Connection | psycopg.Connection, prefix: str = "") -> tuple[int, int]:
    units = db.execute(f"SELECT count(*) FROM {prefix}units").fetchone()
    reports = db.execute(f"SELECT count(*) FROM {prefix}renders").fetchone()
    assert units is not None and reports is not None
    return int(units[0]), int(reports[0])


def sqlite_sizes(path: Path) -> tuple[dict[str, dict[str, tuple[int, int]]], int, int]:
    """Per table: {table or index name: (bytes in pages, bytes of payload)}."""
    db = sqlite3.connect(path)
    owner = dict(db.execute("SELECT name, tbl_name FROM sqlite_master"))  # an index's table
    found: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    query = "SELECT name, SUM(pgsize), SUM(payload) FROM dbstat GROUP BY name"
    for name, size, payload in db.execute(query):
        found[owner.get(name, name)][name] = (int(size), int(payload))
    units, reports = _counts(db)
    db.close()
    return dict(found), units, reports


def postgres_sizes(schema: str) -> tuple[dict[str, int], int, int]:
    """After a plain VACUUM, as autovacuum keeps a store: a deleted row's space (a sent
    report's files) is free for the next rows there, as SQLite's freelist pages are."""
    with psycopg.connect(SERVER, autocommit=True) as db:
        db.execute(f'SET search_path = "{schema}"')
        db.execute("VACUUM")
        rows = db.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
            "AND c.relkind = 'r'",
            (schema,),
        ).fetchall()
        units, reports = _counts(db, f'"{schema}".')
    return {str(n): int(s) for n, s in rows}, units, reports


def _tables(lite: dict[str, dict[str, tuple[int, int]]]) -> dict[str, tuple[int, int]]:
    return {
        t: (sum(s for s, _ in p.values()), sum(q for _, q in p.values())) for t, p in lite.items()
    }


def main() -> None:
    schema = f"size_{uuid.uuid4().hex[:8]}"
    sizes: list[tuple[dict[str, dict[str, tuple[int, int]]], dict[str, int], int, int]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp, SmtpServer() as smtp:
            file = Path(tmp) / "store.sqlite3"
            for month, now in enumerate(MONTHS):
                run(str(file), Path(tmp) / f"a{month}", smtp.env(), now)
                run(f"{SERVER}?schema={schema}", Path(tmp) / f"b{month}", smtp.env(), now)
                # --sandbox keeps its store beside the configured one
                lite, units, reports = sqlite_sizes(file.with_name("store.sandbox.sqlite3"))
                pg, pg_units, pg_reports = postgres_sizes(f"{schema}_sandbox")
                assert (units, reports) == (pg_units, pg_reports)
                sizes.append((lite, pg, units, reports))
    finally:
        with psycopg.connect(SERVER, autocommit=True) as pgdb:
            for name in (schema, f"{schema}_sandbox"):
                pgdb.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    (lite0, pg0, units0, reports0), (lite1, pg1, units1, reports1) = sizes
    months = units1 - units0
    assert months == reports1 - reports0 > 0
    print(f"after the first month: {units0} account-months fetched, {reports0} reports sent; "
          f"after the second: {units1}, {reports1}")  # fmt: skip
    print(f"growth per account-month (the second month's bytes / {months}), SQLite by dbstat:")
    print(f"{'table / index':<34} {'SQLite':>9} {'payload':>9} {'PostgreSQL':>11}")
    t0, t1 = _tables(lite0), _tables(lite1)
    grown = {n: t1[n][0] - t0.get(n, (0, 0))[0] for n in t1}
    for table in sorted(grown, key=lambda n: -grown[n]):
        payload = t1[table][1] - t0.get(table, (0, 0))[1]
        pg_grown = pg1.get(table, 0) - pg0.get(table, 0)
        print(f"{table:<34} {grown[table] / months:>9.0f} {payload / months:>9.0f} "
              f"{pg_grown / months:>11.0f}")  # fmt: skip
        for name, (size, payload) in sorted(lite1[table].items(), key=lambda i: -i[1][0]):
            before = lite0.get(table, {}).get(name, (0, 0))
            if name != table:
                print(f"  {name:<32} {(size - before[0]) / months:>9.0f} "
                      f"{(payload - before[1]) / months:>9.0f}")  # fmt: skip
    for label, first, second in (
        ("SQLite", sum(v[0] for v in t0.values()), sum(v[0] for v in t1.values())),
        ("PostgreSQL", sum(pg0.values()), sum(pg1.values())),
    ):
        fetched = sum(
            (t1 if label == "SQLite" else {n: (v, 0) for n, v in pg1.items()})[n][0]
            - (t0 if label == "SQLite" else {n: (v, 0) for n, v in pg0.items()}).get(n, (0, 0))[0]
            for n in (t1 if label == "SQLite" else pg1)
            if n not in ARCHIVE
        )
        print(f"{label}: {(second - first) / months / 1e6:.3f} MB per account-month "
              f"(fetched data {fetched / months / 1e6:.3f} MB, archived report "
              f"{(second - first - fetched) / months / 1e6:.3f} MB); the store of the first "
              f"month: {first / 1e6:.2f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
