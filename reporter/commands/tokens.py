"""`reporter tokens [PATH...]`: every account's token health, and renewing Instagram-login tokens.

Refreshing is offered only where it is safe. A token is never printed: the new one goes into the
``.env`` file the old one was read from (rewritten atomically, owner-only), with its expiry in
``<TOKEN_ENV>_EXPIRES_AT``. A token that comes from the process environment cannot be updated by
us, so for it reporter prints a command that refreshes it from the variable without showing it.
In ``--sandbox`` mode nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import SecretStr

from reporter.errors import ExitStatus, UsageError
from reporter.fetch.target import api_target
from reporter.fetch.tokens import EXPIRES_SUFFIX, Health, check, expiry_line
from reporter.files import atomic_write
from reporter.settings import Settings
from reporter.spec.models import Account, Spec
from reporter.spec.validate import expand, load_spec
from reporter.world import World

REFRESH_HINT = (
    "curl -sG https://graph.instagram.com/refresh_access_token -d grant_type=ig_refresh_token "
    '-H "Authorization: Bearer ${VAR}"'
)


def _specs(paths: Sequence[Path], world: World) -> list[Spec]:
    files = expand(paths or [Path(".")])
    if not files:
        where = ", ".join(str(p) for p in paths) or "."
        raise UsageError(f"no spec files found in {where}")
    return [load_spec(p, now=world.now, catalogue=world.catalogue) for p in files]


def tokens(paths: Sequence[Path], *, refresh: bool, sandbox: bool, world: World) -> int:
    env_file = world.env_file
    specs = _specs(paths, world)
    accounts = [a for s in specs for a in s.accounts]
    with api_target(accounts, sandbox=sandbox, world=world) as (settings, token, base, _):
        healths = check(specs, settings=settings, token_for=token, base_url=base,
                        environ=world.environ)  # fmt: skip
        renewed: dict[str, Health] = {}
        if refresh:
            renewed = _refresh(healths, settings, token, base, sandbox, env_file, world)
    bad = 0
    for health in healths:
        health = renewed.get(health.account.id, health)
        text, soon = expiry_line(health, world.now, settings.token_warn_days)
        state = "problem" if health.problems else ("expiring" if soon else "ok")
        bad += state != "ok"
        if health.problems and health.expires_at is None and not health.never_expires:
            text = "expiry not checked"
        world.out.write(f"{health.who}, {health.account.token_env}: {state}; {text}\n")
        for problem in health.problems:
            world.out.write(f"  error: {problem}\n")
        for note in health.notes:
            world.out.write(f"  note: {note}\n")
    days = settings.token_warn_days
    world.out.write(
        f"{len(healths)} token(s) checked: {len(healths) - bad} healthy, {bad} need attention "
        f"(warning {days} day{'s' * (days != 1)} before expiry, REPORTER_TOKEN_WARN_DAYS)\n"
    )
    return int(ExitStatus.FAILED if bad else ExitStatus.OK)


def _refresh(
    healths: Sequence[Health],
    settings: Settings,
    token: Callable[[Account], SecretStr],
    base: Callable[[Account], str],
    sandbox: bool,
    env_file: Path,
    world: World,
) -> dict[str, Health]:
    from reporter.graph.client import GraphClient, GraphError, RetryPolicy

    in_file = _env_names(env_file)
    renewed: dict[str, Health] = {}
    for health in healths:
        account = health.account
        if account.login != "instagram" or health.problems:
            continue
        name = account.token_env
        if not sandbox and name not in in_file:
            world.out.write(
                f"{health.who}: {name} comes from the environment, not from {env_file}, so "
                f"reporter cannot store a new token; refresh it yourself with\n  "
                f"{REFRESH_HINT.replace('VAR', name)}\n"
            )
            continue
        client = GraphClient(base_url=base(account), token=token(account),
                             timeout=settings.timeout,
                             retry=RetryPolicy(max_retries=2))  # fmt: skip
        try:
            answer = client.refresh_instagram_token()
        except GraphError as error:
            world.out.write(f"{health.who}: Meta did not refresh {name}: {error.message}\n")
            continue
        finally:
            client.session.close()
        new, seconds = answer.get("access_token"), answer.get("expires_in")
        if not isinstance(new, str) or not isinstance(seconds, int):
            world.out.write(f"{health.who}: Meta's refresh answer has no token; nothing changed\n")
            continue
        expires = (world.now + dt.timedelta(seconds=seconds)).replace(microsecond=0)
        source = f"recorded in {name}{EXPIRES_SUFFIX}"
        if sandbox:
            world.out.write(f"{health.who}: refreshed {name} in the sandbox; nothing written\n")
        else:
            _write_env(env_file, {name: SecretStr(new), name + EXPIRES_SUFFIX: SecretStr(
                expires.isoformat())})  # fmt: skip
            world.out.write(f"{health.who}: refreshed {name}; the new token is in {env_file}\n")
        renewed[account.id] = Health(account, (), expires, False, source)
    return renewed


_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")


def _env_names(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    return {m[1] for line in path.read_text("utf-8").splitlines() if (m := _LINE.match(line))}


def _write_env(path: Path, values: dict[str, SecretStr]) -> None:
    """Replace (or append) ``NAME=value`` lines; atomic, the file's mode kept (0600 if new)."""
    lines = path.read_text("utf-8").splitlines() if path.is_file() else []
    left = dict(values)
    out = []
    for line in lines:
        match = _LINE.match(line)
        if match and match[1] in left:
            out.append(f"{match[1]}={left.pop(match[1]).get_secret_value()}")
        else:
            out.append(line)
    out += [f"{k}={v.get_secret_value()}" for k, v in left.items()]
    mode = path.stat().st_mode & 0o777 if path.is_file() else 0o600
    atomic_write(path, ("\n".join(out) + "\n").encode("utf-8"), mode=mode)
