"""Helpers for the conformance tests: a capture written from Python, and `reporter fetch` run
over real HTTP against the replay server, returning what the dataset holds."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reporter.sandbox.replay import Exchange, Replay, load_capture
from support.cli import Ran, run_cli

CORPUS = Path(__file__).resolve().parent.parent / "conformance"
TOKEN_ENV = "SAMPLE_TOKEN"
TOKEN = "EAAB-conformance-token-not-real"


def exchange(path: str, params: Mapping[str, str], body: Any, *, status: int = 200,
             headers: Mapping[str, str] | None = None) -> Exchange:  # fmt: skip
    """One exchange built in a test (the corpus files hold the same in JSON)."""
    return Exchange(path, dict(params), status, body, tuple((headers or {}).items()), "test")


def corpus(*names: str) -> list[Exchange]:
    """The exchanges of the named corpus files (``tests/conformance/NAME.json``), or all."""
    if not names:
        return load_capture(CORPUS)
    from reporter.sandbox.replay import read_capture_file

    found: list[Exchange] = []
    for name in names:
        found += read_capture_file(CORPUS / f"{name}.json")
    return found


@dataclass
class Fetched:
    ran: Ran
    datasets: list[dict[str, Any]]
    unmatched: list[str]
    store: Path
    served: dict[str, int]  # Exchange.file -> times the replay answered with it


def fetch_on(exchanges: Iterable[Exchange], spec: Path, tmp: Path, *, now: str,
             period: str | None = None, extra: tuple[str, ...] = ()) -> Fetched:  # fmt: skip
    """``reporter fetch SPEC --json`` against a replay of ``exchanges``; no retries."""
    store = tmp / "store.sqlite3"
    out = tmp / "datasets.json"
    with Replay(exchanges) as replay:
        env = {
            "REPORTER_API_BASE_URL": replay.base_url,
            TOKEN_ENV: TOKEN,
            "REPORTER_STORE": str(store),
            "REPORTER_MAX_RETRIES": "0",
        }
        args = ["fetch", str(spec), "--now", now, "--json", str(out), *extra]
        if period:
            args += ["--period", period]
        ran = run_cli(args, env=env)
        unmatched = list(replay.unmatched)
        served = dict(replay.capture.served)
    datasets = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    return Fetched(ran, datasets, unmatched, store, served)
