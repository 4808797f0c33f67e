"""The store: atomic creation, migrations, the run lock, call transactions, datasets; the tests
that take ``store_at`` run on SQLite and on PostgreSQL alike (tests/support/postgres.py)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.exc import IntegrityError
from support.postgres import SERVER, fresh_schema, need_server

from reporter.dataset import AccountInfo, Dataset, MediaItem, Observation, Unavailable
from reporter.store.database import MIGRATIONS, STORIES, CallResult, Done, Store, StoreError
from reporter.store.faults import store_error
from reporter.store.ledger import ReportKey
from reporter.store.migrate import ALEMBIC_USER_VERSION, head

NOW = dt.datetime(2026, 11, 2, 17, tzinfo=dt.UTC)
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
WINDOW = (dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.datetime(2026, 11, 1, tzinfo=dt.UTC))


def _begin(store: Store, *, fresh: bool = False, unit: str = "2026-10") -> int:
    state = store.begin_unit("1", unit, period=OCT, window=WINDOW, api_version="v25.0",
                             timezone="UTC", now=NOW, fresh=fresh)  # fmt: skip
    return state.generation


def test_created_atomically_with_wal_and_the_latest_schema(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "store.db"
    with Store.open(path):
        pass
    assert sorted(p.name for p in path.parent.iterdir()) == ["store.db", "store.db.lock"]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == ALEMBIC_USER_VERSION
    assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(head(),)]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_a_store_from_a_newer_reporter_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with Store.open(path):
        pass
    db = sqlite3.connect(path)
    db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.commit()
    db.close()
    with pytest.raises(StoreError) as raised:
        Store.open(path)
    assert str(raised.value) == (
        "the store was written by a newer reporter (schema 9999); upgrade reporter"
    )
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {ALEMBIC_USER_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="written by a newer reporter"):
        Store.open(path)


def test_a_store_of_schema_4_is_migrated_and_keeps_what_waits(tmp_path: Path) -> None:
    """A store written before account names were kept for `reporter pending` (schema 4)."""
    path = tmp_path / "store.db"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:4]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 4")
    db.execute(
        "INSERT INTO waiting VALUES ('/specs/cafe.toml', '1', '2026-10', 'held', '[\"late\"]', "
        "NULL, '2026-11-02T08:00:00+00:00')"
    )
    db.commit()
    db.close()
    with Store.open(path) as store:
        [item] = store.waiting()
        key = ReportKey("/specs/cafe.toml", "1", "2026-10")
        assert (item.key, item.reasons, item.account_name) == (key, ("late",), "")
        assert store.waiting_by_id(key.report_id[:5]) == [item]
        store.wait(key, "review", [], account_name="Café Müller", now=NOW)
        assert store.waiting()[0].account_name == "Café Müller"


def test_a_file_that_is_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError) as raised:
        Store.open(path)
    assert str(raised.value) == (
        f"the store {path}: file is not a database; it is damaged: keep it, restore the store "
        "from a backup (`sqlite3 FILE .recover` may rescue what it holds), then run again"
    )


def test_calls_done_resume_and_generations(store_at: Path | str) -> None:
    with Store.open(store_at) as store:
        first = _begin(store)
        store.record_call("1", "2026-10", first, "a", CallResult(), now=NOW)
        resumed = store.begin_unit(
            "1", "2026-10", period=OCT, window=WINDOW, api_version="v25.0", timezone="UTC",
            now=NOW, fresh=False,
        )  # fmt: skip
        assert (resumed.generation, resumed.done) == (first, frozenset({"a"}))
        store.complete_unit("1", "2026-10", now=NOW)
        assert store.unit_complete("1", "2026-10")
        again = store.begin_unit(
            "1", "2026-10", period=OCT, window=WINDOW, api_version="v25.0", timezone="UTC",
            now=NOW, fresh=False,
        )  # fmt: skip
        assert again.generation == first + 1 and not again.done
        assert not store.unit_complete("1", "2026-10")


def test_a_call_replaces_its_earlier_rows_and_datasets_round_trip(store_at: Path | str) -> None:
    post = MediaItem("m1", "1", "FEED", "IMAGE", dt.datetime(2026, 10, 5, tzinfo=dt.UTC),
                     caption="<b>hi</b> ☕", children=("c1", "c2"))  # fmt: skip
    story = MediaItem("s1", "1", "STORY", "VIDEO", dt.datetime(2026, 10, 9, tzinfo=dt.UTC))
    old = Observation("m1", "reach", "lifetime", 5.0, metric_type="lifetime")
    new = Observation("m1", "reach", "lifetime", 7.0, metric_type="lifetime")
    window = Observation("1", "reach", "day", 99.0, since=WINDOW[0], until=WINDOW[1],
                         dimensions=(("follow_type", "FOLLOWER"),))  # fmt: skip
    with Store.open(store_at) as store:
        generation = _begin(store)
        info = AccountInfo("1", "acme", "Acme", followers_count=12)
        store.record_call("1", "2026-10", generation, "profile", CallResult(account=info), now=NOW)
        store.record_call("1", "2026-10", generation, "list", CallResult(media=[post]), now=NOW)
        store.record_call("1", "2026-10", generation, "m1", CallResult(observations=[old]), now=NOW)
        store.record_call(
            "1", "2026-10", generation, "m1",
            CallResult(snapshots=[(NOW, "ok", {"data": []})], observations=[new, window]),
            now=NOW,
        )  # fmt: skip
        store.record_call("1", STORIES, 0, "list", CallResult(media=[story]), now=NOW)
        gone = Unavailable("s1", "views", "(#10) Not enough viewers", 10, "not_enough_viewers")
        store.record_call("1", STORIES, 0, "s1", CallResult(unavailable=[gone]), now=NOW)
        store.complete_unit("1", "2026-10", now=NOW, notes=["a note"])
        data = store.load_dataset("1", "2026-10")
        assert store.load_dataset("1", "2026-09") is None
    assert data is not None
    assert data.account == info
    assert data.media == (post, story)
    assert set(data.observations) == {new, window}
    assert data.unavailable == (gone,)
    assert (data.since, data.until, data.fetched_at, data.notes) == (*OCT, NOW, ("a note",))
    assert type(data).from_json(data.to_json()) == data


def test_a_batch_of_calls_is_written_whole_or_not_at_all(store_at: Path | str) -> None:
    """What one Graph batch brought is one transaction: a row the database refuses in its last
    call leaves none of the batch's calls done and the earlier answers in place."""
    earlier = Observation("m1", "reach", "lifetime", 5.0, metric_type="lifetime")
    newer = Observation("m1", "reach", "lifetime", 7.0, metric_type="lifetime")
    broken = Observation("m2", "reach", "lifetime", None, metric_type="lifetime")  # type: ignore[arg-type]
    story = Observation("s1", "reach", "lifetime", 3.0, metric_type="lifetime")
    with Store.open(store_at) as store:
        generation = _begin(store)
        store.record_call("1", "2026-10", generation, "m1", CallResult(observations=[earlier]),
                          now=NOW)  # fmt: skip
        batch = [
            Done("2026-10", generation, "m1", CallResult(observations=[newer])),
            Done(STORIES, 0, "s1", CallResult(observations=[story])),
            Done("2026-10", generation, "m2", CallResult(observations=[broken])),
        ]
        with pytest.raises(IntegrityError):
            store.record_calls("1", batch, now=NOW)
        assert set(store.call_times("1", "2026-10")) == {"m1"}
        assert store.call_times("1", STORIES) == {}
        data = store.load_dataset("1", "2026-10")
        assert data is not None and data.observations == (earlier,)
        store.record_calls("1", batch[:2], now=NOW)  # the same batch without the bad row
        assert set(store.call_times("1", "2026-10")) == {"m1"}
        assert store.call_times("1", STORIES) == {"s1": NOW}
        data = store.load_dataset("1", "2026-10")
        assert data is not None and data.observations == (newer,)


