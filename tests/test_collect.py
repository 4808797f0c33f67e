"""The daily collect (stories before they vanish) and the plan/fetch/collect command line."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from support.cli import run_cli
from support.fetch import ACME, NOW, context, make_spec, run

from reporter import catalogue
from reporter.fetch.execute import Options, fetch
from reporter.plan.build import plan_collect
from reporter.sandbox import Sandbox
from reporter.store.database import Store

SPEC = """
[report]
client = "CLI test"
timezone = "UTC"
compare = "none"
timeframe = {{ since = 2026-10-01, until = 2026-10-31 }}

[[accounts]]
id = "{account}"
name = "Acme"
token_env = "ACME_TOKEN"

[account_metrics]
metrics = ["reach"]

[media]
product_types = ["FEED", "STORY"]

[media.metrics]
FEED = ["views", "reach"]
STORY = ["views", "reach"]
"""


def _spec(tmp_path: Path, account: str = ACME) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC.format(account=account), encoding="utf-8")
    return path


def test_collected_stories_stay_in_the_monthly_dataset_after_they_expire(tmp_path: Path) -> None:
    spec = make_spec(ACME, media={"product_types": ["FEED", "STORY"]})
    store_path = tmp_path / "s.db"
    days = [dt.datetime(2026, 10, d, 23, 30, tzinfo=dt.UTC) for d in range(20, 32)]
    collected: set[str] = set()
    with Sandbox(seed=1, now=days[0]) as sb:
        for now in days:  # the daily cron job, late each evening
            sb.set_now(now)
            live = {m.id for m in sb.world.live_stories(sb.world.accounts[ACME], now)}
            collected |= live
            fetch_plan = plan_collect(spec, catalogue.load(), today=now.date())
            with Store.open(store_path) as store:
                [outcome] = fetch(
                    fetch_plan, store, context(sb, now=now), Options(thumbnails=False)
                )
            assert outcome.error is None
        sb.set_now(NOW)
        [month] = run(sb, spec, store_path, "2026-10-21..2026-10-31")
    data = month.dataset
    assert data is not None and collected
    stories = {m.id for m in data.media if m.product_type == "STORY"}
    in_window = {i for i in collected if i in stories}
    assert len(in_window) >= len(collected) - 3  # stories of 20 October fall outside
    for story in in_window:
        assert data.total(story, "reach") is not None or data.reason_unavailable(story, "reach")


def test_plan_prints_calls_and_sends_nothing(tmp_path: Path) -> None:
    result = run_cli(["plan", str(_spec(tmp_path)), "--period", "2026-10"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Acme (17841400000000001, facebook login) report 2026-10: " + (
        "https://graph.facebook.com"
    )
    assert lines[-1] == "nothing was sent"
    assert "access_token" not in result.output


def test_plan_sandbox_with_an_unknown_account_lists_the_sandbox_accounts(tmp_path: Path) -> None:
    result = run_cli(["plan", str(_spec(tmp_path, "123")), "--sandbox"])
    assert result.exit_code == 2
    assert "error: --sandbox: the sandbox has no account 123; its accounts are " in result.output
    assert "17841400000000001 (@acmecoffee)" in result.output


def test_every_generated_sandbox_account_it_accepts_can_be_fetched(tmp_path: Path) -> None:
    # The last generated account, 17841400000000199, was accepted and then not built (exit 3).
    result = run_cli(["plan", str(_spec(tmp_path, "17841400000000200")), "--sandbox"])
    assert result.exit_code == 2
    assert "generated ones 17841400000000100..17841400000000199\n" in result.output
    spec = tmp_path / "last.toml"
    spec.write_text(
        '[report]\nclient = "Last"\n\n[[accounts]]\nid = "17841400000000199"\nname = "Last"\n'
        'token_env = "LAST_TOKEN"\n\n[account_metrics]\nmetrics = ["reach"]\n',
        encoding="utf-8",
    )
    args = ["fetch", str(spec), "--sandbox", "--period", "2026-10", "--now", NOW.isoformat()]
    result = run_cli(args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Last 2026-10: 0 media, ")


def test_bad_period_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["plan", str(_spec(tmp_path)), "--period", "October"])
    assert result.exit_code == 2
    expected = "expected YYYY-MM, YYYY-Qn, YYYY or YYYY-MM-DD..YYYY-MM-DD"
    assert f"error: --period: period 'October': {expected}" in result.output
    assert "Traceback" not in result.output


def test_fetch_without_a_token_names_the_variable(tmp_path: Path) -> None:
    result = run_cli(["fetch", str(_spec(tmp_path)), "--now", NOW.isoformat()])
    assert result.exit_code == 1
    assert "the environment variable ACME_TOKEN is not set" in result.output
    assert "Traceback" not in result.output


def test_fetch_sandbox_json_then_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = _spec(tmp_path)
    out = tmp_path / "data.json"
    now = ["--now", NOW.isoformat()]
    first = run_cli(["fetch", str(spec), "--sandbox", "--json", str(out), *now])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Acme 2026-10: ")
    # batched: fewer requests than the calls Meta counts against its rate limit
    assert re.search(r"\((\d+) requests, (\d+) calls against the rate limit\)", first.output)
    [dataset] = json.loads(out.read_text())
    assert dataset["account"]["username"] == "acmecoffee" and dataset["media"]
    store = tmp_path / "home" / ".local" / "share" / "reporter" / "sandbox.sqlite3"
    assert store.exists()  # sandbox data in its own store
    offline = run_cli(["fetch", str(spec), "--sandbox", "--offline", *now])
    assert offline.exit_code == 0 and "(from the store)" in offline.output
    monkeypatch.setenv("REPORTER_STORE", str(tmp_path / "other.db"))
    missing = run_cli(["fetch", str(spec), "--offline", "--period", "2026-09"])
    assert missing.exit_code == 1
    assert "2026-09: not in the store; run `reporter fetch SPEC --period 2026-09` online" in (
        missing.output
    )


def test_collect_sandbox(tmp_path: Path) -> None:
    result = run_cli(["collect", str(_spec(tmp_path)), "--sandbox", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Acme day:2026-11-01: ")
