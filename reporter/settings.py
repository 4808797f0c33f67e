"""Settings from the environment (``REPORTER_*``) and an optional ``.env`` file.

Settings never come from a spec: a spec is committed to git, settings and tokens are not. The
World reads the environment and ``.env`` once (world.py) and builds the settings from that one
mapping with ``settings_from``; nothing else reads them. SMTP settings are ``smtp_*`` and
``mail_*`` fields: `reporter run --send` needs at least ``REPORTER_SMTP_HOST`` and
``REPORTER_MAIL_FROM``; the password is a SecretStr, never printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from reporter.errors import UsageError

PREFIX = "REPORTER_"
STORE_URLS = ("postgresql://", "postgresql+psycopg://", "postgres://")


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/reporter``, else ``~/.local/share/reporter`` (XDG base directories)."""
    base = environ.get("XDG_DATA_HOME") or str(Path(environ.get("HOME") or "~") / ".local/share")
    return Path(base).expanduser() / "reporter"


class Settings(BaseSettings):
    """Run settings. Every field is ``REPORTER_<NAME>`` in the environment or ``.env``."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore", frozen=True)

    store: Path | str = Field(
        None,  # filled in by the validator below
        validate_default=True,
        description="The store of fetched data: a SQLite file (default: in the per-user data "
        "directory) or a PostgreSQL URL, `postgresql://USER:PASSWORD@HOST:PORT/DATABASE`, "
        "shared by several machines.",
    )
    api_base_url: str | None = Field(
        None,
        description="Send every Graph API call here instead of graph.facebook.com / "
        "graph.instagram.com (a proxy, or the sandbox).",
    )
    max_workers: int = Field(8, ge=1, le=64, description="Requests in flight at once, at most.")
    fetch_accounts: int = Field(
        4,
        ge=1,
        le=64,
        description="Accounts fetched at once (`fetch`, `collect`, `run`), each paced by its own "
        "token's rate limit; their requests together stay within `REPORTER_MAX_WORKERS`.",
    )
    timeout: float = Field(30.0, gt=0, description="Seconds to wait for one API response.")
    max_retries: int = Field(
        6, ge=0, le=20, description="Retries of a transient error before giving up."
    )
    backoff_base: float = Field(0.5, ge=0, description="First retry delay, seconds (doubles).")
    backoff_max: float = Field(30.0, ge=0, description="Longest delay between two retries.")
    rate_limit_max_wait: float = Field(
        120.0,
        ge=0,
        description="Wait this long at most for a rate limit to lift; longer: stop cleanly.",
    )
    lock_timeout: float = Field(
        10.0, ge=0, description="Seconds to wait for another run holding the store."
    )
    thumbnail_max_bytes: int = Field(2_000_000, ge=1, description="Largest picture kept.")
    thumbnail_timeout: float = Field(10.0, gt=0, description="Seconds for one picture.")
    render_workers: int | None = Field(
        None, ge=1, le=64, description="Reports rendered at once (default: the number of CPUs)."
    )
    broker_url: SecretStr | None = Field(
        None,
        description=(
            "Celery broker (`redis://host:6379/0` or `amqp://…`): `reporter run --send` enqueues "
            "each report for `reporter worker` processes instead of running it here."
        ),
    )
    broker_wait: float = Field(
        6 * 3600.0,
        gt=0,
        description="Seconds `reporter run --send` waits for the workers before it gives up.",
    )
    broker_namespace: str = Field(
        "",
        pattern=r"^[A-Za-z0-9_.-]*$",
        description=(
            "Redis broker: a prefix for every key reporter's queues and results use, so several "
            "deployments (or test runs) can share one Redis server without taking each other's "
            "work."
        ),
    )
    broker_visibility_timeout: float = Field(
        3600.0,
        gt=0,
        description=(
            "Redis broker: seconds before a task a dead worker took runs again elsewhere "
            "(longer than the longest report takes)."
        ),
    )
    smtp_host: str | None = Field(
        None, description="SMTP server `reporter run --send` delivers through (required to send)."
    )
    smtp_port: int | None = Field(
        None, ge=1, le=65535, description="SMTP port (default: 465 with SMTP_SSL, else 587)."
    )
    smtp_username: str | None = Field(None, description="SMTP login name; no login when unset.")
    smtp_password: SecretStr | None = Field(
        None, description="SMTP password (never printed or logged)."
    )
    smtp_starttls: bool = Field(
        True,
        description="Upgrade the connection with STARTTLS and stop if the server cannot; "
        "`false` only for a relay on the same machine.",
    )
    smtp_ssl: bool = Field(
        False, description="Implicit TLS from the first byte (port 465) instead of STARTTLS."
    )
    smtp_timeout: float = Field(60.0, gt=0, description="Seconds to wait for the SMTP server.")
    mail_from: str | None = Field(
        None,
        description="Sender of the reports, e.g. `Agency Reports <reports@agency.example>` "
        "(required to send).",
    )
    mail_max_bytes: int = Field(
        20_000_000,
        ge=10_000,
        description="Largest message sent, attachment included (most servers take 20-25 MB).",
    )
    meta_app_token: SecretStr | None = Field(
        None,
        description="Your Meta app's access token (APP_ID|APP_SECRET), only for reading Facebook"
        "-login tokens' expiry and permissions with Meta's debug_token; never sent elsewhere.",
    )
    token_warn_days: int = Field(
        14,
        ge=0,
        le=60,
        description="Warn this many days before an account's token expires (reporter tokens, "
        "collect, run).",
    )
    refetch_days: int = Field(
        2,
        ge=0,
        le=7,
        description="Days at the end of a period fetched again while Meta may still revise "
        "them (Meta: up to 48 h); the newest answer wins.",
    )

    @field_validator("store", mode="before")
    @classmethod
    def _default_store(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            environ = (info.context or {}).get("environ", {})
            return default_data_dir(environ) / "store.sqlite3"
        if isinstance(value, str) and not value.startswith(STORE_URLS):
            return Path(value)  # a file; a URL stays text (a Path would fold its "//")
        return value


def settings_from(environ: Mapping[str, str]) -> Settings:
    """The settings in ``environ`` (``REPORTER_*``, any case); invalid values are a usage
    error. Unset fields keep their defaults and stay out of ``model_fields_set``."""
    values = {
        name[len(PREFIX) :].lower(): value
        for name, value in environ.items()
        if name.upper().startswith(PREFIX)
    }
    known = {k: v for k, v in values.items() if k in Settings.model_fields}
    try:
        return Settings.model_validate(known, context={"environ": environ})
    except ValidationError as error:
        problems = "; ".join(
            f"{PREFIX}{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in error.errors()
        )
        raise UsageError(f"invalid settings: {problems}") from None
