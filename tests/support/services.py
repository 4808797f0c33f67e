"""The machine's real services for the tests that need them: Redis (and PostgreSQL), by the URL
in REPORTER_TEST_REDIS_URL (REPORTER_TEST_POSTGRES_URL) or on loopback's standard port. Where
none answers, a test skips with the reason, except under CI=true, where it fails: CI's machine
runs them."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest

REDIS_URL = os.environ.get("REPORTER_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _answers(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port),
                                      timeout=2):  # fmt: skip
            return True
    except OSError:
        return False


def redis_url(db: int) -> str:
    """A Redis database of its own for a test (``db`` 1-15), emptied first."""
    if not _answers(REDIS_URL, 6379):
        reason = f"no Redis server at {REDIS_URL} (set REPORTER_TEST_REDIS_URL)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + ": CI runs one")
        pytest.skip(reason)
    import redis

    url = urlsplit(REDIS_URL)._replace(path=f"/{db}").geturl()
    redis.Redis.from_url(url).flushdb()
    return url
