"""``reporter fetch --record DIR``: every answer of a run, redacted, in the replay server's
capture format (``reporter/sandbox/replay.py``), so a user's wrong numbers become a test.

The client hands each raw answer to a ``Recorder``; a GET is one exchange, a batch POST one
exchange per item (its ``relative_url``'s path and params, the item's code, headers and body), so
the capture answers batched and unbatched clients alike. Exchanges keep the order they arrived in:
a retried call appears once per attempt. What never reaches the file:

- tokens: request headers are never recorded; the ``access_token``, ``input_token``,
  ``client_secret``, ``appsecret_proof`` and ``fb_exchange_token`` params are dropped; every
  known secret (the account's token, the app token and its secret) is replaced in bodies and
  headers, token params are cut from URLs in bodies (Meta echoes the token in paging.next),
  and a body's own ``access_token`` (a page's, a refreshed one) becomes ``[REDACTED]``;
- signed CDN query strings: on ``*.cdninstagram.com``, ``*.fbcdn.net`` and ``*.fbsbx.com`` URLs
  (media_url, thumbnail_url, profile_picture_url) every query value becomes ``REDACTED``
  (``oh``/``oe`` are the signature and expiry, ``_nc_*`` the session; names are kept).

Usage headers (``x-app-usage``, ``x-business-use-case-usage``) are kept: rate-limit bugs need
them. A call that got no answer at all (timeout, dropped connection) leaves no exchange.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from reporter import __version__
from reporter.errors import UsageError
from reporter.files import atomic_write
from reporter.graph.errors import REDACTED, scrub

SECRET_PARAMS = frozenset(
    {"access_token", "input_token", "client_secret", "appsecret_proof", "fb_exchange_token"}
)
CDN_HOSTS = (".cdninstagram.com", ".fbcdn.net", ".fbsbx.com")
DROPPED_HEADERS = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive",
     "set-cookie", "authorization"}
)  # fmt: skip
SIGNED = "REDACTED"
# a URL in text ends before the punctuation that follows it ("see https://…/a.jpg?oe=1, or")
URL = re.compile(r"https?://[^\s\"'<>\\]*[^\s\"'<>\\.,;:!?)\]]")
CAPTURE_FILE = "capture.json"

NOTE = (
    "Recorded by reporter fetch --record: every answer of the run in the order it came (a "
    "retried call appears once per attempt; a batch as one exchange per item). Redacted: "
    "tokens (request headers, token parameters, token values in bodies) and the query values "
    "of signed CDN picture URLs; usage headers are kept. Replay: reporter sandbox --replay "
    "FOLDER, then fetch the same spec with the same period and clock."
)


class Recorder:
    """Collects redacted exchanges from any number of clients and threads."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = tuple(s for s in secrets if s)
        self._lock = threading.Lock()
        self.exchanges: list[dict[str, Any]] = []

    def record(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]] | None,
        form: Mapping[str, str] | None,
        status: int,
        headers: Mapping[str, str],
        content: bytes,
        secrets: Sequence[str] = (),
    ) -> None:
        """One raw answer as the client got it (``secrets``: the client's own token)."""
        hidden = (*self._secrets, *(s for s in secrets if s))
        body = _parse(content)
        parts = urlsplit(url)
        if method == "POST" and form is not None and "batch" in form and isinstance(body, list):
            found = self._batch(form["batch"], body, hidden)
        else:
            query = [*parse_qsl(parts.query, keep_blank_values=True), *(params or ())]
            found = [_exchange(method, parts.path, query, status, headers, body, hidden)]
        with self._lock:
            self.exchanges += found

    def _batch(self, text: str, items: list[Any], hidden: Sequence[str]) -> list[dict[str, Any]]:
        try:
            operations = json.loads(text)
        except ValueError:
            return []
        found = []
        for operation, item in zip(operations, items, strict=False):
            if not isinstance(item, dict) or not isinstance(operation, dict):
                continue  # null: unfinished at Meta's timeout, sent again later
            url = urlsplit(str(operation.get("relative_url", "")))
            headers = {
                str(h.get("name", "")): str(h.get("value", ""))
                for h in item.get("headers") or []
                if isinstance(h, dict) and str(h.get("name", "")).lower() != "content-type"
            }
            body = _parse(str(item.get("body") or "").encode("utf-8"))
            query = parse_qsl(url.query, keep_blank_values=True)
            status = int(item.get("code") or 0)
            found.append(_exchange("GET", url.path, query, status, headers, body, hidden))
        return found

    def write(self, directory: Path, *, source: str) -> Path:
        """The capture file in ``directory`` (checked by ``prepare_folder``), atomically."""
        with self._lock:
            exchanges = list(self.exchanges)
        document = {"source": source, "note": NOTE, "exchanges": exchanges}
        text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
        return atomic_write(directory / CAPTURE_FILE, scrub(text, self._secrets).encode("utf-8"))


def prepare_folder(directory: Path) -> None:
    """Create ``directory``; refuse a file, or a folder that already holds a capture."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--record {directory}: is a file; name a folder for the capture")
    held = sorted(directory.glob("*.json")) if directory.is_dir() else []
    if held:
        raise UsageError(
            f"--record {directory}: already holds a capture ({held[0].name}); name a new or "
            "empty folder, so one capture is one folder"
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"--record {directory}: cannot create it ({error.strerror})") from None


def source_line(command: str, now: dt.datetime) -> str:
    return f"reporter {__version__}: `{command}` at {now.isoformat()}"


def _parse(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except ValueError:
        return content.decode("utf-8", "replace")  # not JSON: kept as text, as Meta sent it


def _exchange(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    status: int,
    headers: Mapping[str, str],
    body: Any,
    hidden: Sequence[str],
) -> dict[str, Any]:
    params = {k: v for k, v in query if k not in SECRET_PARAMS}
    kept = {k: v for k, v in headers.items() if k.lower() not in DROPPED_HEADERS}
    return {
        "request": {"method": method, "path": path.lstrip("/"), "params": redact(params, hidden)},
        "response": {
            "status": status,
            "headers": redact(kept, hidden),
            "body": redact(body, hidden),
        },
    }


def redact(value: Any, secrets: Sequence[str]) -> Any:
    """``value`` with secrets, token params in URLs and CDN signatures replaced."""
    if isinstance(value, str):
        return URL.sub(lambda m: _url(m.group(0)), scrub(value, secrets))
    if isinstance(value, list):
        return [redact(v, secrets) for v in value]
    if isinstance(value, dict):
        return {
            k: REDACTED if k in SECRET_PARAMS and isinstance(v, str) else redact(v, secrets)
            for k, v in value.items()
        }
    return value


def _url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    host = (parts.hostname or "").lower()
    query = parse_qsl(parts.query, keep_blank_values=True)
    if host.endswith(CDN_HOSTS):
        kept = [(k, SIGNED) for k, _ in query]
    else:
        kept = [(k, v) for k, v in query if k not in SECRET_PARAMS]
    if kept == query:
        return url
    return urlunsplit(parts._replace(query=urlencode(kept, safe=",")))
