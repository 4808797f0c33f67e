"""Token health end to end: the sandbox's debug_token and refresh endpoints, `reporter tokens`,
refreshing into .env, and the expiry warning of the daily collect. No token in any output."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from support.cli import run_cli

from reporter.commands.collect import collect as run_collect
from reporter.commands.tokens import tokens as run_tokens
from reporter.sandbox import Sandbox
from reporter.world import World

NOW = dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.UTC)
ACME = "17841400000000001"
NORDLICHT = "17841400000000002"

SPEC = """
[report]
client = "Tokens"
timezone = "Europe/Berlin"
compare = "none"
timeframe = "last_month"

[[accounts]]
id = "17841400000000001"
name = "Acme"
token_env = "ACME_TOKEN"

[[accounts]]
id = "17841400000000002"
name = "Nordlicht"
login = "instagram"
token_env = "NORD_TOKEN"

[account_metrics]
metrics = ["reach"]
"""


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(seed=1, now=NOW) as sandbox:
        monkeypatch.setenv("REPORTER_API_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("REPORTER_META_APP_TOKEN", sandbox.app_token)
        monkeypatch.setenv("REPORTER_STORE", str(tmp_path / "store.db"))
        monkeypatch.setenv("REPORTER_MAX_RETRIES", "0")
        yield sandbox


def _spec(tmp_path: Path) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def _run(
    sb: Sandbox, tmp_path: Path, *, environ: dict[str, str] | None = None, refresh: bool = False
) -> tuple[int, str, set[str]]:
    env = environ if environ is not None else {
        "ACME_TOKEN": sb.token_for(ACME), "NORD_TOKEN": sb.token_for(NORDLICHT)
    }  # fmt: skip
    out, err = io.StringIO(), io.StringIO()
    environ = {**os.environ, **env}  # the REPORTER_* settings are in the process environment
    world = World(now=NOW, environ=environ, out=out, err=err, env_file=tmp_path / ".env")
    status = run_tokens([_spec(tmp_path)], refresh=refresh, sandbox=False, world=world)
    secrets = {*sb.tokens.values(), sb.app_token, sb.expired_token}
    text = out.getvalue() + err.getvalue()
    for secret in secrets:
        assert secret not in text and secret.split("-")[-1] not in text
    return status, out.getvalue(), secrets


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + token}


def test_debug_token_needs_the_app_and_reports_expiry_and_scopes(sb: Sandbox) -> None:
    url = f"{sb.base_url}/v25.0/debug_token"
    params = {"input_token": sb.token_for(ACME)}
    own = requests.get(url, params=params, headers=_bearer(params["input_token"]), timeout=5)
    assert own.status_code == 400 and own.json()["error"]["code"] == 100
    answer = requests.get(url, params=params, headers=_bearer(sb.app_token), timeout=5)
    answer = answer.json()["data"]
    assert answer["is_valid"] is True
    assert answer["expires_at"] == int((NOW + dt.timedelta(days=40)).timestamp())
    assert answer["scopes"] == ["instagram_basic", "instagram_manage_insights",
                                "pages_read_engagement"]  # fmt: skip
    sb.set_token(ACME, expires_at=NOW - dt.timedelta(hours=1))
    answer = requests.get(url, params=params, headers=_bearer(sb.app_token), timeout=5)
    answer = answer.json()["data"]
    assert answer["is_valid"] is False and answer["error"]["subcode"] == 463


def test_refresh_gives_a_new_60_day_token_once_the_old_is_a_day_old(sb: Sandbox) -> None:
    old = sb.token_for(NORDLICHT)
    url = f"{sb.base_url}/refresh_access_token"
    sb.set_token(NORDLICHT, issued_at=NOW - dt.timedelta(hours=2))
    young = requests.get(url, params={"grant_type": "ig_refresh_token"}, timeout=5,
                         headers={"Authorization": "Bearer " + old})  # fmt: skip
    assert young.status_code == 400
    sb.set_token(NORDLICHT, issued_at=NOW - dt.timedelta(days=2))
    body = requests.get(url, params={"grant_type": "ig_refresh_token"}, timeout=5,
                        headers={"Authorization": "Bearer " + old}).json()  # fmt: skip
    assert body["token_type"] == "bearer" and body["expires_in"] == 60 * 86400
    assert sb.token_for(NORDLICHT) == body["access_token"] != old


def test_healthy_tokens_exit_0_and_say_what_is_known(sb: Sandbox, tmp_path: Path) -> None:
    status, out, _ = _run(sb, tmp_path)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == (
        "Acme (17841400000000001), ACME_TOKEN: ok; expires on 2026-12-12, in 40 days "
        "(Meta's debug_token)"
    )
    assert lines[1] == "Nordlicht (17841400000000002), NORD_TOKEN: ok; expiry unknown"
    assert "Meta cannot tell an Instagram-login token's expiry" in lines[2]
    assert lines[-1].startswith("2 token(s) checked: 2 healthy, 0 need attention")


def test_expiring_expired_missing_and_unpermitted_tokens_exit_1(
    sb: Sandbox, tmp_path: Path
) -> None:
    sb.set_token(ACME, expires_at=NOW + dt.timedelta(days=5, hours=1))
    status, out, _ = _run(sb, tmp_path)
    assert status == 1
    assert out.splitlines()[0] == (
        "Acme (17841400000000001), ACME_TOKEN: expiring; expires on 2026-11-07, in 5 days "
        "(Meta's debug_token)"
    )
    sb.set_token(ACME, expires_at=NOW + dt.timedelta(days=30), scopes=("instagram_basic",))
    status, out, _ = _run(sb, tmp_path, environ={"ACME_TOKEN": sb.token_for(ACME)})
    assert status == 1
    assert (
        "  error: the token in ACME_TOKEN lacks the permissions instagram_manage_insights, "
        "pages_read_engagement; log in again granting them"
    ) in out
    assert (
        "Nordlicht (17841400000000002), NORD_TOKEN: problem; expiry not checked\n"
        "  error: NORD_TOKEN is not set; put the account's access token there (or in .env)\n"
    ) in out
    sb.expire_token(ACME)
    status, out, _ = _run(sb, tmp_path)
    assert status == 1
    assert "  error: Meta refused the token in ACME_TOKEN (error 190/463: Error validating " in out


def test_refresh_writes_the_new_token_into_env_and_never_prints_it(
    sb: Sandbox, tmp_path: Path
) -> None:
    old = sb.token_for(NORDLICHT)
    env_file = tmp_path / ".env"
    env_file.write_text(f"# clients\nACME_TOKEN={sb.token_for(ACME)}\nNORD_TOKEN={old}\n")
    env_file.chmod(0o600)
    environ = {"ACME_TOKEN": sb.token_for(ACME), "NORD_TOKEN": old}
    status, out, _ = _run(sb, tmp_path, environ=environ, refresh=True)
    new = sb.token_for(NORDLICHT)
    assert status == 0 and new != old and new not in out
    assert f"refreshed NORD_TOKEN; the new token is in {env_file}" in out
    assert (
        "NORD_TOKEN: ok; expires on 2027-01-01, in 60 days (recorded in NORD_TOKEN_EXPIRES_AT)"
    ) in out
    text = env_file.read_text()
    assert text == (
        f"# clients\nACME_TOKEN={sb.token_for(ACME)}\nNORD_TOKEN={new}\n"
        "NORD_TOKEN_EXPIRES_AT=2027-01-01T17:00:00+00:00\n"
    )
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    # from the environment only: reporter cannot store a new token, so it says how, safely
    env_file.unlink()
    status, out, _ = _run(sb, tmp_path, environ={"ACME_TOKEN": sb.token_for(ACME),
                                                 "NORD_TOKEN": new}, refresh=True)  # fmt: skip
    assert '-H "Authorization: Bearer ${NORD_TOKEN}"' in out
    assert sb.token_for(NORDLICHT) == new  # nothing was refreshed


def test_collect_warns_about_a_token_expiring_soon_with_its_date(
    sb: Sandbox, tmp_path: Path
) -> None:
    sb.set_token(ACME, expires_at=NOW + dt.timedelta(days=2, hours=3))
    environ = {
        "ACME_TOKEN": sb.token_for(ACME),
        "NORD_TOKEN": sb.token_for(NORDLICHT),
        "NORD_TOKEN_EXPIRES_AT": "2026-11-10",
    }
    out, err = io.StringIO(), io.StringIO()
    world = World(now=NOW, environ={**os.environ, **environ}, out=out, err=err,
                  sleep=lambda s: None)  # fmt: skip
    status = run_collect([_spec(tmp_path)], sandbox=False, world=world)
    assert status == 0
    warnings = [line for line in err.getvalue().splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: Acme (17841400000000001): the token in ACME_TOKEN expires on 2026-11-04, in 2 "
        "days (Meta's debug_token); renew it (reporter tokens)",
        "warning: Nordlicht (17841400000000002): the token in NORD_TOKEN expires on 2026-11-10, "
        "in 7 days (recorded in NORD_TOKEN_EXPIRES_AT); renew it (reporter tokens)",
    ]
    for secret in (sb.token_for(ACME), sb.token_for(NORDLICHT), sb.app_token):
        assert secret not in out.getvalue() + err.getvalue()


def test_tokens_command_line_sandbox_and_usage(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    result = run_cli(["tokens", str(spec), "--sandbox", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    assert "2 token(s) checked: 2 healthy" in result.output
    assert "SBX-" not in result.output
    result = run_cli(["tokens", str(tmp_path / "missing.toml")])
    assert result.exit_code == 2
