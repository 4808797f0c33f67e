"""The HTTP side: a stdlib ``ThreadingHTTPServer`` bound to 127.0.0.1 only, parsing requests
(query, form or multipart body, ``Authorization: Bearer``), injecting faults and latency, and
serving the sandbox's own PNG images under ``/_media/``."""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import functools
import socket
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from reporter.sandbox import batch, errors, images
from reporter.sandbox.counter import RequestLog
from reporter.sandbox.router import Result, Router, dump, endpoint_of, split_version

HOST = "127.0.0.1"
JSON_TYPE = "application/json; charset=UTF-8"
GATEWAY_PAGE = b"<html><body><h1>503 Service Unavailable</h1>No server is available.</body></html>"
PROXY_PAGE = b"<html><head><title>Sign in to the network</title></head><body>Log in</body></html>"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


@dataclass
class HttpResponse:
    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: list[tuple[str, str]] = field(default_factory=list)
    drop: bool = False
    delay: float = 0.0
    account_id: str = ""  # whose token the request carried (the request log)


def parse_form(content_type: str, body: bytes) -> dict[str, str]:
    if not body:
        return {}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        form = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                payload = part.get_payload(decode=True)
                form[name] = payload.decode() if isinstance(payload, bytes) else ""
        return form
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


class App:
    """Everything one HTTP request needs; shared by all handler threads."""

    def __init__(self, router: Router, latency_ms: int = 0) -> None:
        self.router = router
        self.latency_ms = latency_ms
        self.log = RequestLog()
        self._png = functools.lru_cache(maxsize=4096)(images.png)  # per server, not global

    def respond(self, method: str, target: str, headers: Any, body: bytes) -> HttpResponse:
        url = urlsplit(target)
        if url.path.startswith("/_media/"):
            self.router.counter.record("media_file")
            return self._media_file(url.path.removeprefix("/_media/"))
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        form = parse_form(headers.get("Content-Type", ""), body) if method == "POST" else {}
        params = {**query, **form}
        # Bearer: graph.facebook.com accepts it (restfb/restfb#1107); for graph.instagram.com it
        # is undocumented (reference: verify; searched 2026, nothing either way), and the old
        # api.instagram.com refused it (thephpleague/oauth2-instagram#6). Served here for both.
        auth = headers.get("Authorization", "")
        bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        response = self._api(method, url.path, params, bearer, "access_token" in query)
        response.account_id = self.router.tokens.owner(params.get("access_token") or bearer)
        return response

    def _api(
        self, method: str, path: str, params: dict[str, str], bearer: str | None, in_url: bool
    ) -> HttpResponse:
        version, rest, _ = split_version(path or "/", self.router.latest)
        is_batch = method == "POST" and rest == "" and "batch" in params
        delay = self.latency_ms / 1000
        fault = self.router.faults.draw()
        if fault in ("http500", "http503", "transient", "drop"):
            endpoint = "batch" if is_batch else endpoint_of(rest.split("/"), self.router.world)
            self.router.counter.record(endpoint)
            return self._fault(fault, delay)
        if fault == "slow":
            delay += self.router.faults.slow_seconds
        if is_batch:
            result = batch.run(self.router, params, bearer)
        else:
            if method == "POST" and params.get("method", "").upper() == "GET":
                method = "GET"
            result = self.router.call(
                method,
                f"/{version}/{rest}",
                params,
                token=params.get("access_token") or bearer,
                token_in_url=in_url,
            )
        return self._corrupted(self._json(result, delay))

    def _corrupted(self, response: HttpResponse) -> HttpResponse:
        kind = self.router.faults.draw_corrupt()
        if kind is None:
            return response
        if kind == "html200":
            return HttpResponse(200, PROXY_PAGE, "text/html; charset=utf-8", delay=response.delay)
        body = response.body[: len(response.body) // 2] if kind == "truncated" else b'"ok"'
        return HttpResponse(response.status, body, headers=response.headers, delay=response.delay)

    def _json(self, result: Result, delay: float) -> HttpResponse:
        return HttpResponse(
            result.status,
            dump(result.payload).encode("ascii"),
            headers=result.headers,
            delay=delay,
        )

    def _fault(self, kind: str, delay: float) -> HttpResponse:
        if kind == "drop":
            return HttpResponse(0, b"", drop=True, delay=delay)
        if kind == "http503":
            return HttpResponse(503, GATEWAY_PAGE, "text/html; charset=utf-8", delay=delay)
        error = errors.transient(1 if kind == "http500" else 2)
        return self._json(Result(error.status, error.payload(kind)), delay)

    def _media_file(self, name: str) -> HttpResponse:
        now = self.router.clock.now()
        if name.startswith("profile/") and name.endswith(".png"):
            account_id = name.removeprefix("profile/").removesuffix(".png")
            if self.router.world.account(account_id):
                return HttpResponse(200, self._png(f"profile|{account_id}"), "image/png")
            return HttpResponse(404, b"Not Found", "text/plain")
        stem, _, suffix = name.rpartition(".")
        media_id = stem.removesuffix("_thumb")
        item = self.router.world.find_media(media_id, now)
        if item is None or item.image == "missing":
            return HttpResponse(404, b"<html><body>Not Found</body></html>", "text/html")
        if item.image == "html":
            return HttpResponse(200, images.BROKEN_HTML, "text/html; charset=utf-8")
        if suffix == "mp4" and item.is_video:
            return HttpResponse(200, MP4, "video/mp4")
        if suffix == "png":
            return HttpResponse(200, self._png(f"{self.router.world.seed}|{stem}"), "image/png")
        return HttpResponse(404, b"Not Found", "text/plain")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK stall every keep-alive answer by ~40 ms
    disable_nagle_algorithm = True
    server_version = "reporter-sandbox"
    sys_version = ""
    server: SandboxServer

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        started = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        response = self.server.app.respond(method, self.path, self.headers, body)
        if response.delay:
            time.sleep(response.delay)
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            self.server.app.log.add(response.account_id, started)
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "private, no-cache, no-store, must-revalidate")
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)
        self.server.app.log.add(response.account_id, started)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the banner says where it listens; requests are counted, not logged


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, port: int, app: App) -> None:
        super().__init__((HOST, port), Handler)
        self.app = app

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up mid-answer is not the sandbox's problem
