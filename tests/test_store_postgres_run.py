"""`reporter run --send` with the store on PostgreSQL (REPORTER_STORE=postgresql://…): the same
run as on SQLite (the sandbox over HTTP, aiosmtpd on loopback), the ledger and the archive
in the database (the rendered files until they are sent), and a second run sends nothing again."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.postgres import fresh_schema
from support.run import NOW, environment, run, write_spec
from support.smtp import SmtpServer

from reporter.sandbox import Sandbox
from reporter.store.database import Store
from reporter.store.ledger import ReportKey

CAFE = "17841400000000001"


@pytest.mark.slow
def test_a_run_on_postgresql_sends_once_and_keeps_the_archive(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "specs", CAFE, {"to": ["anna@client.example"]})
    with fresh_schema() as url, Sandbox(seed=1, now=NOW) as sb:
        with SmtpServer() as smtp:
            env = environment(sb, tmp_path, smtp.env()) | {"REPORTER_STORE": url}
            first = run([str(spec), "--send"], env, tmp_path / "out")
            assert first.status == 0, first.err
            again = run([str(spec), "--send"], env, tmp_path / "out")
            assert again.status == 0, again.err
            assert len(smtp.handler.by_recipient()["anna@client.example"]) == 1
        assert "already sent" in again.out
        key = ReportKey(str(spec.resolve()), CAFE, "2026-10")
        with Store.open(url) as store:
            assert store.backend == "postgresql"
            row = store.deliveries(key)["anna@client.example"]
            assert (row.state, row.sent_count) == ("sent", 1)
            # sent to everyone: its files are forgotten, its archived datasets stay
            assert store.archived_files(key.spec, CAFE, "2026-10") == []
            assert store.archived(key.spec, CAFE, "2026-10") is not None
            assert store.table_counts()["observations"] > 0
    assert not (tmp_path / "store.sqlite3").exists()  # nothing went to a SQLite file
