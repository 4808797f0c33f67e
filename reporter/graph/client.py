"""The Graph API client: the only module that imports ``requests``.

Pure builders (``make_*`` in ``build.py``) describe a call as a ``Request`` before
anything is sent, so `plan` can print it; errors and scrubbing live in ``errors.py``, the pace
in ``limits.py``. ``GraphClient`` sends requests: a pooled Session, a timeout on every call,
the token in an ``Authorization: Bearer`` header (GET) or the ``access_token`` form field (batch
POST), never in a URL. Errors come back as ``GraphError`` carrying Meta's code, subcode and
message, with the token scrubbed from anything we keep (messages, bodies, ``paging`` URLs).
"""

from __future__ import annotations

import functools
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import urllib3
from pydantic import SecretStr

from reporter.graph.build import (
    HOSTS,
    Request,
    host_for,
    make_edge_request,
    make_insights_request,
    make_profile_request,
    make_request,
)
from reporter.graph.errors import (
    REDACTED,
    GraphError,
    RateLimited,
    TokenInvalid,
    TransportError,
    Unreachable,
    error_from,
    metrics_named,
    scrub,
    strip_token,
)
from reporter.graph.limits import RateGate, regain_seconds, usage_percent
from reporter.graph.media import MediaHosts
from reporter.graph.record import Recorder

__all__ = [
    "HOSTS",
    "REDACTED",
    "GraphClient",
    "GraphError",
    "RateLimited",
    "Request",
    "RetryPolicy",
    "TokenInvalid",
    "TransportError",
    "Unreachable",
    "error_from",
    "host_for",
    "make_edge_request",
    "make_insights_request",
    "make_profile_request",
    "make_request",
    "metrics_named",
    "new_session",
    "scrub",
    "strip_token",
]

log = logging.getLogger("reporter.graph.client")
UNREACHABLE_TRIES = 2  # connection refused: attempts before the fetch stops


# --- the client --------------------------------------------------------------------------------


@dataclass
class RetryPolicy:
    max_retries: int = 6
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    rate_limit_max_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """Exponential backoff with full jitter: uniform(0, min(max, base * 2**attempt))."""
        return self.rng.uniform(0, min(self.backoff_max, self.backoff_base * 2**attempt))


@dataclass(frozen=True)
class Response:
    body: Any
    headers: Mapping[str, str]
    status: int


BatchOutcome = dict[str, Any] | GraphError


