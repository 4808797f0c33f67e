"""What an e-mail says: the report's headline figures (the KPI cards of its summary page), the
subject, the user's message template and the packaged text and HTML templates. Pure: values in,
strings out; the message itself is put together in smtp.py.

The spec's ``delivery.message`` is the user's own text (a Jinja template next to the spec,
rendered in Jinja's sandbox with strict undefined names). It is plain text: escaped in the HTML
part like every other value, split into paragraphs at blank lines.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.sandbox

from reporter.catalogue import Catalogue
from reporter.dataset import Dataset
from reporter.errors import ReporterError, UsageError
from reporter.periods import Period
from reporter.render.inert import printable
from reporter.render.model import Kpi
from reporter.spec.models import Account, Delivery, Spec

if TYPE_CHECKING:
    from reporter.render.rollup import Written  # the roll-up's renderer, loaded where it draws

DEFAULT_SUBJECT = Delivery.model_fields["subject"].default


@dataclass(frozen=True)
class Headline:
    """The figures an e-mail shows: a short summary, not the report."""

    title: str
    client: str
    account: str
    period: str  # as the report writes it: "October 2026"
    comparison: str | None
    kpis: tuple[Kpi, ...]
    highlights: tuple[str, ...]
    color: str
    author: str | None
    lang: str


@dataclass(frozen=True)
class Body:
    subject: str
    text: str
    html: str
    attachment_name: str


def headline(
    spec: Spec,
    account: Account,
    current: Dataset,
    previous: Dataset | None,
    *,
    now: dt.datetime,
    catalogue: Catalogue,
) -> Headline:
    """The summary page's KPI cards and highlights, built by the report's own section builder
    so the e-mail and the PDF always show the same figures."""
    from reporter.render.report import make_inputs
    from reporter.render.sections import summary

    inputs = make_inputs(
        spec, account, current, previous, thumbnails={}, now=now, catalogue=catalogue
    )
    branding = inputs.branding
    page = summary.build(inputs)
    return Headline(
        title=inputs.report_title,
        client=spec.report.client,
        account=account.name,
        period=inputs.period_label,
        comparison=inputs.comparison_label,
        kpis=page.kpis,
        highlights=tuple(h.text for h in page.highlights),
        color=branding.primary_color,
        author=branding.author,
        lang=spec.report.locale.split("_")[0],
    )


def rollup_headline(spec: Spec, written: Written) -> Headline:
    """The figures of a roll-up's e-mail: the roll-up's own KPI cards (the sums that may be
    added), under the roll-up's name."""
    assert spec.rollup is not None
    first = written.first
    return Headline(
        title=first.report_title,
        client=spec.report.client,
        account=spec.rollup.name,
        period=first.period_label,
        comparison=first.comparison_label,
        kpis=written.kpis,
        highlights=(),
        color=first.branding.primary_color,
        author=first.branding.author,
        lang=spec.report.locale.split("_")[0],
    )


def subject(spec: Spec, account: Account, period: Period, *, sandbox: bool) -> str:
    """``delivery.subject`` filled in, on one line: ``{period}`` as the report writes it
    ("October 2026", in the report's locale), not the file names' 2026-10."""
    from reporter.render.formatting import Formatter

    fmt = Formatter(spec.report.locale, spec.report.timezone)
    # the default subject is in the catalogue; a spec's own pattern is not and stays as written
    pattern = fmt.gettext(spec.delivery.subject if spec.delivery else DEFAULT_SUBJECT)
    text = pattern.format(
        client=spec.report.client,
        account=account.name,
        period=fmt.period(period),
        year=f"{period.since:%Y}",
        month=f"{period.since:%m}",
    )
    text = " ".join(printable(text).split())
    return f"[sandbox] {text}" if sandbox else text


def attachment_name(account: Account, period: Period) -> str:
    """``Acme-Coffee-Roasters-Instagram-2026-10.pdf``."""
    from reporter.render.write import slug

    return f"{slug(account.name)}-Instagram-{period.label.replace('..', '_to_')}.pdf"


def compose(
    spec: Spec,
    account: Account,
    period: Period,
    figures: Headline,
    *,
    spec_dir: Path,
    sandbox: bool = False,
) -> Body:
    """Subject, text and HTML of one report's e-mail, in the report's language."""
    from reporter.render.translations import template_callables, translations

    tr = translations(spec.report.locale)
    words = template_callables(tr)
    values: dict[str, Any] = {
        "client": figures.client,
        "account": figures.account,
        "period": figures.period,
        "comparison": figures.comparison,
        "kpis": figures.kpis,
        "kpi": {k.metric: k for k in figures.kpis},
        "highlights": figures.highlights,
        "title": figures.title,
    }
    message = spec.delivery.message if spec.delivery else None
    if message is not None:
        path = spec_dir / message
        try:
            intro = _user_template(path).render(values).strip()
        except jinja2.TemplateError as error:
            raise MessageTemplateError(
                f"{path}: delivery.message: {error}; the template may use client, account, "
                "period, comparison, title, kpis, kpi.<metric> and highlights"
            ) from None
    else:
        intro = _packaged().get_template("greeting.txt.j2").render(values, **words).strip()
    if sandbox:
        intro = (
            tr.gettext("This report was made from the sandbox: its figures are simulated.")
            + "\n\n"
            + intro
        )
    name = attachment_name(account, period)
    common = {
        **values,
        "intro": intro,
        "intro_paragraphs": [p.strip() for p in re.split(r"\n\s*\n", intro) if p.strip()],
        "attachment": name,
        "author": figures.author,
        "color": figures.color,
        "lang": figures.lang,
        **words,
    }
    return Body(
        subject=subject(spec, account, period, sandbox=sandbox),
        # The figures came through ``make_inputs`` (Meta's text already printable); the user's
        # message and the spec's names are made printable here, where the e-mail is finished.
        text=printable(_packaged().get_template("message.txt.j2").render(common).strip() + "\n"),
        html=printable(_packaged().get_template("message.html.j2").render(common)),
        attachment_name=name,
    )


def check_message_template(spec: Spec, spec_dir: Path) -> None:
    """Before anything is fetched: the user's message template exists and parses."""
    message = spec.delivery.message if spec.delivery else None
    if message is not None:
        _user_template(spec_dir / message)


@functools.lru_cache(maxsize=1)
def _packaged() -> jinja2.Environment:
    from reporter.render import translations
    from reporter.render.environment import packaged_root

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(packaged_root() / "email"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return translations.install(env)  # compose() passes the report's gettext in the context


class MessageTemplateError(ReporterError):
    pass


def _user_template(path: Path) -> jinja2.Template:
    env = jinja2.sandbox.SandboxedEnvironment(
        autoescape=False, undefined=jinja2.StrictUndefined, trim_blocks=True
    )
    try:
        return env.from_string(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"delivery.message: cannot read {path}: {error.strerror}") from None
    except jinja2.TemplateSyntaxError as error:
        raise UsageError(f"{path}:{error.lineno}: delivery.message: {error.message}") from None
