"""Pictures come only from Meta's CDN (or exactly the sandbox), never through a redirect, small
and in bounded time: a real local server that redirects, trickles and serves too much."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from typing import ClassVar

import pytest
from pydantic import SecretStr

from reporter.graph.client import GraphClient, RetryPolicy
from reporter.graph.media import MediaHosts

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


class _Pictures(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "/ok.png")
            self.end_headers()
            return
        if self.path == "/big.png":  # no Content-Length: the size is found out while reading
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG * 1000)
            return
        if self.path == "/slow.png":  # a trickle: a little every 50 ms, for ever
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            try:
                for _ in range(2000):
                    self.wfile.write(b"\x00" * 16)
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pictures)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Pictures.seen = []
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _client() -> GraphClient:
    return GraphClient(
        base_url="http://127.0.0.1:9", token=SecretStr("t"), timeout=5, retry=RetryPolicy()
    )


def test_a_picture_from_the_allowed_origin(server: str) -> None:
    got = _client().download(
        f"{server}/ok.png", hosts=MediaHosts.only(server), max_bytes=10_000, timeout=5
    )
    assert got == ("image/png", PNG)


def test_a_redirect_is_not_followed_even_to_an_allowed_place(server: str) -> None:
    got = _client().download(
        f"{server}/redirect", hosts=MediaHosts.only(server), max_bytes=10_000, timeout=5
    )
    assert got is None and _Pictures.seen == ["/redirect"]


def test_a_host_off_the_list_is_never_asked(server: str) -> None:
    client = _client()
    for hosts in (MediaHosts(), MediaHosts.only("http://127.0.0.1:1")):
        assert client.download(f"{server}/ok.png", hosts=hosts, max_bytes=10_000, timeout=5) is None
    assert _Pictures.seen == []


def test_an_oversized_picture_without_a_declared_length_is_dropped(server: str) -> None:
    hosts = MediaHosts.only(server)
    assert _client().download(f"{server}/big.png", hosts=hosts, max_bytes=10_000, timeout=5) is None
    assert _Pictures.seen == ["/big.png"]


def test_a_trickling_picture_is_given_up_on_its_deadline(server: str) -> None:
    hosts = MediaHosts.only(server)
    # every read returns well within the timeout: only the deadline for the whole picture ends it
    assert (
        _client().download(f"{server}/slow.png", hosts=hosts, max_bytes=10**6, timeout=0.5) is None
    )


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://scontent-lax3-2.cdninstagram.com/v/t51.71878-15/1_n.jpg", True),
        ("https://scontent.xx.fbcdn.net/v/t45.1600-4/1.jpg", True),
        ("http://scontent.cdninstagram.com/x.jpg", False),  # https only
        ("https://cdninstagram.com.evil.example/x.jpg", False),
        ("https://evilcdninstagram.com/x.jpg", False),
        ("https://user@scontent.cdninstagram.com/x.jpg", False),
        ("https://127.0.0.1/x.jpg", False),
        ("file:///etc/passwd", False),
        ("https://[::1/x.jpg", False),  # not a URL
    ],
)
def test_meta_cdn_hosts(url: str, allowed: bool) -> None:
    assert MediaHosts().allows(url) is allowed
