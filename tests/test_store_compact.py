"""Revision 0004 (the compact store), on SQLite and PostgreSQL: a store at 0003 upgrades keeping
what every row says, a call fetched again mid-revision included; and what is kept afterwards:
a call's newest answer only, a report's files until it is sent."""

from __future__ import annotations

import datetime as dt
import json
import zlib
from dataclasses import asdict
from pathlib import Path

from alembic import command
from sqlalchemy import text

from reporter.dataset import AccountInfo, Dataset, MediaItem, Observation, Unavailable
from reporter.store import tables as t
from reporter.store.database import CallResult, Store
from reporter.store.engine import is_url, postgres_engine, release, sqlite_engine, transaction
from reporter.store.migrate import ALEMBIC_USER_VERSION, _config, head

T0 = "2026-11-02T17:00:00+00:00"  # the first fetch
T1 = "2026-11-05T08:00:00+00:00"  # the revision fetch, still under way
LATER = dt.datetime(2026, 11, 5, 9, tzinfo=dt.UTC)
SINCE, UNTIL = "2026-10-01T07:00:00+00:00", "2026-11-01T07:00:00+00:00"
MEDIA = (
    '{"id": "m1", "account_id": "1", "product_type": "FEED", "media_type": "IMAGE", '
    '"timestamp": "2026-10-05T00:00:00+00:00", "permalink": null, "caption": "hi \\u2615", '
    '"media_url": null, "thumbnail_url": null, "like_count": 3, "comments_count": null, '
    '"children": []}'
)
INSIGHTS = "v25.0/1/insights?metric=reach&period=day&since=1790838000&until=1793430000"
SPEC = "/specs/cafe.toml"


def _at_0003(location: Path | str) -> None:
    """A store at revision 0003 with a unit of generation 2 whose insights call is being
    fetched again (its call no longer marked done, its rows and raw answer still there)."""
    if is_url(location):
        engine, schema = postgres_engine(str(location))
    else:
        engine, schema = sqlite_engine(Path(location)), None
    try:
        with transaction(engine, write=True) as db:
            if schema is not None:
                db.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            config = _config()
            config.attributes["connection"] = db
            command.upgrade(config, "0003")
            if schema is None:
                db.exec_driver_sql(f"PRAGMA user_version = {ALEMBIC_USER_VERSION}")
            rows = [
                "INSERT INTO units VALUES ('1', '2026-10', '2026-10-01', '2026-10-31', "
                f"'{SINCE}', '{UNTIL}', 'v25.0', 'Europe/Berlin', 2, '{T1}', NULL, '[]')",
                f"INSERT INTO calls VALUES ('1', '2026-10', 'list', 2, '{T1}')",
                f"INSERT INTO calls VALUES ('1', '2026-10', 'm1', 2, '{T0}')",
                f"INSERT INTO snapshots VALUES (7, '1', '2026-10', '{INSIGHTS}', '{T0}', 'ok', "
                '\'{"data": [{"name": "reach"}]}\')',
                f"INSERT INTO snapshots VALUES (8, '1', '2026-10', 'list', '{T1}', 'ok', "
                "'{\"data\": []}')",
                f"INSERT INTO media VALUES ('m1', '1', 'FEED', '2026-10-05T00:00:00+00:00', "
                f"'{MEDIA}', '{T1}')",
                "INSERT INTO unit_media VALUES ('1', '2026-10', 'm1')",
                f"INSERT INTO accounts VALUES ('1', '{json.dumps(asdict(_account()))}', '{T0}')",
                f"INSERT INTO observations VALUES ('1', '2026-10', '{INSIGHTS}', '1', 'reach', "
                f"'day', 99.0, NULL, '{SINCE}', '{UNTIL}', '[]', 'total_value', '')",
                "INSERT INTO observations VALUES ('1', '2026-10', 'm1', 'm1', 'reach', "
                "'lifetime', 7.0, NULL, NULL, NULL, '[]', 'lifetime', '')",
                "INSERT INTO observations VALUES ('1', '2026-10', 'm1', 'm1', 'views', 'day', "
                "4.0, '2026-10-06T07:00:00+00:00', NULL, NULL, '[[\"age\", \"18-24\"]]', "
                "'time_series', '')",
                "INSERT INTO unavailable VALUES ('1', '2026-10', 'm1', 'm1', 'saves', "
                "'(#10) Not enough viewers', 10, 'not_enough_viewers')",
            ]
            for row in rows:
                db.exec_driver_sql(row)
            db.execute(
                text(
                    "INSERT INTO renders VALUES (:spec, '1', '2026-10', :current, NULL, "
                    "'Busy.', :at)"
                ),
                {"spec": SPEC, "current": _dataset().to_json(indent=None), "at": T0},
            )
            db.execute(
                t.render_files.insert(),
                [{"spec": SPEC, "account_id": "1", "period": "2026-10", "name": "cafe.pdf",
                  "content_type": "application/pdf", "data": b"%PDF-1.7\n\x00\xff" * 300,
                  "rendered_at": T0}],
            )  # fmt: skip
    finally:
        release(engine)


