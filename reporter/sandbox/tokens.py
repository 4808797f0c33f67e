"""Access tokens: one record per token, with the account it opens, its login kind and its expiry.

Tokens are distinctive, clearly fake strings (``SBX-<username>-<hex>``) so tests can grep any
output for a leak. They do not depend on the seed. Like Meta's long-lived tokens they expire 60
days after they were issued (the sandbox issues them 20 days before its starting "now");
``debug`` answers Meta's ``debug_token`` for them and ``refresh`` Instagram's
``refresh_access_token``. An app token (``SBX-app-...``, Meta's ``app_id|app_secret``) is what
``debug_token`` wants as the caller (logly/mureo#740: a token cannot inspect itself).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, replace
from typing import Any

from reporter.sandbox import errors
from reporter.sandbox.accounts import Account


@dataclass(frozen=True)
class Token:
    value: str
    account_id: str
    login: str
    issued_at: dt.datetime
    expires_at: dt.datetime | None = None
    invalid_subcode: int | None = None  # 190 subcodes: 460 password changed, 467 logged out...
    scopes: tuple[str, ...] = ()
    data_access_expires_at: dt.datetime | None = None
    refreshed: bool = False  # replaced by a refreshed token (which one for_account returns)


LIFETIME = dt.timedelta(days=60)  # long-lived user tokens, both logins (documented)
DATA_ACCESS = dt.timedelta(days=90)  # Facebook Login data access (documented: 90 days)
AGE_AT_START = dt.timedelta(days=20)
MIN_REFRESH_AGE = dt.timedelta(hours=24)  # "at least 24 hours old but has not expired"
SANDBOX_APP_ID = "100000000000001"
FACEBOOK_SCOPES = ("instagram_basic", "instagram_manage_insights", "pages_read_engagement")
INSTAGRAM_SCOPES = ("instagram_business_basic", "instagram_business_manage_insights")


def token_value(account: Account, kind: str = "") -> str:
    digest = hashlib.sha256(f"reporter-sandbox-token|{kind}|{account.id}".encode()).hexdigest()
    prefix = {"expired": "SBX-expired-", "": "SBX-"}.get(kind, f"SBX-{kind}-")
    return f"{prefix}{account.username}-{digest[:20]}"


def _unix(when: dt.datetime | None) -> int:
    return int(when.timestamp()) if when is not None else 0


class TokenStore:
    """Thread-safe: tests expire or invalidate tokens while the server answers."""

    def __init__(self, accounts: dict[str, Account], issued_at: dt.datetime) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, Token] = {}
        born = issued_at - AGE_AT_START
        for account in accounts.values():
            facebook = account.login == "facebook"
            token = Token(
                token_value(account),
                account.id,
                account.login,
                born,
                born + LIFETIME,
                None,
                FACEBOOK_SCOPES if facebook else INSTAGRAM_SCOPES,
                born + DATA_ACCESS if facebook else None,
            )
            self._tokens[token.value] = token
        first = next(iter(accounts.values()))
        app_digest = hashlib.sha256(b"reporter-sandbox-app-token").hexdigest()[:20]
        app = Token(f"SBX-app-{app_digest}", "", "app", born)
        self._tokens[app.value] = app
        self.app_token = app.value
        expired = Token(
            token_value(first, "expired"),
            first.id,
            first.login,
            issued_at - dt.timedelta(days=63),
            issued_at - dt.timedelta(days=3),
            None,
            FACEBOOK_SCOPES,
        )
        self._tokens[expired.value] = expired
        self.expired_token = expired.value

    def for_account(self, account_id: str) -> str:
        with self._lock:
            for token in reversed(self._tokens.values()):
                if token.account_id == account_id and self._regular(token):
                    return token.value
        raise KeyError(account_id)

    @staticmethod
    def _regular(token: Token) -> bool:
        return (
            bool(token.account_id)
            and not token.refreshed
            and not token.value.startswith("SBX-expired-")
        )

    def all_tokens(self) -> dict[str, str]:
        """account id -> its (regular) token."""
        with self._lock:
            return {t.account_id: t.value for t in self._tokens.values() if self._regular(t)}

    def expire(self, account_id: str, at: dt.datetime) -> None:
        self._update(account_id, expires_at=at)

    def invalidate(self, account_id: str, subcode: int = 460) -> None:
        self._update(account_id, invalid_subcode=subcode)

    def restore(self, account_id: str) -> None:
        self._update(account_id, expires_at=None, invalid_subcode=None)

    def set_scopes(self, account_id: str, scopes: tuple[str, ...]) -> None:
        self._update(account_id, scopes=tuple(scopes))

    def set_issued(self, account_id: str, at: dt.datetime) -> None:
        self._update(account_id, issued_at=at)

    def _update(self, account_id: str, **changes: object) -> None:
        value = self.for_account(account_id)
        with self._lock:
            self._tokens[value] = replace(self._tokens[value], **changes)  # type: ignore[arg-type]

    def owner(self, value: str | None) -> str:
        """The account a token is for; "" for none, an unknown one, or the app's."""
        with self._lock:
            token = self._tokens.get(value or "")
        return token.account_id if token is not None else ""

    def check(self, value: str | None, now: dt.datetime) -> Token:
        """The token's record, or the GraphError Meta answers for it."""
        if not value:
            raise errors.token_missing()
        with self._lock:
            token = self._tokens.get(value)
        if token is None:
            raise errors.token_unparsable()
        if token.invalid_subcode is not None:
            raise errors.token_invalidated(token.invalid_subcode)
        if token.expires_at is not None and token.expires_at <= now:
            raise errors.token_expired(token.expires_at, now)
        return token

    def debug(self, input_value: str, now: dt.datetime) -> dict[str, Any]:
        """Meta's ``debug_token`` answer for ``input_value`` (developers.facebook.com/docs/
        graph-api/reference/debug_token): ``{"data": {...}}``, ``expires_at`` 0 for never; an
        unusable token is ``is_valid: false`` with the error it would raise."""
        with self._lock:
            token = self._tokens.get(input_value)
        if token is None or token.login != "facebook":
            raise errors.token_unparsable()  # Instagram-login tokens: not Facebook tokens
        data: dict[str, Any] = {
            "app_id": SANDBOX_APP_ID,
            "type": "USER",
            "application": "reporter sandbox",
            "data_access_expires_at": _unix(token.data_access_expires_at),
            "expires_at": _unix(token.expires_at),
            "is_valid": True,
            "issued_at": _unix(token.issued_at),
            "scopes": list(token.scopes),
            "user_id": token.account_id,
        }
        try:
            self.check(input_value, now)
        except errors.GraphError as error:
            data["is_valid"] = False
            data["error"] = {"code": error.code, "message": error.message}
            if error.subcode is not None:
                data["error"]["subcode"] = error.subcode
        return {"data": data}

    def refresh(self, value: str, now: dt.datetime) -> dict[str, Any]:
        """Instagram's ``refresh_access_token``: a new long-lived token valid 60 days from now,
        for a valid Instagram-login token at least 24 h old (developers.facebook.com/
        documentation/instagram-platform/reference/refresh_access_token)."""
        token = self.check(value, now)
        if token.login != "instagram":
            raise errors.token_unparsable()
        if now - token.issued_at < MIN_REFRESH_AGE:
            raise errors.token_too_young()
        with self._lock:
            count = sum(1 for t in self._tokens.values() if t.account_id == token.account_id)
            digest = hashlib.sha256(f"{value}|{count}".encode()).hexdigest()[:20]
            fresh = replace(token, value=f"SBX-r{count}-{digest}", issued_at=now,
                            expires_at=now + LIFETIME)  # fmt: skip
            # the old token stays valid until its own expiry (Meta does not say otherwise)
            self._tokens[value] = replace(token, refreshed=True)
            self._tokens[fresh.value] = fresh
        return {
            "access_token": fresh.value,
            "token_type": "bearer",
            "expires_in": int(LIFETIME.total_seconds()),
        }
