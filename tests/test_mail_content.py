"""The e-mail's words: subject, the user's message template, text and HTML (autoescaped)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reporter import catalogue
from reporter.deliver.content import Headline, MessageTemplateError, compose
from reporter.periods import Period
from reporter.render.model import Kpi
from reporter.spec.models import Spec
from reporter.spec.validate import validate_file

OCTOBER = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
FIGURES = Headline(
    title="Monthly report",
    client="Acme <Coffee>",
    account="Acme & Co",
    period="October 2026",
    comparison="September 2026",
    kpis=(
        Kpi("views", "Views", "12.3K", "12,345", True, delta_percent="+7.1%", trend="up"),
        Kpi("reach", "Accounts reached", "n/a", "n/a", False, reason="fewer than 100 followers"),
    ),
    highlights=("Views rose 7.1% <b>to</b> 12.3K.",),
    color="#1F3A5F",
    author="Agentur Grün",
    lang="en",
)


def spec(**delivery: object) -> Spec:
    return Spec.model_validate(
        {
            "report": {"client": "Acme <Coffee>"},
            "accounts": [{"id": "1", "name": "Acme & Co", "token_env": "T"}],
            "delivery": {"to": ["a@b.example"], **delivery},
        }
    )


def test_default_text_and_escaped_html() -> None:
    s = spec(subject="{client}: {account} {year}/{month}\n({period})")
    body = compose(s, s.accounts[0], OCTOBER, FIGURES, spec_dir=Path("."))
    assert body.subject == "Acme <Coffee>: Acme & Co 2026/10 (October 2026)"
    assert body.attachment_name == "Acme-Co-Instagram-2026-10.pdf"
    assert body.text.splitlines()[:9] == [
        "Hello,",
        "",
        "attached is the Instagram report for Acme & Co for October 2026, compared with "
        "September 2026.",
        "",
        "Monthly report: Acme & Co, October 2026",
        "- Views: 12.3K (+7.1% vs September 2026)",
        "- Accounts reached: n/a",
        "",
        "* Views rose 7.1% <b>to</b> 12.3K.",
    ]
    assert "Acme &amp; Co" in body.html and "&lt;b&gt;to&lt;/b&gt;" in body.html
    assert "<b>to</b>" not in body.html
    assert "fewer than 100 followers" in body.html


def test_the_users_message_template(tmp_path: Path) -> None:
    (tmp_path / "mail.txt.j2").write_text(
        "Dear {{ client }},\n\nviews: {{ kpi.views.value }} ({{ kpi.views.delta_percent }}).\n"
        "\nBest,\nthe <agency>\n"
    )
    s = spec(message="mail.txt.j2")
    body = compose(s, s.accounts[0], OCTOBER, FIGURES, spec_dir=tmp_path, sandbox=True)
    assert body.subject.startswith("[sandbox] ")
    assert body.text.startswith(
        "This report was made from the sandbox: its figures are simulated.\n\n"
        "Dear Acme <Coffee>,\n\nviews: 12.3K (+7.1%).\n"
    )
    assert '<p style="margin:0 0 12px 0;">Best,\nthe &lt;agency&gt;</p>' in body.html
    (tmp_path / "mail.txt.j2").write_text("{{ kpi.follows.value }}")
    with pytest.raises(MessageTemplateError) as caught:
        compose(s, s.accounts[0], OCTOBER, FIGURES, spec_dir=tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'mail.txt.j2'}: delivery.message: ")
    assert "'dict object' has no attribute 'follows'" in str(caught.value)


def test_validate_checks_the_message_file_and_the_pdf(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(
        '[report]\nclient = "Acme"\n[[accounts]]\nid = "1"\nname = "A"\ntoken_env = "T"\n'
        '[output]\nformats = ["html"]\n[delivery]\nto = ["a@b.example"]\nmessage = "mail.j2"\n'
    )
    now = dt.datetime(2026, 11, 3, 12, tzinfo=dt.UTC)
    result = validate_file(path, now=now, catalogue=catalogue.load())
    found = [(d.code, d.line, d.message) for d in result.diagnostics if d.severity == "error"]
    assert found == [
        ("delivery-without-pdf", 8, '[delivery] e-mails the PDF, but output.formats has no "pdf"'),
        ("message-not-found", 11, 'no message template "mail.j2" next to the spec'),
    ]