def test_fetch_writes_skip_the_disk_sync_and_every_other_write_keeps_it(tmp_path: Path) -> None:
    """What a fetch writes is committed without waiting for the disk (a rerun fetches it
    again); the connection is back to a synced commit for the ledger right after."""
    seen: list[int] = []
    with Store.open(tmp_path / "s.db") as store:
        generation = _begin(store)
        original = store._engine.raw_connection().driver_connection
        assert original is not None

        def level(*_: object) -> None:
            seen.append(original.execute("PRAGMA synchronous").fetchone()[0])

        original.set_trace_callback(lambda sql: level() if sql.startswith("INSERT") else None)
        store.record_call("1", "2026-10", generation, "a", CallResult(), now=NOW)
        store.wait(ReportKey("s", "1", "2026-10"), "held", ["why"], account_name="a", now=NOW)
        original.set_trace_callback(None)
    assert seen[0] == 1 and seen[-1] == 2, seen  # NORMAL for the call, FULL for the ledger


def test_thumbnails(store_at: Path | str) -> None:
    with Store.open(store_at) as store:
        assert store.thumbnail("m1") is None and not store.has_thumbnail("m1")
        store.put_thumbnail("m1", "http://x/m1.png", "image/png", b"\x89PNG", now=NOW)
        assert store.thumbnail("m1") == ("image/png", b"\x89PNG")


