"""deliver/smtp.py: the message (pure) and send() against a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import ssl
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest
from pydantic import SecretStr
from support.smtp import Behaviour, SmtpServer, certificate

from reporter.deliver.smtp import (
    MessageTooLarge,
    Outgoing,
    SmtpConfig,
    SmtpFailed,
    make_message,
    send,
    smtp_config,
)
from reporter.errors import UsageError
from reporter.settings import Settings

NOW = dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.7\n" + b"x" * 5000 + b"\n.starts with a dot\n%%EOF\n"


def message(to: str = "Jürgen Groß <j@client.example>", **overrides: object) -> EmailMessage:
    values: dict[str, object] = {
        "sender": "Agentur Grün <reports@agency.example>",
        "to": [to, "b@client.example"],
        "cc": ["Zoë <z@agency.example>"],
        "subject": "Café Müller: Instagram report 2026-10",
        "text": "Hello,\n\nViews: 12.3K\n",
        "html": "<p>Views: <b>12.3K</b></p>",
        "attachment": ("Café-Müller-Instagram-2026-10.pdf", PDF),
        "date": NOW,
        "message_id": "<reporter.abc.0@agency.example>",
        "max_bytes": 1_000_000,
    }
    values.update(overrides)
    return make_message(**values)  # type: ignore[arg-type]


def test_message_has_both_alternatives_the_pdf_and_encoded_headers() -> None:
    msg = message()
    raw = bytes(msg)
    assert raw.isascii(), "every non-ASCII name and subject is encoded"
    assert "=?utf-8?q?Caf=C3=A9_M=C3=BCller" in raw.decode() or "=?utf-8?" in raw.decode()
    assert msg["Subject"] == "Café Müller: Instagram report 2026-10"
    assert msg["To"] == "Jürgen Groß <j@client.example>, b@client.example"
    assert msg["Cc"] == "Zoë <z@agency.example>"
    assert msg["Bcc"] is None
    assert msg["Date"] == "Tue, 03 Nov 2026 08:00:00 +0000"
    assert msg["Message-ID"] == "<reporter.abc.0@agency.example>"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg.get_content_type() == "multipart/mixed"
    body = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert body is not None and body.get_content() == "Hello,\n\nViews: 12.3K\n"
    assert html is not None and "<b>12.3K</b>" in html.get_content()
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "Café-Müller-Instagram-2026-10.pdf"
    assert "filename*=utf-8''Caf%C3%A9-M%C3%BCller-Instagram-2026-10.pdf" in raw.decode()
    assert attachment.get_content() == PDF


def test_a_message_over_the_size_limit_is_refused_with_its_size() -> None:
    with pytest.raises(MessageTooLarge) as caught:
        message(attachment=("big.pdf", b"x" * 30_000), max_bytes=20_000)
    assert str(caught.value) == (
        "the e-mail would be 0.0 MB (the PDF 0.0 MB), over REPORTER_MAIL_MAX_BYTES=20000; show "
        "fewer media (media.top) or raise the limit if your mail server accepts more; nothing "
        "was sent"
    )


def test_smtp_settings_are_required_to_send() -> None:
    with pytest.raises(UsageError) as caught:
        smtp_config(Settings(smtp_host="mail.example"))
    assert str(caught.value) == (
        "--send: set REPORTER_MAIL_FROM (in the environment or .env) to deliver by e-mail; "
        "nothing was fetched or sent"
    )
    config = smtp_config(Settings(smtp_host="mail.example", mail_from="r@agency.example"))
    assert (config.port, config.starttls, config.implicit_tls) == (587, True, False)
    ssl_config = smtp_config(
        Settings(smtp_host="m.example", mail_from="r@a.example", smtp_ssl=True)
    )
    assert (ssl_config.port, ssl_config.starttls, ssl_config.implicit_tls) == (465, False, True)
    assert "hunter2" not in repr(
        smtp_config(Settings(smtp_host="m", mail_from="r@a.example", smtp_password="hunter2"))
    )


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def sending(self, item: Outgoing) -> bool:
        self.events.append(("sending", item.recipient))
        return True

    def sent(self, item: Outgoing, reply: str) -> None:
        self.events.append(("sent", item.recipient))

    def failed(self, item: Outgoing, detail: str) -> None:
        self.events.append(("failed", item.recipient))


def config(server: SmtpServer, **changes: object) -> SmtpConfig:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "sender": "Agentur Grün <reports@agency.example>",
        "starttls": False,
        "timeout": 5.0,
    }
    values.update(changes)
    return SmtpConfig(**values)  # type: ignore[arg-type]


def items(*recipients: str) -> list[Outgoing]:
    return [Outgoing(r, message(message_id=f"<m.{n}@agency.example>"))
            for n, r in enumerate(recipients)]  # fmt: skip


def test_one_transaction_per_recipient_dot_stuffed_and_hooks_in_order() -> None:
    hooks = Recorder()
    with SmtpServer() as server:
        results = send(items("a@x.example", "b@x.example"), config=config(server), hooks=hooks)
    assert [(r.recipient, r.status) for r in results] == [
        ("a@x.example", "sent"),
        ("b@x.example", "sent"),
    ]
    assert hooks.events == [("sending", "a@x.example"), ("sent", "a@x.example"),
                            ("sending", "b@x.example"), ("sent", "b@x.example")]  # fmt: skip
    assert [r.recipients for r in server.received] == [["a@x.example"], ["b@x.example"]]
    assert server.received[0].sender == "reports@agency.example"
    [attachment] = list(server.received[0].message.iter_attachments())
    assert attachment.get_content() == PDF  # the line starting with "." came through intact


def test_a_refused_recipient_is_reported_and_the_others_still_go() -> None:
    hooks = Recorder()
    with SmtpServer(Behaviour(refuse={"nobody@x.example"})) as server:
        results = send(
            items("a@x.example", "nobody@x.example", "c@x.example"),
            config=config(server),
            hooks=hooks,
        )
    assert [r.status for r in results] == ["sent", "refused", "sent"]
    assert results[1].detail == "the server refused the recipient: 550 5.1.1 no such user here"
    assert ("failed", "nobody@x.example") in hooks.events
    assert ("sending", "nobody@x.example") not in hooks.events
    assert [r.recipients for r in server.received] == [["a@x.example"], ["c@x.example"]]


def test_a_connection_dropped_before_a_message_names_what_was_sent() -> None:
    hooks = Recorder()
    with (
        SmtpServer(Behaviour(drop_before_message=2)) as server,
        pytest.raises(SmtpFailed) as caught,
    ):
        send(items("a@x.example", "b@x.example", "c@x.example"), config=config(server), hooks=hooks)
    assert str(caught.value) == (
        f"the SMTP server 127.0.0.1:{server.port} closed the connection after 1 of 3 "
        "message(s); the ledger records what was delivered, and the next run sends the rest"
    )
    assert [r.status for r in caught.value.results] == ["sent", "not_sent", "not_sent"]
    assert hooks.events == [("sending", "a@x.example"), ("sent", "a@x.example")]


def test_a_connection_dropped_after_the_data_leaves_the_message_uncertain() -> None:
    hooks = Recorder()
    with SmtpServer(Behaviour(drop_after_data=1)) as server, pytest.raises(SmtpFailed) as caught:
        send(items("a@x.example", "b@x.example"), config=config(server), hooks=hooks)
    assert [r.status for r in caught.value.results] == ["unknown", "not_sent"]
    assert hooks.events == [("sending", "a@x.example")]  # no "sent", no "failed": uncertain
    assert "the message to a@x.example was handed over but not confirmed" in str(caught.value)
    assert len(server.received) == 1


def test_no_server_is_a_clear_error() -> None:
    with SmtpServer() as server:
        port = server.port
    with pytest.raises(SmtpFailed) as caught:
        send(items("a@x.example"), config=config(server, port=port, timeout=2), hooks=Recorder())
    assert str(caught.value).startswith(
        f"cannot deliver through the SMTP server 127.0.0.1:{port}: "
    )
    assert str(caught.value).endswith("; nothing was sent for this report")


def test_starttls_is_required_when_configured() -> None:
    with SmtpServer() as server, pytest.raises(SmtpFailed) as caught:
        send(items("a@x.example"), config=config(server, starttls=True), hooks=Recorder())
    assert "the server does not offer STARTTLS" in str(caught.value)
    assert server.received == []


def test_starttls_and_login_with_a_test_certificate(tmp_path: Path) -> None:
    made = certificate(tmp_path)
    if made is None:
        pytest.skip("no openssl binary to make a test certificate")
    cert, key = made
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    client_tls = ssl.create_default_context(cafile=str(cert))
    secret = "s3cret-Passw0rd"
    with SmtpServer(tls=server_tls, auth=("reports", secret)) as server:
        good = config(server, starttls=True, username="reports", password=SecretStr(secret))
        results = send(items("a@x.example"), config=good, hooks=Recorder(), context=client_tls)
        assert [r.status for r in results] == ["sent"]
        bad = config(server, starttls=True, username="reports", password=SecretStr("wrong-pw"))
        with pytest.raises(SmtpFailed) as caught:
            send(items("a@x.example"), config=bad, hooks=Recorder(), context=client_tls)
        with pytest.raises(SmtpFailed) as untrusted:  # the system's CAs do not know the test one
            send(items("a@x.example"), config=replace(good, timeout=2), hooks=Recorder())
    assert server.handler.logins[0] == ("reports", "ok")  # smtplib tries PLAIN, then LOGIN
    assert set(server.handler.logins[1:]) == {("reports", "bad")}
    assert "the server refused the login of REPORTER_SMTP_USERNAME (535" in str(caught.value)
    assert "check REPORTER_SMTP_USERNAME and REPORTER_SMTP_PASSWORD" in str(caught.value)
    assert "wrong-pw" not in str(caught.value) and secret not in str(caught.value)
    assert str(untrusted.value).endswith("; nothing was sent for this report")
    assert len(server.received) == 1
