"""Helpers for the fetch tests: specs, a fetch against a sandbox into a tmp store, comparisons."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from reporter import catalogue
from reporter.dataset import Dataset
from reporter.fetch.execute import Context, Options, Outcome, fetch
from reporter.graph.client import RetryPolicy
from reporter.graph.media import MediaHosts
from reporter.periods import Period, comparison, parse_period
from reporter.plan.build import plan
from reporter.sandbox import Sandbox
from reporter.settings import Settings
from reporter.spec.models import Spec
from reporter.store.database import Store

NOW = dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.UTC)
ACME = "17841400000000001"
NORDLICHT = "17841400000000002"
TINY = "17841400000000003"
GLOBEX = "17841400000000004"
LOGIN = {ACME: "facebook", NORDLICHT: "instagram", TINY: "facebook", GLOBEX: "facebook"}


def make_spec(*ids: str, **sections: Any) -> Spec:
    data: dict[str, Any] = {
        "report": {"client": "Test client", "timezone": "UTC", "compare": "none"},
        "accounts": [
            {
                "id": i,
                "name": f"Account {i[-2:]}",
                "login": LOGIN.get(i, "facebook"),
                "token_env": f"TOKEN_{i[-3:]}",
            }
            for i in ids
        ],
        "account_metrics": {"metrics": ["reach", "views"], "time_series": ["reach"]},
        "media": {"product_types": ["FEED", "REELS"]},
    }
    for key, value in sections.items():
        if key == "report":
            data["report"] = {**data["report"], **value}
        else:
            data[key] = value
    return Spec.model_validate(data)


def context(sb: Sandbox, *, now: dt.datetime = NOW, sleeps: list[float] | None = None,
            **settings: Any) -> Context:  # fmt: skip
    record = sleeps if sleeps is not None else []
    values = {"max_retries": 10, "timeout": 2.0, "max_workers": 4, **settings}
    return Context(
        settings=Settings(**values),
        catalogue=catalogue.load(),
        token=lambda a: SecretStr(sb.token_for(a.id)),
        base_url=lambda a: sb.base_url,
        now=lambda: now,
        retry=RetryPolicy(sleep=record.append, rng=random.Random(7)),
        media_hosts=MediaHosts.only(sb.base_url),
    )


def run(
    sb: Sandbox,
    spec: Spec,
    store_path: Path,
    period: str | Period = "2026-10",
    *,
    now: dt.datetime = NOW,
    options: Options | None = None,
    ctx: Context | None = None,
    **settings: Any,
) -> list[Outcome]:
    chosen = parse_period(period) if isinstance(period, str) else period
    fetch_plan = plan(
        spec, catalogue.load(), chosen, comparison(chosen, spec.report.compare),
        today=now.date(),
    )  # fmt: skip
    ctx = ctx or context(sb, now=now, **settings)
    with Store.open(store_path, lock_timeout=5) as store:
        return fetch(fetch_plan, store, ctx, options or Options(thumbnails=False))


def comparable(dataset: Dataset | None) -> str:
    """The dataset as JSON without its fetch time."""
    assert dataset is not None
    text = dataset.to_json().replace(dataset.fetched_at.isoformat(), "FETCHED_AT")
    return re.sub(r"127\.0\.0\.1:\d+", "SANDBOX", text)
