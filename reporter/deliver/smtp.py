"""E-mail: ``make_message`` builds it (pure), ``send`` delivers it (the only smtplib user).

One message per recipient, one SMTP transaction each, all over one connection per report: the
ledger can then say of every recipient whether the server confirmed it (see store/ledger.py).
``send`` drives MAIL, RCPT and DATA itself rather than through ``sendmail`` so it knows the
moment the message could first be accepted and tells the caller through ``Hooks``: ``sending``
just before the DATA command (the ledger's claim: another host may hold the recipient, and then
the transaction is reset with nothing sent), and when the server's 250 arrives.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr
from typing import Literal, Protocol

from pydantic import SecretStr

from reporter.errors import ReporterError, Terminated, UsageError
from reporter.settings import Settings

Status = Literal["sent", "refused", "not_sent", "unknown"]
ELSEWHERE = (
    "another run is delivering it to this recipient (the ledger's claim); not sent from here"
)


class MessageTooLarge(ReporterError):
    pass


class SmtpFailed(ReporterError):
    """The connection failed or was lost; ``results`` says what happened to each message."""

    def __init__(self, message: str, results: Sequence[Result] = ()) -> None:
        super().__init__(message)
        self.results = list(results)


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str  # the From header, as configured
    username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    starttls: bool = True
    implicit_tls: bool = False
    timeout: float = 60.0
    max_bytes: int = 20_000_000

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1]

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def smtp_config(settings: Settings) -> SmtpConfig:
    """The SMTP settings `--send` needs, or a usage error naming the missing ones."""
    missing = [n for n in ("smtp_host", "mail_from") if not getattr(settings, n)]
    if missing:
        names = " and ".join(f"REPORTER_{n.upper()}" for n in missing)
        raise UsageError(
            f"--send: set {names} (in the environment or .env) to deliver by e-mail; "
            "nothing was fetched or sent"
        )
    if (
        settings.smtp_ssl
        and settings.smtp_starttls
        and "smtp_starttls" in (settings.model_fields_set)
    ):
        raise UsageError(
            "REPORTER_SMTP_SSL and REPORTER_SMTP_STARTTLS are both on; choose one "
            "(SSL: port 465, STARTTLS: port 587)"
        )
    sender = str(settings.mail_from)
    if "@" not in parseaddr(sender)[1]:
        raise UsageError(f"REPORTER_MAIL_FROM: not an e-mail address: {sender!r}")
    return SmtpConfig(
        host=str(settings.smtp_host),
        port=settings.smtp_port or (465 if settings.smtp_ssl else 587),
        sender=sender,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls and not settings.smtp_ssl,
        implicit_tls=settings.smtp_ssl,
        timeout=settings.smtp_timeout,
        max_bytes=settings.mail_max_bytes,
    )


def make_message(
    *,
    sender: str,
    to: Sequence[str],
    cc: Sequence[str],
    subject: str,
    text: str,
    html: str,
    attachment: tuple[str, bytes],
    date: dt.datetime,
    message_id: str,
    max_bytes: int,
) -> EmailMessage:
    """The message: text and HTML alternatives, the PDF attached. Non-ASCII names and subjects
    are RFC 2047-encoded and the file name RFC 2231-encoded by the ``email`` package. Bcc
    recipients appear in no header."""
    message = EmailMessage()
    message["From"] = _address(sender)
    message["To"] = [_address(a) for a in to]
    if cc:
        message["Cc"] = [_address(a) for a in cc]
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    name, data = attachment
    message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    size = len(wire_bytes(message))
    if size > max_bytes:
        raise MessageTooLarge(
            f"the e-mail would be {size / 1e6:.1f} MB (the PDF {len(data) / 1e6:.1f} MB), over "
            f"REPORTER_MAIL_MAX_BYTES={max_bytes}; show fewer media (media.top) or raise the "
            "limit if your mail server accepts more; nothing was sent"
        )
    return message


def _address(text: str) -> Address:
    name, address = parseaddr(text)
    return Address(display_name=name, addr_spec=address)


def wire_bytes(message: EmailMessage) -> bytes:
    return message.as_bytes(policy=SMTP_POLICY)


# --- sending --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    recipient: str  # the envelope recipient
    message: EmailMessage


@dataclass(frozen=True)
class Result:
    recipient: str
    status: Status
    detail: str = ""


class Hooks(Protocol):
    def sending(self, item: Outgoing) -> bool: ...  # the claim, before the data: False: not ours
    def sent(self, item: Outgoing, reply: str) -> None: ...  # the server's 250
    def failed(self, item: Outgoing, detail: str) -> None: ...  # definitely not delivered


class _Lost(Exception):
    def __init__(self, detail: str, status: Status) -> None:
        super().__init__(detail)
        self.status = status


def send(
    items: Sequence[Outgoing],
    *,
    config: SmtpConfig,
    hooks: Hooks,
    context: ssl.SSLContext | None = None,
) -> list[Result]:
    """Deliver each message to its one recipient over one connection. A refused recipient is
    a result (the others still go); a failed or lost connection raises ``SmtpFailed``."""
    tls = context or ssl.create_default_context()
    try:
        connection = _connect(config, tls)
    except (OSError, smtplib.SMTPException) as error:
        raise SmtpFailed(
            f"cannot deliver through the SMTP server {config.where}: {_why(error)}; "
            "nothing was sent for this report"
        ) from None
    results: list[Result] = []
    try:
        for item in items:
            try:
                results.append(_transaction(connection, item, config, hooks))
            except (_Lost, OSError, smtplib.SMTPServerDisconnected) as error:
                status: Status = error.status if isinstance(error, _Lost) else "not_sent"
                results.append(Result(item.recipient, status, str(error)))
                results += [Result(i.recipient, "not_sent") for i in items[len(results) :]]
                raise SmtpFailed(_lost_message(config, results, item, status), results) from None
    except (KeyboardInterrupt, Terminated):
        connection.close()  # stopping now: no QUIT, whose answer may be a timeout away
        raise
    finally:
        try:
            if connection.sock is not None:
                connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
    return results


PREFLIGHT_TIMEOUT = 15.0  # seconds: a wrong host or port fails before anything is fetched


def preflight(config: SmtpConfig, *, context: ssl.SSLContext | None = None) -> None:
    """Connect, EHLO, STARTTLS and log in as configured, then QUIT: wrong SMTP settings fail in
    seconds, with the setting to change, before minutes of fetching and rendering."""
    quick = dataclasses.replace(config, timeout=min(config.timeout, PREFLIGHT_TIMEOUT))
    try:
        connection = _connect(quick, context or ssl.create_default_context())
    except (OSError, smtplib.SMTPException) as error:
        raise UsageError(
            f"--send: the SMTP server {config.where}: {_why(error)}{_fix(error)}; nothing was "
            "fetched or sent"
        ) from None
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


def _fix(error: BaseException) -> str:
    """The setting to change, unless the error's own text names it."""
    text = str(error)
    if "REPORTER_" in text:
        return ""
    if isinstance(error, ssl.SSLError):
        return (
            "; check REPORTER_SMTP_SSL and REPORTER_SMTP_PORT (implicit TLS: port 465, "
            "STARTTLS: port 587)"
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "; check REPORTER_SMTP_PORT and REPORTER_SMTP_SSL (port 465 needs SSL)"
    return "; check REPORTER_SMTP_HOST and REPORTER_SMTP_PORT"


def _connect(config: SmtpConfig, tls: ssl.SSLContext) -> smtplib.SMTP:
    connection: smtplib.SMTP
    if config.implicit_tls:
        connection = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=tls)
    else:
        connection = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        connection.ehlo()
        if config.starttls:
            if not connection.has_extn("starttls"):
                raise smtplib.SMTPNotSupportedError(
                    "the server does not offer STARTTLS (set REPORTER_SMTP_STARTTLS=false only "
                    "for a relay on this machine)"
                )
            connection.starttls(context=tls)
            connection.ehlo()
        if config.username:
            password = config.password.get_secret_value() if config.password else ""
            try:
                connection.login(config.username, password)
            except smtplib.SMTPAuthenticationError as error:
                raise smtplib.SMTPException(
                    f"the server refused the login of REPORTER_SMTP_USERNAME ({error.smtp_code} "
                    f"{_text(error.smtp_error)}); check REPORTER_SMTP_USERNAME and "
                    "REPORTER_SMTP_PASSWORD"
                ) from None
    except BaseException:
        connection.close()
        raise
    return connection