def _account() -> AccountInfo:
    return AccountInfo("1", "cafe", "Café", followers_count=12)


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _dataset() -> Dataset:
    return Dataset(
        account=_account(),
        since=dt.date(2026, 10, 1),
        until=dt.date(2026, 10, 31),
        fetched_at=_when(T1),
        media=(MediaItem("m1", "1", "FEED", "IMAGE", _when("2026-10-05T00:00:00+00:00"),
                         caption="hi ☕", like_count=3),),
        observations=(
            Observation("1", "reach", "day", 99.0, since=_when(SINCE), until=_when(UNTIL)),
            Observation("m1", "reach", "lifetime", 7.0, metric_type="lifetime"),
            Observation("m1", "views", "day", 4.0, end_time=_when("2026-10-06T07:00:00+00:00"),
                        dimensions=(("age", "18-24"),), metric_type="time_series"),
        ),
        unavailable=(Unavailable("m1", "saves", "(#10) Not enough viewers", 10,
                                 "not_enough_viewers"),),
        api_version="v25.0",
        timezone="Europe/Berlin",
    )  # fmt: skip


def _count(store: Store, query: str) -> int:
    with store._read() as db:
        return int(db.execute(text(query)).scalar_one())


def test_a_store_at_0003_upgrades_keeping_every_row(store_at: Path | str) -> None:
    _at_0003(store_at)
    with Store.open(store_at) as store:
        assert (store.migrated.before, store.migrated.after) == ("0003", head())
        data = store.load_dataset("1", "2026-10")
        assert data is not None
        expected = _dataset()
        assert set(data.observations) == set(expected.observations)
        assert (data.media, data.unavailable) == (expected.media, expected.unavailable)
        archived = store.archived(SPEC, "1", "2026-10")
        assert archived is not None and (archived.current, archived.commentary) == (
            expected, "Busy."
        )  # fmt: skip
        [kept] = store.archived_files(SPEC, "1", "2026-10")
        assert (kept.name, kept.data) == ("cafe.pdf", b"%PDF-1.7\n\x00\xff" * 300)
        # the call being fetched again is done in no generation, answered when its rows were
        assert store.call_times("1", "2026-10") == {
            "list": _when(T1), "m1": _when(T0), INSIGHTS: _when(T0)
        }  # fmt: skip
        with store._read() as db:
            done = db.execute(
                text("SELECT call_key FROM calls WHERE generation = 2 ORDER BY call_key")
            ).scalars()
            assert list(done) == ["list", "m1"]
            [body] = db.execute(text("SELECT body FROM snapshots WHERE id = 7")).scalars()
            assert zlib.decompress(body) == b'{"data": [{"name": "reach"}]}'

        # The revision's answer replaces the old rows and raw answer of the same call (its id).
        revised = Observation("1", "reach", "day", 101.0, since=_when(SINCE), until=_when(UNTIL))
        answer = CallResult(snapshots=[(LATER, "ok", {"data": [2]})], observations=[revised])
        store.record_call("1", "2026-10", 2, INSIGHTS, answer, now=LATER)
        store.record_call("1", "2026-10", 2, "new", CallResult(), now=LATER)  # a new id
        again = store.load_dataset("1", "2026-10")
        assert again is not None
        assert [o.value for o in again.observations if o.object_id == "1"] == [101.0]
        assert _count(store, "SELECT count(*) FROM snapshots") == 2
        assert _count(store, "SELECT count(*) FROM calls") == 4
        assert _count(store, "SELECT count(*) FROM calls WHERE generation = 2") == 4


def test_a_report_s_files_are_kept_until_it_is_sent(store_at: Path | str) -> None:
    data = _dataset()
    now = _when(T0)
    with Store.open(store_at) as store:
        store.archive(SPEC, "1", "2026-10", data, data, None, now=now)
        store.archive_files(SPEC, "1", "2026-10", [("cafe.csv", b"a,b\n" * 1000)], now=now)
        assert [f.data for f in store.archived_files(SPEC, "1", "2026-10")] == [b"a,b\n" * 1000]
        with store._read() as db:
            [stored] = db.execute(text("SELECT data FROM render_files")).scalars()
        assert len(stored) < 100  # compressed
        store.drop_files(SPEC, "1", "2026-10")
        assert store.archived_files(SPEC, "1", "2026-10") == []
        archived = store.archived(SPEC, "1", "2026-10")
        assert archived is not None and archived.current == archived.previous == data
