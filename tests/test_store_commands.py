"""`reporter store migrate` and `reporter store copy`: the first release's store brought to the
newest schema; copied SQLite → PostgreSQL → SQLite with every row kept and every count checked."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from support.cli import run_cli
from support.postgres import fresh_schema

from reporter.store.migrate import head

FIXTURE = Path(__file__).parent / "fixtures" / "stores" / "release-0.1.sqlite3"


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    found = {n: sorted(db.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    db.close()
    return found


def test_migrate_says_from_which_schema_to_which(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    shutil.copy(FIXTURE, store)
    env = {"REPORTER_STORE": str(store)}
    first = run_cli(["store", "migrate"], env=env)
    assert (first.status, first.stdout) == (
        0, f"the store {store}: migrated from schema 6 to {head()}\n"
    )  # fmt: skip
    again = run_cli(["store", "migrate"], env=env)
    assert again.stdout == f"the store {store}: at {head()}, the newest schema already\n"


@pytest.mark.slow
def test_copy_to_postgresql_and_back_keeps_every_row(tmp_path: Path) -> None:
    source = tmp_path / "store.sqlite3"
    shutil.copy(FIXTURE, source)
    back = tmp_path / "back.sqlite3"
    with fresh_schema() as url:
        there = run_cli(["store", "copy", str(source), url])
        assert there.status == 0, there.output
        lines = there.stdout.splitlines()
        counts = {w[0]: (int(w[1]), int(w[2])) for w in map(str.split, lines[:-1])}
        assert len(counts) == 17 and counts["observations"] == (2, 2)
        assert counts["metrics"] == counts["objects"] == (2, 2)
        assert counts["deliveries"] == (3, 3) and counts["render_files"] == (0, 0)
        assert lines[-1].startswith("copied 25 rows in 17 tables from ")
        assert lines[-1].endswith("; every table's count matches")
        refused = run_cli(["store", "copy", str(source), url])
        assert refused.status == 1
        assert "is not empty (25 rows); copy into a new one, or pass --replace" in refused.stderr
        assert run_cli(["store", "copy", str(source), url, "--replace"]).status == 0
        home = run_cli(["store", "copy", url, str(back)])
        assert home.status == 0, home.output
    got, kept = _rows(back), _rows(source)
    assert got.pop("alembic_version") == kept.pop("alembic_version") == [(head(),)]
    assert got == kept  # every row of every table, byte for byte


def test_copy_from_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    ran = run_cli(["store", "copy", str(tmp_path / "none.sqlite3"), str(tmp_path / "b.sqlite3")])
    assert ran.status == 2
    assert ran.stderr == (
        f"error: {tmp_path / 'none.sqlite3'}: no store there (a SQLite file or a postgresql:// "
        "URL)\n"
    )
    assert not (tmp_path / "b.sqlite3").exists()
