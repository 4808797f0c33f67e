"""A real SMTP server on loopback (aiosmtpd) that records what it accepts and misbehaves on cue:
refuse a recipient, drop the connection before a message or after taking one, block (for a
``kill -9`` from outside), STARTTLS and AUTH with a throwaway certificate."""

from __future__ import annotations

import asyncio
import email
import email.policy
import errno
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Behaviour:
    refuse: set[str] = field(default_factory=set)  # recipients answered 550
    drop_before_message: int | None = None  # close at the MAIL of the n-th message (1-based)
    drop_after_data: int | None = None  # take the n-th message, then close before the 250
    block_rcpt: int | None = None  # signal, then hang at the RCPT of the n-th message
    block_data: int | None = None  # take the n-th message, signal, then hang before the 250
    on_rcpt: Callable[[str], None] | None = None  # called with each recipient at its RCPT


class Handler:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.received: list[Received] = []
        self.mails = 0
        self.blocked = threading.Event()
        self.logins: list[tuple[str, str]] = []

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:  # fmt: skip
        self.mails += 1
        if self.behaviour.drop_before_message == self.mails:
            server.transport.close()
            return "421 closing"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:  # fmt: skip
        if address.lower() in self.behaviour.refuse:
            return "550 5.1.1 no such user here"
        if self.behaviour.on_rcpt is not None:
            self.behaviour.on_rcpt(address.lower())
        if self.behaviour.block_rcpt == self.mails:
            self.blocked.set()
            await asyncio.sleep(60)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      bytes(envelope.original_content)))  # fmt: skip
        if self.behaviour.drop_after_data == self.mails:
            server.transport.close()
            return "421 closing"
        if self.behaviour.block_data == self.mails:
            self.blocked.set()
            await asyncio.sleep(60)
        return "250 2.0.0 queued"

    def by_recipient(self) -> dict[str, list[Received]]:
        found: dict[str, list[Received]] = {}
        for item in self.received:
            for rcpt in item.recipients:
                found.setdefault(rcpt.lower(), []).append(item)
        return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    def __init__(self, behaviour: Behaviour | None = None, *, tls: ssl.SSLContext | None = None,
                 auth: tuple[str, str] | None = None) -> None:  # fmt: skip
        self.handler = Handler(behaviour or Behaviour())
        self.port = free_port()
        extra: dict[str, Any] = {}
        if tls is not None:
            extra.update(tls_context=tls, require_starttls=True)
        if auth is not None:
            user, password = auth

            def check(server: Any, session: Any, envelope: Any, mechanism: str,
                      data: Any) -> AuthResult:  # fmt: skip
                ok = isinstance(data, LoginPassword) and (
                    data.login.decode(),
                    data.password.decode(),
                ) == (user, password)
                self.handler.logins.append((data.login.decode(), "ok" if ok else "bad"))
                return AuthResult(success=ok, handled=False)  # handled=False: say 535

            extra.update(authenticator=check, auth_required=True)
        self._extra = extra
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **extra)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def env(self) -> dict[str, str]:
        return {
            "REPORTER_SMTP_HOST": "127.0.0.1",
            "REPORTER_SMTP_PORT": str(self.port),
            "REPORTER_SMTP_STARTTLS": "false",
            "REPORTER_MAIL_FROM": "Agentur Grün <reports@agency.example>",
        }

    def __enter__(self) -> SmtpServer:
        for attempt in range(3):
            try:
                self.controller.start()
                return self
            except OSError as error:
                # free_port() let the port go; a test in another xdist worker may have bound it
                # since. Another port then (the tests read it from env(), after this).
                if error.errno != errno.EADDRINUSE or attempt == 2:
                    raise
                self.port = free_port()
                self.controller = Controller(
                    self.handler, hostname="127.0.0.1", port=self.port, **self._extra
                )
        raise AssertionError("unreachable")

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def certificate(folder: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate for 127.0.0.1 made with the openssl binary (None without it)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key
