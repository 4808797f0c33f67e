"""A recorded Graph API: answers real HTTP requests from a capture instead of simulating Meta.

A capture is a folder of JSON files; ``reporter fetch --record DIR`` writes one, and the
conformance corpus in ``tests/conformance/`` is one written by hand from Meta's documentation and
from responses other public clients recorded. Each file holds::

    {"source": "where these bodies come from", "note": "...",
     "exchanges": [{"request": {"method": "GET", "path": "v25.0/17841405822304914/insights",
                                "params": {"metric": "reach", "period": "day"}},
                    "response": {"status": 200, "headers": {"x-app-usage": "..."},
                                 "body": {"data": [...]}}}]}

Matching, so that hand-written bodies answer the client's real requests:

- the API version is ignored (``v21.0/123/insights`` answers ``v25.0/123/insights``);
- every parameter an exchange names must be in the request with the same value (``metric``,
  ``fields`` and ``breakdown`` compare as sets of comma-separated names); parameters it does not
  name match anything; ``access_token`` and ``appsecret_proof`` are never compared;
- of the matching exchanges the one naming the most parameters wins; equals answer in file
  order, one request each, and the last repeats (a recorded retry replays as it happened).

A batch POST (``batch=[...]``, developers.facebook.com/docs/graph-api/batch-requests) is
answered item by item from the same exchanges, in Meta's envelope. A request nothing matches gets
Meta's answer for an unknown object (code 100, subcode 33) and is kept in ``unmatched``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from reporter.sandbox.server import HOST, JSON_TYPE, parse_form

VERSION = re.compile(r"^/*v\d+\.\d+(?:/|$)")
SET_PARAMS = frozenset({"metric", "fields", "breakdown"})
IGNORED_PARAMS = frozenset({"access_token", "appsecret_proof"})
BATCH_ITEM_TYPE = "text/javascript; charset=UTF-8"

# Meta's answer for a path it does not know (code 100, subcode 33; quoted in many client
# issues, e.g. facebook/facebook-python-business-sdk#591).
UNKNOWN_OBJECT = (
    "Unsupported get request. Object with ID '{node}' does not exist, cannot be loaded due to "
    "missing permissions, or does not support this operation. Please read the Graph API "
    "documentation at https://developers.facebook.com/docs/graph-api"
)


class CaptureError(ValueError):
    """A capture file that cannot be read; the message names the file."""


@dataclass(frozen=True)
class Exchange:
    path: str  # without the version or a leading slash: "17841405822304914/insights"
    params: Mapping[str, str]
    status: int
    body: Any
    headers: tuple[tuple[str, str], ...]
    file: str  # where it was read from, for messages


def bare_path(path: str) -> str:
    """``/v25.0/123/insights`` -> ``123/insights``."""
    return VERSION.sub("", path.strip()).strip("/")


def _names(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def _same(name: str, wanted: str, given: str) -> bool:
    if name in SET_PARAMS:
        return _names(wanted) == _names(given)
    return wanted == given


def load_capture(directory: Path) -> list[Exchange]:
    """Every exchange of every ``*.json`` file under ``directory``, in path order."""
    if not directory.is_dir():
        raise CaptureError(f"{directory}: not a folder of captured responses")
    files = sorted(directory.rglob("*.json"))
    if not files:
        raise CaptureError(
            f"{directory}: holds no capture (no .json file); name the folder that "
            "reporter fetch --record wrote"
        )
    exchanges: list[Exchange] = []
    for file in files:
        exchanges += read_capture_file(file)
    return exchanges


def read_capture_file(file: Path) -> list[Exchange]:
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise CaptureError(f"{file}: not a JSON capture ({error})") from None
    items = document.get("exchanges") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise CaptureError(f'{file}: expected an object with an "exchanges" list')
    return [_exchange(item, f"{file}#{n}") for n, item in enumerate(items)]


def _exchange(item: Any, where: str) -> Exchange:
    try:
        request, response = item["request"], item["response"]
        path = bare_path(str(request["path"]))
        params = {str(k): str(v) for k, v in (request.get("params") or {}).items()}
        headers = tuple((str(k), str(v)) for k, v in (response.get("headers") or {}).items())
        return Exchange(path, params, int(response["status"]), response.get("body"), headers, where)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise CaptureError(f"{where}: not a request/response pair ({error})") from None


@dataclass
class Answer:
    status: int
    body: Any
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Capture:
    """The exchanges and what was asked of them (thread-safe)."""

    exchanges: Sequence[Exchange]
    unmatched: list[str] = field(default_factory=list)
    served: dict[str, int] = field(default_factory=dict)  # Exchange.file -> times served
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str, params: Mapping[str, str]) -> Answer:
        path = bare_path(path)
        given = {k: v for k, v in params.items() if k not in IGNORED_PARAMS}
        with self._lock:
            candidates = [
                e
                for e in self.exchanges
                if e.path == path
                and all(k in given and _same(k, v, given[k]) for k, v in e.params.items())
            ]
            if not candidates:
                shown = "&".join(f"{k}={v}" for k, v in sorted(given.items()))
                self.unmatched.append(f"{path}?{shown}" if shown else path)
                return unknown_object(path)
            best = max(len(e.params) for e in candidates)
            ties = [e for e in candidates if len(e.params) == best]
            chosen = next((e for e in ties if e.file not in self.served), ties[-1])
            self.served[chosen.file] = self.served.get(chosen.file, 0) + 1
        return Answer(chosen.status, chosen.body, chosen.headers)

    def batch(self, text: str) -> Answer:
        try:
            operations = json.loads(text)
        except ValueError:
            operations = None
        if not isinstance(operations, list):
            return Answer(400, _error("The batch parameter must be a JSON array", 100))
        items: list[dict[str, Any] | None] = []
        for operation in operations:
            url = urlsplit(str((operation or {}).get("relative_url", "")))
            answer = self.answer(url.path, dict(parse_qsl(url.query, keep_blank_values=True)))
            headers = [{"name": "Content-Type", "value": BATCH_ITEM_TYPE}]
            headers += [{"name": k, "value": v} for k, v in answer.headers]
            items.append(
                {"code": answer.status, "headers": headers, "body": json.dumps(answer.body)}
            )
        return Answer(200, items)


def unknown_object(path: str) -> Answer:
    node = path.split("/")[0]
    return Answer(
        400, _error(UNKNOWN_OBJECT.format(node=node), 100, subcode=33, kind="GraphMethodException")
    )


def _error(
    message: str, code: int, *, subcode: int | None = None, kind: str = "OAuthException"
) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": kind, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error["fbtrace_id"] = "replay"
    return {"error": error}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "reporter-replay"
    sys_version = ""
    server: ReplayServer

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        if method == "POST":
            params |= parse_form(self.headers.get("Content-Type", ""), body)
        capture = self.server.capture
        if method == "POST" and bare_path(url.path) == "" and "batch" in params:
            answer = capture.batch(params["batch"])
        else:
            answer = capture.answer(url.path, params)
        payload = json.dumps(answer.body).encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", JSON_TYPE)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in answer.headers:
            if name.lower() not in ("content-type", "content-length"):
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class ReplayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, capture: Capture) -> None:
        super().__init__((HOST, port), _Handler)
        self.capture = capture

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class Replay:
    """``with Replay(load_capture(folder)) as replay:`` then point the client at
    ``replay.base_url``; ``replay.unmatched`` lists what the capture could not answer."""

    def __init__(self, exchanges: Iterable[Exchange], *, port: int = 0) -> None:
        self.capture = Capture(list(exchanges))
        self._port = port
        self._server: ReplayServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def unmatched(self) -> list[str]:
        return self.capture.unmatched

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the replay server is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self, *, background: bool = True) -> Replay:
        self._server = ReplayServer(self._port, self.capture)
        if background:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="reporter-replay",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        assert self._server is not None, "start(background=False) first"
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        if self._server is None:
            return
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()
        self._server = None

    def __enter__(self) -> Replay:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
