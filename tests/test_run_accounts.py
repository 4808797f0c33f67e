"""`reporter run --send` fetches several accounts at once (REPORTER_FETCH_ACCOUNTS): their
requests overlap in time, as the sandbox's request log shows, and the store ends as after
fetching them one after the other. The sandbox over HTTP with latency, aiosmtpd, the CLI
in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.fetch import comparable
from support.postgres import BACKENDS, location
from support.run import NOW, environment, run, write_spec
from support.smtp import SmtpServer

from reporter.sandbox import Sandbox
from reporter.store.database import Store

CAFE, GLOBEX = "17841400000000001", "17841400000000004"
Spans = dict[str, tuple[float, float]]


def _fetched(
    tmp_path: Path, name: str, at_once: int, backend: str
) -> tuple[Spans, dict[tuple[str, str], str]]:
    """Each account's first request and last answer, and what the store holds afterwards."""
    folder = tmp_path / name
    with location(backend, folder) as store:
        return _run(folder, at_once, store)


def _run(folder: Path, at_once: int, store: Path | str) -> tuple[Spans, dict[tuple[str, str], str]]:
    for account in (CAFE, GLOBEX):
        write_spec(folder / "clients", account, {"to": [f"{account}@client.example"]})
    with Sandbox(seed=1, now=NOW, latency_ms=100) as sb, SmtpServer() as smtp:
        env = environment(sb, folder, smtp.env()) | {
            "REPORTER_FETCH_ACCOUNTS": str(at_once),
            "REPORTER_STORE": str(store),
        }
        ran = run([str(folder / "clients"), "--send"], env, folder / "out")
        assert ran.status == 0, ran.err
        assert sorted(r.recipients[0] for r in smtp.received) == [
            f"{CAFE}@client.example",
            f"{GLOBEX}@client.example",
        ]
        served = sb.requests.served
    spans: Spans = {}
    for account in (CAFE, GLOBEX):
        mine = [s for s in served if s.account_id == account]
        assert mine, f"no request for {account}"
        spans[account] = (min(s.started for s in mine), max(s.finished for s in mine))
    stored: dict[tuple[str, str], str] = {}
    with Store.open(store, write=False) as opened:
        for account in (CAFE, GLOBEX):
            for label in ("2026-10", "2026-09"):
                stored[account, label] = comparable(opened.load_dataset(account, label))
    return spans, stored


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_two_accounts_are_fetched_at_once_and_store_what_one_after_the_other_does(
    tmp_path: Path, backend: str
) -> None:
    """On SQLite (one writer: the store's mutex serialises the accounts' writes) and on
    PostgreSQL alike."""
    together, stored_together = _fetched(tmp_path, "together", 2, backend)
    apart, stored_apart = _fetched(tmp_path, "apart", 1, backend)
    (cafe_from, cafe_to), (globex_from, globex_to) = together[CAFE], together[GLOBEX]
    assert cafe_from < globex_to and globex_from < cafe_to, "the two fetches overlapped"
    (cafe_from, cafe_to), (globex_from, globex_to) = apart[CAFE], apart[GLOBEX]
    assert cafe_to <= globex_from or globex_to <= cafe_from, "one after the other"
    assert stored_together == stored_apart
