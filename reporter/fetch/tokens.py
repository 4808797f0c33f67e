"""Token health: is each account's token set, accepted, allowed what the spec needs, and when
does it expire? ``check`` answers for ``reporter tokens``; ``expiry_warnings`` is the cheap
version the daily ``collect`` and the monthly ``run`` print.

What Meta tells, and what we therefore report (searched 2026):
- Facebook-login tokens: ``GET graph.facebook.com/vNN/debug_token?input_token=T`` answers
  ``{"data": {"is_valid", "expires_at", "data_access_expires_at", "scopes", ...}}``
  (developers.facebook.com/docs/graph-api/reference/debug_token); ``expires_at`` 0 means never
  (a system-user token). The caller must be the app (``APP_ID|APP_SECRET``): a token inspecting
  itself is refused with "(#100) You must provide an app access token..." (logly/mureo#740), so
  expiry and permissions are read only when ``REPORTER_META_APP_TOKEN`` is set.
- Instagram-login tokens: long-lived ones last 60 days from when they were issued or last
  refreshed; ``GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token`` renews
  one that is at least 24 h old and not expired, answering ``{"access_token", "token_type":
  "bearer", "expires_in"}`` (developers.facebook.com/documentation/instagram-platform/reference/
  refresh_access_token). Meta has no endpoint that reads an Instagram token's expiry back, so it is
  "unknown" unless ``<TOKEN_ENV>_EXPIRES_AT`` records it (``reporter tokens --refresh`` writes it).
- Without debug_token, permissions are checked by use: the profile and a one-day insights call;
  error 10 or 200-299 means a permission is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import SecretStr

from reporter.errors import ReporterError
from reporter.graph.client import (
    GraphClient,
    GraphError,
    RateLimited,
    RetryPolicy,
    TokenInvalid,
    TransportError,
    make_request,
)
from reporter.settings import Settings
from reporter.spec.models import Account, Spec

NEEDED_SCOPES = {
    "facebook": ("instagram_basic", "instagram_manage_insights", "pages_read_engagement"),
    "instagram": ("instagram_business_basic", "instagram_business_manage_insights"),
}
EXPIRES_SUFFIX = "_EXPIRES_AT"
ClientFor = Callable[[Account, SecretStr], GraphClient]


@dataclass(frozen=True)
class Health:
    """One account's token: problems (each a sentence saying what to do), and its expiry."""

    account: Account
    problems: tuple[str, ...] = ()
    expires_at: dt.datetime | None = None
    never_expires: bool = False
    source: str = ""  # where the expiry comes from
    notes: tuple[str, ...] = field(default=())

    @property
    def who(self) -> str:
        return f"{self.account.name} ({self.account.id})"


def who(account: Account) -> str:
    return f"{account.name} ({account.id})"


def recorded_expiry(account: Account, environ: Mapping[str, str]) -> dt.datetime | None:
    """``<TOKEN_ENV>_EXPIRES_AT`` (an ISO date or date-time), when set and readable."""
    text = environ.get(account.token_env + EXPIRES_SUFFIX, "").strip()
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def expiry_line(health: Health, now: dt.datetime, warn_days: int) -> tuple[str, bool]:
    """(the expiry sentence, whether it needs action now)."""
    if health.never_expires:
        return f"never expires ({health.source})", False
    if health.expires_at is None:
        return "expiry unknown", False
    left = health.expires_at - now
    day = health.expires_at.date().isoformat()
    if left <= dt.timedelta(0):
        return f"expired on {day} ({health.source})", True
    days = left.days
    soon = left <= dt.timedelta(days=warn_days)
    when = "today" if days == 0 else f"in {days} day{'s' * (days != 1)}"
    return f"expires on {day}, {when} ({health.source})", soon


def _client_for(settings: Settings, base_url: Callable[[Account], str]) -> ClientFor:
    retry = RetryPolicy(max_retries=min(settings.max_retries, 2), backoff_max=2.0)

    def make(account: Account, token: SecretStr) -> GraphClient:
        return GraphClient(
            base_url=base_url(account), token=token, timeout=settings.timeout, retry=retry
        )

    return make


def _debug(
    account: Account, token: SecretStr, version: str, settings: Settings, client: ClientFor
) -> dict[str, object] | None:
    """debug_token's ``data`` for a Facebook-login token, or None without an app token."""
    if account.login != "facebook" or settings.meta_app_token is None:
        return None
    app = client(account, settings.meta_app_token)
    try:
        body = app.debug_token(version, token)
    finally:
        app.session.close()
    data = body.get("data")
    return data if isinstance(data, dict) else None


def _probe(account: Account, client: GraphClient, version: str) -> list[str]:
    """Use the token as a fetch would: the profile, then one day of account insights."""
    problems: list[str] = []
    probes = (
        (make_request(version, account.id, fields="id,username"), NEEDED_SCOPES[account.login][0]),
        (
            make_request(
                version,
                account.id,
                "insights",
                metric="reach",
                period="day",
                metric_type="total_value",
            ),
            NEEDED_SCOPES[account.login][1],
        ),
    )
    for request, scope in probes:
        try:
            client.get(request)
        except (TokenInvalid, RateLimited, TransportError):
            raise
        except GraphError as error:
            if error.code == 10 or (error.code is not None and 200 <= error.code <= 299):
                problems.append(
                    f"Meta refuses {request.path} (error {error.code}: "
                    f"{error.message}); grant the permission {scope}"
                )
            elif error.code == 100 and error.subcode == 33:
                problems.append(
                    f"the token in {account.token_env} does not open account "
                    f"{account.id}; check the account id or the token"
                )
                break
    return problems