class GraphClient:
    """One account's client: its host, its token, shared retry policy and rate gate."""

    def __init__(
        self,
        *,
        base_url: str,
        token: SecretStr,
        timeout: float,
        retry: RetryPolicy,
        session: requests.Session | None = None,
        gate: RateGate | None = None,
        slots: threading.Semaphore | None = None,
        recorder: Recorder | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.retry = retry
        self.session = session or new_session()
        self.gate = gate or RateGate()
        self._slots = slots or threading.Semaphore(64)
        self.requests_sent = 0  # HTTP requests
        # Calls as Meta's rate limits count them: "Each call within the batch is counted
        # separately for the purposes of calculating API call limits and resource limits. For
        # example, a batch of 10 API calls will count as 10 calls."
        # https://developers.facebook.com/docs/graph-api/batch-requests (Limitations)
        self.calls_counted = 0
        self._count_lock = threading.Lock()
        self.recorder = recorder  # `fetch --record`: every raw answer, redacted

    def __repr__(self) -> str:
        return f"GraphClient({self.base_url!r})"

    @property
    def _secrets(self) -> tuple[str, ...]:
        return (self._token.get_secret_value(),)

    # --- one round trip ------------------------------------------------------------------------

    def _send(self, method: str, url: str, *, calls: int = 1, **kwargs: Any) -> Response:
        """One HTTP request; ``calls``: how many calls it carries (a batch's items)."""
        self.gate.wait_before_call(self.retry.sleep)
        with self._count_lock:
            self.requests_sent += 1
            self.calls_counted += calls
        started = time.monotonic()
        try:
            with self._slots:
                answer = self.session.request(method, url, timeout=self.timeout, **kwargs)
                content = answer.content
        except requests.Timeout:
            raise TransportError(f"no answer within {self.timeout:g} s", transient=True) from None
        except requests.RequestException as error:
            if _refused(error):
                raise Unreachable(self.base_url) from None
            raise TransportError(
                f"connection failed ({type(error).__name__})", transient=True
            ) from None
        path = urlsplit(url).path
        log.debug(
            "%s %s -> %s in %.0f ms",
            method,
            path,
            answer.status_code,
            (time.monotonic() - started) * 1000,
        )
        headers = {k.lower(): v for k, v in answer.headers.items()}
        self.gate.observe(usage_percent(headers))
        if self.recorder is not None:
            self.recorder.record(method, url, params=kwargs.get("params"), form=kwargs.get("data"),
                                 status=answer.status_code, headers=headers, content=content,
                                 secrets=self._secrets)  # fmt: skip
        try:
            body = json.loads(content) if content else None
        except ValueError:
            body = None
        return Response(scrub(body, self._secrets), headers, answer.status_code)

    def _with_retries(self, call: Callable[[], Response], shape: type = dict) -> Response:
        """``call`` until it brings a body of ``shape`` (an object; a list for a batch); a
        broken answer (HTML, truncated or other JSON) is retried like a 5xx."""
        attempt = 0
        while True:
            try:
                response = call()
                if response.status < 400 and isinstance(response.body, shape):
                    return response
                error = error_from(response.body, response.status, self._secrets)
                if isinstance(error, RateLimited):
                    error.retry_after = regain_seconds(response.headers)
            except TransportError as transport:
                error = transport
            self._raise_unless_retryable(error, attempt)
            attempt += 1

    def _raise_unless_retryable(self, error: GraphError, attempt: int) -> None:
        """Sleep before the next attempt, or raise ``error`` when retrying cannot help."""
        if isinstance(error, RateLimited):
            # codes 4, 17 and 32 carry no wait in the body; only the usage headers' estimate
            # (estimated_time_to_regain_access) says when access returns, when they give one
            wait = error.retry_after
            if wait is None:
                wait = self.retry.delay(attempt + 2)  # no estimate: back off harder
            if wait > self.retry.rate_limit_max_wait or attempt >= self.retry.max_retries:
                raise error
            log.info("rate limited (code %s): waiting %.0f s", error.code, wait)
            self.retry.sleep(wait)
            self.gate.observe(0.0)  # waited as told: the usage seen while throttled is stale
            return
        if isinstance(error, Unreachable):
            # nothing listens there: one quick second try (a restarting proxy), then stop
            if attempt >= UNREACHABLE_TRIES - 1:
                raise error
            self.retry.sleep(min(self.retry.backoff_base, self.retry.delay(0)))
            return
        if not error.transient or attempt >= self.retry.max_retries:
            raise error
        log.info("transient error (%s), retry %d", error.message, attempt + 1)
        self.retry.sleep(self.retry.delay(attempt))

    # --- public calls --------------------------------------------------------------------------

    def get(self, request: Request) -> dict[str, Any]:
        url = f"{self.base_url}/{request.path}"
        headers = {"Authorization": f"Bearer {self._token.get_secret_value()}"}
        response = self._with_retries(
            lambda: self._send("GET", url, params=list(request.params), headers=headers)
        )
        body: dict[str, Any] = response.body
        return body

    def debug_token(self, version: str, input_token: SecretStr) -> dict[str, Any]:
        """Meta's ``debug_token`` for ``input_token``; this client's token must be the app token.

        The endpoint is GET-only (a POST is refused, subcode 33) and takes the inspected token
        as the ``input_token`` query parameter (logly/mureo#740, developers.facebook.com/docs/
        graph-api/reference/debug_token): the one call whose URL holds a token. We log paths
        only, and scrub the input token from anything that comes back.
        """
        secret = input_token.get_secret_value()
        request = Request(f"{version}/debug_token".lstrip("/"), (("input_token", secret),))
        try:
            body = self.get(request)
        except GraphError as error:
            error.message = scrub(error.message, (secret,))
            error.args = (error.message,)
            raise
        scrubbed: dict[str, Any] = scrub(body, (secret,))
        return scrubbed

    def refresh_instagram_token(self) -> dict[str, Any]:
        """``GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token``: a new
        long-lived token for this client's (Instagram-login) token; the answer holds it."""
        return self.get(Request("refresh_access_token", (("grant_type", "ig_refresh_token"),)))

    def pages(self, request: Request, *, max_pages: int = 1000) -> Iterator[dict[str, Any]]:
        """Every page of an edge, following ``paging.next`` until it is absent."""
        page = self.get(request)
        for _ in range(max_pages):
            yield page
            following = (page.get("paging") or {}).get("next")
            if not following:
                return
            parts = urlsplit(strip_token(str(following)))
            params = tuple(parse_qsl(parts.query, keep_blank_values=True))
            path = parts.path.lstrip("/")
            page = self.get(Request(path, params))

    def batch(self, version: str, requests_: Sequence[Request]) -> list[BatchOutcome]:
        """Up to 50 GETs in one POST; each outcome is a body or that item's error.

        Items answered ``null`` (unfinished at Meta's timeout) or with a transient error are sent
        again in a smaller batch after a backoff; the others are final.
        """
        outcomes: list[BatchOutcome | None] = [None] * len(requests_)
        pending = list(range(len(requests_)))
        attempt = 0
        while pending:
            operations = [
                {"method": "GET", "relative_url": requests_[i].relative_url} for i in pending
            ]
            form = {
                "access_token": self._token.get_secret_value(),
                "batch": json.dumps(operations),
                "include_headers": "true",
            }
            response = self._with_retries(
                functools.partial(
                    self._send,
                    "POST",
                    f"{self.base_url}/{version}/",
                    calls=len(operations),
                    data=form,
                ),
                list,
            )
            items = response.body
            retry_next: list[int] = []
            wait: float | None = None
            last: GraphError | None = None
            for position, index in enumerate(pending):
                item = items[position] if position < len(items) else None
                outcome = self._batch_item(item)
                if outcome is None or (isinstance(outcome, GraphError) and outcome.transient):
                    retry_next.append(index)
                    last = outcome if isinstance(outcome, GraphError) else last
                elif isinstance(outcome, RateLimited):
                    retry_next.append(index)
                    wait = max(wait or 0.0, outcome.retry_after or 0.0)
                    last = outcome
                else:
                    outcomes[index] = outcome
            pending = retry_next
            if not pending:
                break
            if wait is not None or attempt >= self.retry.max_retries:
                try:
                    self._raise_unless_retryable(
                        last or TransportError("batch items unfinished", transient=True), attempt
                    )
                except GraphError as final:
                    for index in pending:
                        outcomes[index] = final
                    break
            else:
                self.retry.sleep(self.retry.delay(attempt))
            attempt += 1
        return [o if o is not None else TransportError("no answer") for o in outcomes]

    def _batch_item(self, item: Any) -> BatchOutcome | None:
        if not isinstance(item, dict):
            return None
        status = int(item.get("code") or 0)
        try:
            body = json.loads(item.get("body") or "null")
        except ValueError:
            body = None
        body = scrub(body, self._secrets)
        headers = {
            str(h.get("name", "")).lower(): str(h.get("value", ""))
            for h in item.get("headers") or []
            if isinstance(h, dict)
        }
        self.gate.observe(usage_percent(headers))
        if status < 400 and isinstance(body, dict) and "error" not in body:
            return body
        error = error_from(body, status, self._secrets)
        if isinstance(error, RateLimited):
            error.retry_after = regain_seconds(headers)
        return error

    def download(
        self, url: str, *, hosts: MediaHosts, max_bytes: int, timeout: float
    ) -> tuple[str, bytes] | None:
        """A picture: (content type, bytes), or None when it is not a small image from one of
        ``hosts`` (media.py) that arrives within ``timeout`` seconds in all.

        Sent without the token (pictures live on Meta's CDN); no redirect is followed (one
        could lead anywhere); never raises.
        """
        if not hosts.allows(url):
            return None
        deadline = time.monotonic() + timeout
        try:
            with (
                self._slots,
                self.session.get(
                    url, timeout=timeout, stream=True, allow_redirects=False
                ) as answer,
            ):
                kind = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if answer.status_code != 200 or not kind.startswith("image/"):
                    return None
                declared = answer.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    return None
                data = b""  # read1: whatever has arrived, so a trickle meets the deadline
                while chunk := answer.raw.read1(64 * 1024, decode_content=True):
                    data += chunk
                    if len(data) > max_bytes or time.monotonic() > deadline:
                        return None
                return kind, data
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
            return None


def _refused(error: BaseException) -> bool:
    """Whether a connection error is "connection refused" (nothing listens at the address)."""
    seen: BaseException | None = error
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ConnectionRefusedError):
            return True
        nested = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = getattr(seen, "reason", None) or nested or seen.__cause__ or seen.__context__
    return False


def new_session(pool: int = 16) -> requests.Session:
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = "reporter"
    return session
