"""Store size per account-month, SQLite against PostgreSQL, for the sandbox example.

Run it from the repository root (PostgreSQL at REPORTER_TEST_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/test):

    python bench/bench_store_size.py

It runs `reporter run reports.example.toml --sandbox` (two accounts; October reported, September
fetched for the comparison) once into a new SQLite file and once into a new PostgreSQL schema,
then sizes every table: SQLite's pages per table and index (the dbstat table), PostgreSQL's
pg_total_relation_size (table, indexes and TOAST). A month of an account is one fetched unit; a
report is one render (its datasets and its PDF and HTML), made once per account-month, so:

    per account-month = fetched data / units + (archive + rendered files) / reports
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("REPORTER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
ARCHIVE = ("renders", "render_files")
NOW = "2026-11-02T17:00:00+00:00"


def run(store: str, home: Path) -> None:
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "share"),
           "REPORTER_STORE": store}  # fmt: skip
    args = [sys.executable, "-m", "reporter", "run", str(ROOT / "reports.example.toml"),
            "--sandbox", "--out", str(home / "out"), "--now", NOW]  # fmt: skip
    subprocess.run(args, env=env, check=True, capture_output=True)


def sqlite_sizes(path: Path) -> tuple[dict[str, int], int, int]:
    db = sqlite3.connect(path)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    owner = dict(db.execute("SELECT name, tbl_name FROM sqlite_master"))  # an index's table
    sizes = dict.fromkeys(tables, 0)
    for name, size in db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
        table = owner.get(name) or (name.split("_autoindex_")[1].rsplit("_", 1)[0]
                                    if "_autoindex_" in name else name)  # fmt: skip
        if table in sizes:
            sizes[table] += size
    units = db.execute("SELECT count(*) FROM units").fetchone()[0]
    reports = db.execute("SELECT count(*) FROM renders").fetchone()[0]
    return sizes, units, reports


def postgres_sizes(schema: str) -> tuple[dict[str, int], int, int]:
    with psycopg.connect(SERVER) as db:
        rows = db.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
            "AND c.relkind = 'r'",
            (schema,),
        ).fetchall()
        units = db.execute(f'SELECT count(*) FROM "{schema}".units').fetchone()
        reports = db.execute(f'SELECT count(*) FROM "{schema}".renders').fetchone()
    assert units is not None and reports is not None
    return {str(n): int(s) for n, s in rows}, int(units[0]), int(reports[0])


def per_account_month(sizes: dict[str, int], units: int, reports: int) -> tuple[float, float]:
    data = sum(s for n, s in sizes.items() if n not in ARCHIVE)
    archive = sum(sizes.get(n, 0) for n in ARCHIVE)
    return data / units, archive / reports


def main() -> None:
    schema = f"size_{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "store.sqlite3"
        run(str(file), Path(tmp) / "a")
        run(f"{SERVER}?schema={schema}", Path(tmp) / "b")
        # --sandbox keeps its store beside the configured one
        lite = sqlite_sizes(file.with_name("store.sandbox.sqlite3"))
    try:
        pg = postgres_sizes(f"{schema}_sandbox")
    finally:
        with psycopg.connect(SERVER, autocommit=True) as db:
            for name in (schema, f"{schema}_sandbox"):
                db.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    print(f"{'table':<14} {'SQLite':>10} {'PostgreSQL':>11}   (bytes)")
    for name in sorted(lite[0], key=lambda n: -lite[0][n]):
        print(f"{name:<14} {lite[0][name]:>10} {pg[0].get(name, 0):>11}")
    print(f"{'total':<14} {sum(lite[0].values()):>10} {sum(pg[0].values()):>11}")
    print(f"units (account-months) {lite[1]}, reports {lite[2]}")
    for label, (sizes, units, reports) in (("SQLite", lite), ("PostgreSQL", pg)):
        data, archive = per_account_month(sizes, units, reports)
        print(f"{label}: per account-month {(data + archive) / 1e6:.2f} MB = fetched data "
              f"{data / 1e6:.2f} MB + archived report {archive / 1e6:.2f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
