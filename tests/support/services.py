"""The machine's real services for the tests that need them: Redis (and PostgreSQL), by the URL
in REPORTER_TEST_REDIS_URL (REPORTER_TEST_POSTGRES_URL) or on loopback's standard port. Where
none answers, a test skips with the reason, except under CI=true, where it fails: CI's machine
runs them."""

from __future__ import annotations

import os
import socket
import uuid
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


def redis_url() -> tuple[str, str]:
    """The Redis server's URL and a namespace of this test's own (REPORTER_BROKER_NAMESPACE):
    runs on one machine (CI beside a developer's run) never take each other's tasks."""
    if not _answers(REDIS_URL, 6379):
        reason = f"no Redis server at {REDIS_URL} (set REPORTER_TEST_REDIS_URL)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + ": CI runs one")
        pytest.skip(reason)
    return REDIS_URL, f"test-{uuid.uuid4().hex[:12]}"
