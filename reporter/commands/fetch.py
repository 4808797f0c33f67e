"""`reporter plan`, `fetch` and `collect` as plain functions: the CLI only forwards arguments.

Each takes the outside world as parameters (clock, environment, streams) and returns an exit
status. ``--sandbox`` starts the simulator in-process on a free loopback port and uses its tokens;
its data goes to its own store (``sandbox.sqlite3`` beside the default one) unless
``REPORTER_STORE`` says otherwise, so sandbox numbers never mix with a client's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from reporter.errors import ExitStatus, UsageError
from reporter.spec.models import Account, Spec

if TYPE_CHECKING:
    from reporter.fetch.execute import Context, Outcome
    from reporter.periods import Period
    from reporter.settings import Settings

Target = tuple["Settings", Callable[[Account], SecretStr], Callable[[Account], str]]


@dataclass(frozen=True)
class World:
    now: dt.datetime  # aware
    environ: Mapping[str, str]
    out: TextIO
    err: TextIO
    sleep: Callable[[float], None] | None = None  # tests: no real backoff


def load_spec(path: Path, *, today: dt.date) -> Spec:
    """The one place a spec is loaded for fetching (the validator's loader)."""
    from reporter.spec.validate import load_spec as validated

    return validated(path, today=today)


def periods_for(
    spec: Spec, period_text: str | None, now: dt.datetime
) -> tuple[Period, Period | None]:
    from reporter.periods import comparison, parse_period, resolve

    if period_text:
        try:
            period = parse_period(period_text)
        except ValueError as error:
            raise UsageError(f"--period: {error}") from None
    else:
        period = resolve(spec.report.timeframe, today_in(spec, now))
    return period, comparison(period, spec.report.compare)


def today_in(spec: Spec, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(spec.report.timezone)).date()


def _sandbox_accounts() -> dict[str, str]:
    from reporter.sandbox.accounts import FIXED, extra_account

    known = {a.id: a.username for a in FIXED}
    known |= {(a := extra_account(1, n)).id: a.username for n in range(100)}
    return known


def check_sandbox_accounts(accounts: Sequence[Account]) -> None:
    known = _sandbox_accounts()
    unknown = [a for a in accounts if a.id not in known]
    if unknown:
        listed = ", ".join(f"{i} (@{known[i]})" for i in list(known)[:4])
        raise UsageError(
            f"--sandbox: the sandbox has no account {', '.join(a.id for a in unknown)}; "
            f"its accounts are {listed} and generated ones 17841400000000100.."
        )


def run_plan(spec_path: Path, *, period_text: str | None, sandbox: bool, world: World) -> int:
    from reporter import catalogue
    from reporter.graph.client import host_for
    from reporter.plan.build import plan
    from reporter.plan.text import describe
    from reporter.settings import load_settings

    spec = load_spec(spec_path, today=world.now.date())
    period, compare = periods_for(spec, period_text, world.now)
    if sandbox:
        check_sandbox_accounts(spec.accounts)
    settings = load_settings()
    fetch_plan = plan(spec, catalogue.load(), period, compare, today=today_in(spec, world.now))
    hosts = {
        a.id: "the in-process sandbox" if sandbox else host_for(a.login, settings.api_base_url)
        for a in spec.accounts
    }
    world.out.write("\n".join(describe(fetch_plan, hosts)) + "\nnothing was sent\n")
    return int(ExitStatus.OK)


@contextlib.contextmanager
def api_target(
    accounts: Sequence[Account], *, sandbox: bool, world: World, serve: bool = True
) -> Iterator[Target]:
    """(settings, token for an account, base URL for an account), live or sandboxed."""
    from reporter.graph.client import host_for
    from reporter.settings import default_data_dir, load_settings, token_for

    settings = load_settings()
    if not sandbox:
        yield (
            settings,
            lambda a: token_for(a, world.environ),
            lambda a: host_for(a.login, settings.api_base_url),
        )
        return
    check_sandbox_accounts(accounts)
    from reporter.sandbox import Sandbox

    extra = max((int(a.id) - 17841400000000100 + 1 for a in accounts), default=0)
    if "store" not in settings.model_fields_set:
        store = default_data_dir(world.environ) / "sandbox.sqlite3"
        settings = settings.model_copy(update={"store": store})
    if not serve:
        yield settings, lambda a: SecretStr(""), lambda a: ""
        return
    with Sandbox(seed=1, now=world.now, extra_accounts=max(0, extra)) as sb:
        # the sandbox's app token lets `reporter tokens` ask its debug_token
        settings = settings.model_copy(update={"meta_app_token": SecretStr(sb.app_token)})
        yield settings, lambda a: SecretStr(sb.token_for(a.id)), lambda a: sb.base_url


def fetch_context(target: Target, world: World) -> Context:
    from reporter import catalogue
    from reporter.fetch.execute import Context
    from reporter.graph.client import RetryPolicy

    settings, token, base = target
    retry = RetryPolicy(
        max_retries=settings.max_retries,
        backoff_base=settings.backoff_base,
        backoff_max=settings.backoff_max,
        rate_limit_max_wait=settings.rate_limit_max_wait,
        rng=random.Random(),
    )
    if world.sleep is not None:
        retry.sleep = world.sleep
    return Context(
        settings=settings,
        catalogue=catalogue.load(),
        token=token,
        base_url=base,
        now=lambda: world.now,
        retry=retry,
    )


def _report(outcomes: Sequence[Outcome], world: World) -> int:
    failures: list[str] = []
    for outcome in outcomes:
        unit, data = outcome.unit, outcome.dataset
        name = f"{unit.account.name} {unit.label}"
        if outcome.error is not None:
            if str(outcome.error) not in failures:
                failures.append(str(outcome.error))
            world.out.write(f"{name}: failed\n")
            continue
        assert data is not None
        how = "from the store" if outcome.source == "store" else f"{outcome.requests} requests"
        world.out.write(
            f"{name}: {len(data.media)} media, {len(data.observations)} values, "
            f"{len(data.unavailable)} unavailable ({how})\n"
        )
    for message in failures:
        world.err.write(f"error: {message}\n")
    if failures:
        world.err.write(
            f"{len(failures)} problem(s); everything fetched is stored, and a rerun fetches "
            "only what is missing\n"
        )
        return int(ExitStatus.FAILED)
    return int(ExitStatus.OK)


def run_fetch(
    spec_path: Path,
    *,
    period_text: str | None,
    json_path: Path | None,
    refresh: bool,
    offline: bool,
    sandbox: bool,
    world: World,
) -> int:
    from reporter import catalogue
    from reporter.fetch.execute import Options, fetch
    from reporter.plan.build import plan
    from reporter.store.database import Store

    spec = load_spec(spec_path, today=world.now.date())
    period, compare = periods_for(spec, period_text, world.now)
    fetch_plan = plan(spec, catalogue.load(), period, compare, today=today_in(spec, world.now))
    with api_target(spec.accounts, sandbox=sandbox, world=world, serve=not offline) as target:
        ctx = fetch_context(target, world)
        settings = ctx.settings
        opener = Store.open(settings.store, write=not offline, lock_timeout=settings.lock_timeout)
        with opener as store:
            outcomes = fetch(fetch_plan, store, ctx, Options(refresh=refresh, offline=offline))
    status = _report(outcomes, world)
    if json_path is not None:
        datasets = [o.dataset for o in outcomes if o.dataset]
        text = "[\n" + ",\n".join(d.to_json() for d in datasets) + "\n]\n"
        _write_atomically(json_path, text)
    return status


def run_collect(spec_paths: Sequence[Path], *, sandbox: bool, world: World) -> int:
    from reporter import catalogue
    from reporter.fetch.execute import Options, fetch
    from reporter.plan.build import plan_collect
    from reporter.store.database import Store

    specs = [load_spec(p, today=world.now.date()) for p in spec_paths]
    accounts = [a for s in specs for a in s.accounts]
    status = int(ExitStatus.OK)
    with api_target(accounts, sandbox=sandbox, world=world) as target:
        ctx = fetch_context(target, world)
        settings = ctx.settings
        with Store.open(settings.store, lock_timeout=settings.lock_timeout) as store:
            for spec in specs:
                fetch_plan = plan_collect(
                    spec, catalogue.load(), today=today_in(spec, world.now),
                    overlap_days=settings.refetch_days,
                )  # fmt: skip
                outcomes = fetch(fetch_plan, store, ctx, Options())
                status = max(status, _report(outcomes, world))
        # weeks before the monthly run: a token about to expire, one line per account
        from reporter.fetch.tokens import expiry_warnings

        settings, token, base = target
        for line in expiry_warnings(specs, settings=settings, token_for=token, base_url=base,
                                    environ=world.environ, now=world.now):  # fmt: skip
            world.err.write(line + "\n")
    return status


def _write_atomically(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