def check_account(
    account: Account,
    *,
    version: str,
    settings: Settings,
    token_for: Callable[[Account], SecretStr],
    client: ClientFor,
    environ: Mapping[str, str],
) -> Health:
    try:
        token = token_for(account)
    except ReporterError:
        return Health(
            account,
            (f"{account.token_env} is not set; put the account's access token there (or in .env)",),
        )
    api = client(account, token)
    try:
        problems = _probe(account, api, version)
        data = _debug(account, token, version, settings, client)
    except TokenInvalid as error:
        code = f"{error.code}/{error.subcode}" if error.subcode else str(error.code)
        return Health(
            account,
            (
                f"Meta refused the token in {account.token_env} (error {code}: "
                f"{error.message}); renew it",
            ),
        )
    except GraphError as error:
        return Health(
            account,
            (
                f"could not check the token in {account.token_env}: "
                f"{error.message}; run again later",
            ),
        )
    finally:
        api.session.close()
    if data is not None:
        return _from_debug(account, data, problems)
    recorded = recorded_expiry(account, environ)
    if account.login == "instagram":
        note = (
            "Meta cannot tell an Instagram-login token's expiry; it lasts 60 days from when it "
            f"was issued or last refreshed: `reporter tokens --refresh` renews it and records "
            f"the date in {account.token_env}{EXPIRES_SUFFIX}"
        )
    else:
        note = (
            "set REPORTER_META_APP_TOKEN (APP_ID|APP_SECRET) to read the expiry and "
            "permissions with Meta's debug_token"
        )
    source = f"recorded in {account.token_env}{EXPIRES_SUFFIX}"
    notes = () if recorded else (note,)
    return Health(account, tuple(problems), recorded, False, source if recorded else "", notes)


def _from_debug(account: Account, data: Mapping[str, object], problems: list[str]) -> Health:
    source = "Meta's debug_token"
    if data.get("is_valid") is not True:
        error = data.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        said = f": {message}" if message else ""
        text = f"Meta says the token in {account.token_env} is not valid{said}; renew it"
        return Health(account, (text,))
    scopes = data.get("scopes")
    granted = {s for s in scopes if isinstance(s, str)} if isinstance(scopes, list) else set()
    missing = [s for s in NEEDED_SCOPES["facebook"] if s not in granted]
    if missing:
        problems = [
            *problems,
            f"the token in {account.token_env} lacks the permission"
            f"{'s' * (len(missing) > 1)} {', '.join(missing)}; log in again granting "
            "them",
        ]
    ends = [
        (int(v), name)
        for name in ("expires_at", "data_access_expires_at")
        if isinstance(v := data.get(name), int) and v > 0
    ]
    if not ends:
        return Health(account, tuple(problems), None, True, source)
    stamp, name = min(ends)
    if name == "data_access_expires_at":
        source = "Meta's debug_token: data access"
    return Health(account, tuple(problems), dt.datetime.fromtimestamp(stamp, dt.UTC), False, source)


def check(
    specs: Sequence[Spec],
    *,
    settings: Settings,
    token_for: Callable[[Account], SecretStr],
    base_url: Callable[[Account], str],
    environ: Mapping[str, str],
) -> list[Health]:
    """Every account's token health, each account once (the first spec naming it decides the
    API version)."""
    client = _client_for(settings, base_url)
    seen: set[str] = set()
    out = []
    for spec in specs:
        for account in spec.accounts:
            if account.id in seen:
                continue
            seen.add(account.id)
            out.append(
                check_account(
                    account,
                    version=spec.report.api_version,
                    settings=settings,
                    token_for=token_for,
                    client=client,
                    environ=environ,
                )
            )
    return out


def expiry_warnings(
    specs: Sequence[Spec],
    *,
    settings: Settings,
    token_for: Callable[[Account], SecretStr],
    base_url: Callable[[Account], str],
    environ: Mapping[str, str],
    now: dt.datetime,
) -> list[str]:
    """One line per account whose token expires within ``settings.token_warn_days`` (or has
    expired), with the date. At most one debug_token call per Facebook-login account, and only
    with ``REPORTER_META_APP_TOKEN`` set; never raises: a check that fails says nothing (the
    fetch itself reports a refused token)."""
    client = _client_for(settings, base_url)
    lines = []
    seen: set[str] = set()
    for spec in specs:
        for account in spec.accounts:
            if account.id in seen:
                continue
            seen.add(account.id)
            health = Health(
                account,
                expires_at=recorded_expiry(account, environ),
                source=f"recorded in {account.token_env}{EXPIRES_SUFFIX}",
            )
            try:
                data = _debug(
                    account, token_for(account), spec.report.api_version, settings, client
                )
            except ReporterError:
                data = None
            if data is not None and data.get("is_valid") is True:
                health = _from_debug(account, data, [])
            text, soon = expiry_line(health, now, settings.token_warn_days)
            if soon:
                lines.append(
                    f"warning: {health.who}: the token in {account.token_env} {text}; "
                    "renew it (reporter tokens)"
                )
    return lines
