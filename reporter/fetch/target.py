"""Where a fetch goes: the live Graph API with each account's token from the environment, or
the in-process sandbox with its own tokens and its own store.

``--sandbox`` starts the simulator on a free loopback port; its data always goes to its own
store beside the configured one (``sandbox.sqlite3`` in the data directory, or ``NAME.sandbox``
``.sqlite3`` beside ``REPORTER_STORE``), so sandbox numbers and sandbox deliveries never mix with
a client's data or the production ledger.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from pydantic import SecretStr

from reporter.errors import ReporterError, UsageError
from reporter.graph.media import MediaHosts
from reporter.settings import Settings, default_data_dir
from reporter.spec.models import Account
from reporter.store.engine import Location, sandbox_location
from reporter.world import World

if TYPE_CHECKING:
    from reporter.fetch.execute import Context

FIRST_EXTRA_ACCOUNT = 17841400000000100


class Target(NamedTuple):
    settings: Settings
    token: Callable[[Account], SecretStr]
    base_url: Callable[[Account], str]
    media_hosts: MediaHosts = MediaHosts()  # Meta's CDN; the sandbox: its own origin only


class MissingToken(ReporterError):
    """An account's token variable is not set."""


def token_for(account: Account, environ: Mapping[str, str]) -> SecretStr:
    """The account's token from the variable ``account.token_env``; never logged or printed."""
    value = environ.get(account.token_env, "").strip()
    if not value:
        raise MissingToken(
            f"account {account.name} ({account.id}): the environment variable "
            f"{account.token_env} is not set; put the account's access token there "
            "(or in a .env file next to where you run reporter)"
        )
    return SecretStr(value)


def store_path(world: World, *, sandbox: bool) -> Location:
    """The store a command uses: ``REPORTER_STORE``, else the per-user data directory's
    ``store.sqlite3``; with --sandbox always a store of its own beside that one
    (``sandbox.sqlite3``, or ``NAME.sandbox.EXT`` beside ``REPORTER_STORE=NAME.EXT``, or the
    schema ``sandbox`` beside a PostgreSQL store)."""
    settings = world.settings
    if not sandbox:
        return settings.store
    if "store" not in settings.model_fields_set:
        return default_data_dir(world.environ) / "sandbox.sqlite3"
    configured = settings.store
    if isinstance(configured, str):
        return sandbox_location(configured)
    return configured.with_name(f"{configured.stem}.sandbox{configured.suffix}")


def _sandbox_accounts() -> dict[str, str]:
    from reporter.sandbox.accounts import EXTRA_MAX, FIXED, extra_account

    known = {a.id: a.username for a in FIXED}
    known |= {(a := extra_account(1, n)).id: a.username for n in range(EXTRA_MAX)}
    return known


def check_sandbox_accounts(accounts: Sequence[Account]) -> None:
    known = _sandbox_accounts()
    unknown = [a for a in accounts if a.id not in known]
    if unknown:
        listed = ", ".join(f"{i} (@{known[i]})" for i in list(known)[:4])
        raise UsageError(
            f"--sandbox: the sandbox has no account {', '.join(a.id for a in unknown)}; "
            f"its accounts are {listed} and generated ones {FIRST_EXTRA_ACCOUNT}.."
            f"{max(known, key=int)}"
        )


@contextlib.contextmanager
def api_target(
    accounts: Sequence[Account], *, sandbox: bool, world: World, serve: bool = True
) -> Iterator[Target]:
    """The settings, the token of an account and the base URL of an account, live or
    sandboxed (``serve=False``: the sandbox's settings without starting it)."""
    from reporter.graph.client import host_for

    settings = world.settings
    if not sandbox:
        yield Target(
            settings,
            lambda a: token_for(a, world.environ),
            lambda a: host_for(a.login, settings.api_base_url),
        )
        return
    check_sandbox_accounts(accounts)
    from reporter.sandbox import Sandbox

    settings = settings.model_copy(update={"store": store_path(world, sandbox=True)})
    if not serve:
        yield Target(settings, lambda a: SecretStr(""), lambda a: "")
        return
    extra = max((int(a.id) - FIRST_EXTRA_ACCOUNT + 1 for a in accounts), default=0)
    with Sandbox(seed=1, now=world.now, extra_accounts=max(0, extra)) as sb:
        # the sandbox's app token lets `reporter tokens` ask its debug_token
        settings = settings.model_copy(update={"meta_app_token": SecretStr(sb.app_token)})
        yield Target(settings, lambda a: SecretStr(sb.token_for(a.id)), lambda a: sb.base_url,
                     MediaHosts.only(sb.base_url))  # fmt: skip


def fetch_context(target: Target, world: World) -> Context:
    from reporter.fetch.execute import Context
    from reporter.graph.client import RetryPolicy

    settings = target.settings
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
        catalogue=world.catalogue,
        token=target.token,
        base_url=target.base_url,
        now=lambda: world.now,
        retry=retry,
        media_hosts=target.media_hosts,
    )