def test_a_dataset_s_pictures_come_in_one_read_of_any_size(store_at: Path | str) -> None:
    when = dt.datetime(2026, 10, 5, tzinfo=dt.UTC)
    media = tuple(MediaItem(f"m{n}", "1", "FEED", "IMAGE", when) for n in range(1200))
    data = Dataset(AccountInfo("1", "acme", "Acme"), *OCT, NOW, media=media)
    with Store.open(store_at) as store:
        assert store.thumbnails_for(data) == {}
        for n in range(1199, -1, -3):  # stored in another order than the dataset lists them
            store.put_thumbnail(f"m{n}", f"http://x/{n}", "image/png", b"%d" % n, now=NOW)
        store.put_thumbnail("1", "http://x/1", "image/png", b"me", now=NOW)
        store.put_thumbnail("other", "http://x/o", "image/png", b"not this one's", now=NOW)
        found = store.thumbnails_for(data)
    expected = {f"m{n}": b"%d" % n for n in range(1200) if n % 3 == 1199 % 3}
    assert list(found.items()) == [*expected.items(), ("profile", b"me")]  # in the media's order
    assert len(expected) == 400


def test_reading_a_store_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    with Store.open(tmp_path / "none.db", write=False) as store:
        assert store.load_dataset("1", "2026-10") is None
    assert not (tmp_path / "none.db").exists()


def test_the_same_store_opens_again_with_what_it_holds(store_at: Path | str) -> None:
    with Store.open(store_at) as store:
        _begin(store)
        assert store.migrated.before == "none" and store.migrated.after == head()
    with Store.open(store_at, write=False) as again:
        assert again.migrated.before == again.migrated.after == head()
        assert not again.unit_complete("1", "2026-10")
        assert again.table_counts()["units"] == 1


def test_a_postgresql_store_of_a_newer_reporter_is_refused() -> None:
    with fresh_schema() as url:
        with Store.open(url):
            pass
        with psycopg.connect(SERVER, autocommit=True) as db:
            schema = url.rpartition("schema=")[2]
            db.execute(f'UPDATE "{schema}".alembic_version SET version_num = %s', ("9999",))
        with pytest.raises(StoreError, match=r"written by a newer reporter \(schema 9999\)"):
            Store.open(url)


def test_an_unreachable_postgresql_server_is_one_clear_line() -> None:
    url = "postgresql://reporter:hunter2@127.0.0.1:9/reports"  # port 9 (discard): nobody listens
    with pytest.raises(StoreError) as raised:
        Store.open(url)
    message = str(raised.value)
    assert message.startswith("the store postgresql://reporter:***@127.0.0.1:9/reports: ")
    assert message.endswith(
        "; check that the server runs and that REPORTER_STORE names its host, port and database"
    )
    assert "hunter2" not in message and "\n" not in message and "Connection refused" in message


def test_a_missing_postgresql_database_says_how_to_make_it() -> None:
    need_server()
    url = SERVER.rsplit("/", 1)[0] + "/no_such_database_here"
    with pytest.raises(StoreError) as raised:
        Store.open(url)
    assert str(raised.value).endswith(
        "; the database does not exist: create it (createdb NAME), then run again"
    )


def test_a_dropped_postgresql_connection_costs_one_reconnection() -> None:
    with fresh_schema() as url, Store.open(url) as store:
        _begin(store)
        with store._read() as db:
            pid = db.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with psycopg.connect(SERVER, autocommit=True) as admin:  # a server restart, for us
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        store.complete_unit("1", "2026-10", now=NOW)  # on a new connection
        assert store.unit_complete("1", "2026-10")


@pytest.mark.parametrize(("error", "fix"), [
    (psycopg.errors.DiskFull("could not extend file"), "the server's disk is full: free space on "
     "it, then run again (what was stored is kept)"),
    (psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction"),
     "the server is read-only (a standby?): point REPORTER_STORE at the primary"),
    (psycopg.errors.InsufficientPrivilege("permission denied for table units"),
     "this user may not use the store's tables: grant it rights on the database"),
    (psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
     "the server is shutting down or restarting: run again when it is back"),
])  # fmt: skip
def test_what_a_postgresql_server_refuses_is_one_line(error: psycopg.Error, fix: str) -> None:
    found = store_error("postgresql://reporter:hunter2@db.example/reports", error)
    assert found is not None
    assert str(found) == f"the store postgresql://reporter:***@db.example/reports: {error}; {fix}"


def test_an_error_of_ours_stays_one() -> None:
    assert store_error("postgresql://db.example/r", psycopg.errors.SyntaxError("syntax")) is None
    assert store_error(Path("s.db"), ValueError("no")) is None
