"""Meta's errors as typed exceptions, and scrubbing the token from anything we keep.

Branch on code and subcode, never on the wording (developers.facebook.com/docs/graph-api/guides/
error-handling); the wording is only read to find which metric Meta blames.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from reporter.errors import ReporterError

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80002})
TOKEN_CODE = 190
REDACTED = "[REDACTED]"
TOKEN_PARAM = re.compile(r"access_token=[^&\s\"'\\]*&?")


class GraphError(ReporterError):
    """Meta's error: ``code``, ``subcode`` and ``message`` as Meta sent them (token scrubbed)."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        http_status: int | None = None,
        transient: bool = False,
        user_title: str | None = None,
        retry_after: float | None = None,
        user_msg: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.http_status = http_status
        self.transient = transient
        self.user_title = user_title
        self.user_msg = user_msg
        self.retry_after = retry_after

    @property
    def explanation(self) -> str:
        """Meta's ``error_user_title`` and ``error_user_msg`` ("" when it sent neither). For
        2108006 and 100/33 the ``message`` is only "Invalid parameter": the meaning is here
        (reference: errors; the bodies in tests/conformance/defect_errors_explained.json)."""
        parts = [p.strip().rstrip(".") for p in (self.user_title, self.user_msg) if p and p.strip()]
        if len(parts) == 2 and parts[1].lower().startswith(parts[0].lower()):
            parts = parts[1:]
        return ": ".join(parts) + ("." if parts else "")

    @property
    def reason(self) -> str:
        """What Meta said, for a report's notes: its explanation when it gave one, else its
        message."""
        return self.explanation or self.message

    def __str__(self) -> str:
        explanation = self.explanation
        if not explanation or explanation.rstrip(".") == self.message.rstrip("."):
            return self.message
        return f"{self.message} ({explanation})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code}, subcode={self.subcode}, {self.message!r})"


class TokenInvalid(GraphError):
    """Error 190: the account's token is expired or revoked."""


class TokenRefused(ReporterError):
    """An account's fetch stopped because Meta refused its token: the explained TokenInvalid
    (a data-quality rule holds that account's report)."""


class RateLimited(GraphError):
    """Meta throttles us for longer than we are willing to wait."""


class TransportError(GraphError):
    """No usable answer (connection refused or dropped, timeout, not JSON) after retries."""


class Unreachable(TransportError):
    """Nothing listens at the API's address (connection refused): retrying for long cannot
    help, so the client gives up after a couple of quick attempts and the fetch stops."""

    def __init__(self, url: str) -> None:
        super().__init__(f"cannot connect to {url} (connection refused)", transient=True)
        self.url = url


def scrub(value: Any, secrets: Sequence[str]) -> Any:
    """``value`` with every secret replaced and ``access_token`` removed from URLs in it."""
    if isinstance(value, str):
        for secret in secrets:
            if secret:
                value = value.replace(secret, REDACTED)
        return TOKEN_PARAM.sub("", value) if "access_token=" in value else value
    if isinstance(value, list):
        return [scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v, secrets) for k, v in value.items()}
    return value


def strip_token(url: str) -> str:
    """A paging URL without its ``access_token`` query parameter (Meta echoes it there)."""
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def error_from(body: Any, status: int, secrets: Sequence[str]) -> GraphError:
    """The typed error for Meta's error body (or for a non-JSON answer)."""
    raw = body.get("error") if isinstance(body, dict) else None
    if not isinstance(raw, dict):
        # an HTML page from a proxy, truncated JSON, JSON that is not an object: a broken answer
        # on the way, not Meta's refusal, so it is retried (and never stored as data)
        return TransportError(
            f"HTTP {status}: not a Graph API answer", http_status=status, transient=True
        )
    message = scrub(str(raw.get("message", "unknown error")), secrets)
    code = raw.get("code") if isinstance(raw.get("code"), int) else None
    subcode = raw.get("error_subcode") if isinstance(raw.get("error_subcode"), int) else None
    flag = raw.get("is_transient")
    # code 1 with is_transient false is Meta's "unknown error" for an unsupported breakdown:
    # retrying cannot help (reference: errors); code 1 otherwise and code 2 are temporary
    transient = flag is True or (code in (1, 2) and flag is not False)
    if flag is None and code is None and status >= 500:
        transient = True
    cls = GraphError
    if code == TOKEN_CODE:
        cls = TokenInvalid
    elif code in RATE_LIMIT_CODES:
        cls = RateLimited
        transient = False
    title, user_msg = raw.get("error_user_title"), raw.get("error_user_msg")
    return cls(
        message,
        code=code,
        subcode=subcode,
        http_status=status,
        transient=transient,
        user_title=scrub(title, secrets) if isinstance(title, str) else None,
        user_msg=scrub(user_msg, secrets) if isinstance(user_msg, str) else None,
    )


METRIC_NAMED = (
    re.compile(r"metric\[(\d+)\]"),
    re.compile(r"\bthe (\w+) metric\b", re.IGNORECASE),
    re.compile(r"\((\w+)\) metric\b"),
    re.compile(r"following metrics? \(([\w, ]+)\)"),
    re.compile(r"\bmetric (\w+) is\b"),
)


def metrics_named(message: str, metrics: Sequence[str]) -> list[str]:
    """The requested metrics Meta's message blames, in request order (empty: it names none)."""
    blamed: set[str] = set()
    for pattern in METRIC_NAMED:
        for match in pattern.finditer(message):
            text = match.group(1)
            if text.isdigit():
                if int(text) < len(metrics):
                    blamed.add(metrics[int(text)])
                continue
            blamed.update(name.strip() for name in text.split(",") if name.strip() in metrics)
    return [m for m in metrics if m in blamed]