def _transaction(
    connection: smtplib.SMTP, item: Outgoing, config: SmtpConfig, hooks: Hooks
) -> Result:
    for what in ("the sender", "the recipient", "the message"):
        if what == "the sender":
            code, reply = connection.mail(config.sender_address)
        elif what == "the recipient":
            code, reply = connection.rcpt(item.recipient)
        elif not hooks.sending(item):  # claimed just before DATA, so it can still be undone
            connection.rset()
            return Result(item.recipient, "not_sent", ELSEWHERE)
        else:
            code, reply = connection.docmd("DATA")
        if code not in ((354,) if what == "the message" else (250, 251)):
            detail = f"the server refused {what}: {code} {_text(reply)}"
            hooks.failed(item, detail)
            connection.rset()
            return Result(item.recipient, "refused", detail)
    payload = _dot_stuffed(wire_bytes(item.message))
    try:
        connection.send(payload)
    except smtplib.SMTPServerDisconnected as error:
        hooks.failed(item, "the connection was lost before the whole message was sent")
        raise _Lost(str(error), "not_sent") from None
    try:
        code, reply = connection.getreply()
    except smtplib.SMTPServerDisconnected as error:
        # The data and its end marker went out; the server may have taken the message.
        raise _Lost(str(error), "unknown") from None
    if code != 250:
        detail = f"the server rejected the message: {code} {_text(reply)}"
        hooks.failed(item, detail)
        return Result(item.recipient, "refused", detail)
    hooks.sent(item, f"{code} {_text(reply)}")
    return Result(item.recipient, "sent", f"{code} {_text(reply)}")


def _dot_stuffed(data: bytes) -> bytes:
    """RFC 5321 4.5.2: a line starting with "." gets another; then the end marker."""
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


def _why(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return str(error) or type(error).__name__


def _lost_message(
    config: SmtpConfig, results: Sequence[Result], item: Outgoing, status: Status
) -> str:
    sent = sum(r.status == "sent" for r in results)
    text = (
        f"the SMTP server {config.where} closed the connection after {sent} of {len(results)} "
        "message(s); the ledger records what was delivered, and the next run sends the rest"
    )
    if status == "unknown":
        text += (
            f"; the message to {item.recipient} was handed over but not confirmed: the next "
            "run holds it (it may have arrived) until you rerun with --resend"
        )
    return text
