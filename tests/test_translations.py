"""Issue 12, §4: the message catalogues. Every message the code and templates have is in the
German, French and Spanish catalogues, translated, with the same placeholders; the committed
.mo files are the .po files compiled; a message a catalogue lacks stays English."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from support import render as rs

from reporter.dataset import Unavailable
from reporter.render import build_html, translations
from reporter.render.formatting import Formatter

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "reporter" / "locale"
LANGUAGES = ("de", "fr", "es")
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s")


def _po(lang: str) -> object:
    with (LOCALE / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    """What ``pybabel extract -F babel.cfg -k N_`` finds today (README, "Translations")."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords)
    return {_key(message) for _, _, message, _, _ in found}


def test_the_extraction_finds_the_report_the_mail_and_the_metric_catalogues(
    extracted: set[str],
) -> None:
    assert {"Summary", "Contents", "Hello,", "{count} post", "Instagram report"} <= extracted
    assert {"Accounts reached", "Engagement rate", "Follows"} <= extracted  # metrics.toml & co.
    assert len(extracted) > 300


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(lang: str, extracted: set[str]) -> None:
    catalog = _po(lang)
    translated = {}
    for message in catalog:  # type: ignore[attr-defined]
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        assert all(strings), f"{lang}: {message.id!r} has no translation"
        assert "fuzzy" not in message.flags, f"{lang}: {message.id!r} is fuzzy"
        wanted = {p for i in ids for p in PLACEHOLDER.findall(i)}
        for text in strings:
            got = set(PLACEHOLDER.findall(text))
            # a singular may drop {count} ("one month before"), never add or misspell one
            assert got <= wanted and (got == wanted or len(ids) > 1), (lang, message.id, text)
        translated[_key(message.id)] = strings
    missing = extracted - translated.keys()
    assert not missing, f"{lang}: not in the catalogue (run pybabel update): {sorted(missing)}"


