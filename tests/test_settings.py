"""Settings from REPORTER_* and .env; tokens by the variable a spec names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reporter.errors import UsageError
from reporter.fetch.target import MissingToken, token_for
from reporter.settings import settings_from
from reporter.spec.models import Account
from reporter.world import read_environment

ACCOUNT = Account(id="1", name="Acme", token_env="ACME_TOKEN")


def test_defaults_resolve_the_store_in_the_user_data_dir(tmp_path: Path) -> None:
    settings = settings_from(os.environ)
    assert settings.store == tmp_path / "home" / ".local" / "share" / "reporter" / "store.sqlite3"
    assert settings.api_base_url is None and settings.max_workers == 8


def test_environment_and_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("REPORTER_MAX_WORKERS=3\nREPORTER_TIMEOUT=5\n")
    monkeypatch.setenv("REPORTER_TIMEOUT", "7.5")
    monkeypatch.setenv("REPORTER_STORE", str(tmp_path / "x.db"))
    settings = settings_from(read_environment(os.environ, Path(".env")))
    assert (settings.max_workers, settings.timeout) == (3, 7.5)
    assert settings.store == tmp_path / "x.db" and "store" in settings.model_fields_set


def test_invalid_setting_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTER_MAX_WORKERS", "lots")
    with pytest.raises(UsageError, match="invalid settings: REPORTER_MAX_WORKERS: "):
        settings_from(os.environ)


def test_token_from_the_named_variable_never_shown() -> None:
    token = token_for(ACCOUNT, {"ACME_TOKEN": " secret-value \n"})
    assert token.get_secret_value() == "secret-value"
    assert "secret-value" not in repr(token) and "secret-value" not in str(token)


def test_missing_token_names_the_variable() -> None:
    with pytest.raises(MissingToken) as caught:
        token_for(ACCOUNT, {"OTHER": "x"})
    assert str(caught.value) == (
        "account Acme (1): the environment variable ACME_TOKEN is not set; put the account's "
        "access token there (or in a .env file next to where you run reporter)"
    )


def test_dotenv_tokens_under_the_real_environment(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("ACME_TOKEN=from-file\nOTHER=file\n")
    merged = read_environment({"OTHER": "env"}, env_file)
    assert merged == {"ACME_TOKEN": "from-file", "OTHER": "env"}
    assert read_environment({"A": "1"}, tmp_path / "missing.env") == {"A": "1"}