def test_french_punctuation_keeps_its_spaces_on_the_line() -> None:
    """French typography: a narrow no-break space (U+202F) before ; ! ? and inside « »,
    a no-break space (U+00A0) before a colon, so that no line starts with the mark."""
    for message in _po("fr"):  # type: ignore[attr-defined]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings if message.id else ():
            assert not re.search(r"(?<=\w)[ ]?[;!?](?=\s|$)", text), text
            assert not re.search(r"[\w}][ ]?:(?=\s|$)", text), text
            assert not re.search(r"«(?!\u202f)|(?<!\u202f)»", text), text
    french = Formatter("fr_FR", "UTC")
    assert "\u00a0:" in french.gettext("Campaign {name}: {what}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_committed_mo_is_the_po_compiled(lang: str) -> None:
    folder = LOCALE / lang / "LC_MESSAGES"
    with (folder / "messages.mo").open("rb") as f:
        shipped = {_key(m.id): m.string for m in read_mo(f) if m.id}
    compiled = io.BytesIO()
    write_mo(compiled, _po(lang))  # type: ignore[arg-type]
    compiled.seek(0)
    fresh = {_key(m.id): m.string for m in read_mo(compiled) if m.id}
    assert shipped == fresh, f"run: pybabel compile -d reporter/locale ({lang} is stale)"


def test_a_locale_without_a_catalogue_and_a_missing_message_stay_english() -> None:
    assert Formatter("it_IT", "UTC").gettext("Summary") == "Summary"
    german = Formatter("de_DE", "UTC")
    assert german.gettext("Summary") == "Zusammenfassung"
    assert german.gettext("A sentence no catalogue has.") == "A sentence no catalogue has."
    assert german.gettext("") == ""  # never the catalogue's header
    assert Formatter("de_AT", "UTC").gettext("Summary") == "Zusammenfassung"  # de_AT → de


def _html(locale: str) -> str:
    spec = rs.spec(report={"client": "Acme", "locale": locale})
    return build_html(
        spec, spec.accounts[0], rs.dataset(rs.OCTOBER), rs.dataset(rs.SEPTEMBER, seed=2),
        catalogue=rs.CATALOGUE, thumbnails={}, now=rs.FETCHED_AT,
    ).html  # fmt: skip


def test_a_message_missing_from_a_catalogue_falls_back_to_english_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A German catalogue without "Contents" and one metric title: those two are English,
    the rest of the report stays German."""
    catalog = _po("de")
    del catalog["Contents"]  # type: ignore[attr-defined]
    del catalog["Accounts reached"]  # type: ignore[attr-defined]
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as f:
        write_mo(f, catalog)  # type: ignore[arg-type]
    monkeypatch.setattr(translations, "locale_dir", lambda: tmp_path)
    translations.translations.cache_clear()
    try:
        html = _html("de_DE")
    finally:
        translations.translations.cache_clear()
    assert '<p class="contents-title">Contents</p>' in html and "Accounts reached" in html
    assert "Zusammenfassung" in html and "Interagierende Konten" in html
    assert "Summary" not in html


def test_languages_do_not_leak_between_reports_of_one_process() -> None:
    """The Jinja environment is shared per template folder: each render brings its words."""
    german, english, french = _html("de_DE"), _html("en_US"), _html("fr_FR")
    assert "<h2>Zusammenfassung</h2>" in german
    assert "<h2>Summary</h2>" in english and "Zusammenfassung" not in english
    assert "<h2>Synthèse</h2>" in french


def test_the_rollup_speaks_the_report_language() -> None:
    from reporter.render import rollup
    from reporter.render.report import make_inputs, render_context
    from reporter.spec.models import Spec

    data = rs.spec(report={"client": "Acme", "locale": "de_DE"}, rollup={"name": "Gruppe"})
    raw = data.model_dump()
    raw["accounts"].append({"id": "17841400000000002", "name": "Acme Berlin", "token_env": "B"})
    spec = Spec.model_validate(raw)
    reports = [
        make_inputs(spec, a, rs.dataset(seed=n), None, catalogue=rs.CATALOGUE, thumbnails={},
                    now=rs.FETCHED_AT)
        for n, a in enumerate(spec.accounts, start=1)
    ]  # fmt: skip
    values = rollup.build("Gruppe", reports)
    html = render_context(spec, values, reports[0].period_label, "Gruppe", None).html
    assert "Gruppe: nach Konto" in html and "Alle 2 Konten" in html
    assert "Zusammenfassung mehrerer Konten" in html and "Summe von 2 Konten" in html
    assert "by account" not in html and "All 2 accounts" not in html


def test_meta_english_messages_and_formula_details_stay_out_of_another_language() -> None:
    """Meta answers in English and the formula evaluator's details are English: a German report
    says in German that the figure is missing; an English one keeps Meta's words."""
    odd = "(#100) Some message Meta gives that no catalogue knows"
    ds = rs.dataset(rs.OCTOBER)
    gap = Unavailable(ds.account.id, "reach", odd, code=100, kind="error")
    ds = dataclasses.replace(
        ds,
        observations=tuple(o for o in ds.observations if o.metric != "reach"),
        unavailable=(*ds.unavailable, gap),
    )
    german = Formatter("de_DE", "UTC")
    assert german.reason(odd) == german.gettext("This figure is not available for this period.")
    assert german.reason(odd) != odd and Formatter("en_US", "UTC").reason(odd) == odd
    assert german.reason("Division by zero: reach is 0.") == german.reason(odd)
    for locale, shown in (("de_DE", False), ("en_US", True)):
        spec = rs.spec(report={"client": "Acme", "locale": locale})
        html = build_html(spec, spec.accounts[0], ds, None, catalogue=rs.CATALOGUE,
                          thumbnails={}, now=rs.FETCHED_AT).html  # fmt: skip
        assert ("Some message Meta gives" in html) is shown, locale
