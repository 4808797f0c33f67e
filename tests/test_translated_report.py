"""Issue 12, §4: the report in the client's language, read back from the PDF (pypdf). In German,
French and Spanish no English sentence is left beyond names and the client's own captions; the
e-mail's subject and body are in the report's language too."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from babel.messages.pofile import read_po
from support import render as rs

from reporter.deliver.content import compose, headline
from reporter.render import render_report

pytestmark = pytest.mark.slow
LOCALE = Path(__file__).resolve().parents[1] / "reporter" / "locale"

# Words and phrases of the English PDF (each is in it: checked below) and what each language
# says instead (the table of contents' title is set in capitals by the CSS: CONTENTS).
ENGLISH = [
    "Summary", "CONTENTS", "Accounts reached", "compared with", "Top 5 by", "posts", "reels",
    "stories", "Prepared", "followers", "the largest change this period", "started following",
    "Published", "Day by day", "Breakdowns", "Audience", "Content", "Notes",
    "What the figures mean", "Not available", "About the data", "Countries", "Cities", "Women",
    "Timezone", "Organic and paid", "daily average", "best day", "Total, all", "Share", "Value",
    "Not enough viewers", "privacy threshold", "Pacific", "Instagram report", "n/a",
]  # fmt: skip
# The same word in the language (French says "les reels", "les stories", "Audience", "Notes").
SAME = {"fr_FR": {"reels", "stories", "Audience", "Notes"}, "es_ES": {"reels"}}
COUNTERPARTS = {
    "de_DE": ["Zusammenfassung", "INHALT", "Erreichte Konten", "im Vergleich zum",
              "Top 5", "Beiträge", "Storys", "Erstellt am", "Follower", "Veröffentlicht",
              "Aufschlüsselungen", "Publikum", "Hinweise", "Was die Zahlen bedeuten",
              "Nicht verfügbar", "Über die Daten", "Länder", "Frauen", "Zeitzone",
              "Tagesdurchschnitt", "Datenschutzschwelle", "Instagram-Bericht", "k. A."],
    "fr_FR": ["Synthèse", "SOMMAIRE", "Comptes touchés", "par rapport à", "publications",
              "Établi le", "abonnés", "Répartitions", "Ce que signifient les chiffres",
              "Non disponible", "À propos des données", "Pays", "Femmes", "Fuseau horaire",
              "Moyenne quotidienne", "seuil de confidentialité", "Rapport Instagram", "n.d."],
    "es_ES": ["Resumen", "ÍNDICE", "Cuentas alcanzadas", "en comparación con",
              "publicaciones", "historias", "Elaborado el", "seguidores", "Desgloses",
              "Audiencia", "Qué significan las cifras", "No disponible", "Sobre los datos",
              "Países", "Mujeres", "Zona horaria", "Media diaria", "umbral de privacidad",
              "Informe de Instagram", "n/d"],
}  # fmt: skip


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The same month rendered in each language, as the PDF's text."""
    current, previous = rs.dataset(rs.OCTOBER), rs.dataset(rs.SEPTEMBER, seed=2, scale=1.4)
    texts = {}
    for locale in ("en_US", *COUNTERPARTS):
        spec = rs.spec(report={"client": "Acme", "locale": locale})
        files = render_report(
            spec, spec.accounts[0], current, previous, catalogue=rs.CATALOGUE,
            thumbnails=rs.thumbnails(current), out_root=tmp_path_factory.mktemp(locale),
            now=rs.FETCHED_AT,
        )  # fmt: skip
        pdf = next(p for p in files if p.suffix == ".pdf")
        texts[locale] = _flat(" ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages))
    return texts


def _captions() -> str:
    """The client's own words (captions stay as written) and the names in the report."""
    words = [m.caption or "" for m in rs.dataset(rs.OCTOBER).media]
    return _flat(" ".join(words))


def test_the_english_pdf_has_every_checked_phrase(pdfs: dict[str, str]) -> None:
    missing = [w for w in ENGLISH if w not in pdfs["en_US"]]
    assert not missing, missing


@pytest.mark.parametrize("locale", list(COUNTERPARTS))
def test_no_english_phrase_is_left_and_the_language_is_there(
    pdfs: dict[str, str], locale: str
) -> None:
    text = pdfs[locale]
    captions = _captions()
    left = [
        w
        for w in ENGLISH
        if re.search(rf"\b{re.escape(w)}\b", text)
        and w not in captions
        and w not in SAME.get(locale, set())
    ]
    assert not left, f"{locale}: English left: {left}"
    absent = [w for w in COUNTERPARTS[locale] if w not in text]
    assert not absent, f"{locale}: missing: {absent}"


@pytest.mark.parametrize("locale", list(COUNTERPARTS))
def test_no_english_sentence_of_the_catalogue_is_left(pdfs: dict[str, str], locale: str) -> None:
    """Data-driven: every English message of three words or more without a placeholder that
    the English PDF shows is absent from the translated PDF."""
    with (LOCALE / locale[:2] / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    sentences = [
        m.id
        for m in catalog
        if isinstance(m.id, str) and len(m.id.split()) >= 3 and "{" not in m.id
        and "%(" not in m.id and m.string != m.id
    ]  # fmt: skip
    shown = [s for s in sentences if _flat(s) in pdfs["en_US"]]
    assert len(shown) >= 15  # the check reads real sentences of the report
    left = [s for s in shown if _flat(s) in pdfs[locale]]
    assert not left, f"{locale}: {left}"


def test_the_email_is_in_german() -> None:
    spec = rs.spec(delivery={"to": ["a@b.example"]}, report={"client": "Acme", "locale": "de_DE"})
    account = spec.accounts[0]
    current, previous = rs.dataset(rs.OCTOBER), rs.dataset(rs.SEPTEMBER, seed=2)
    figures = headline(spec, account, current, previous, now=rs.FETCHED_AT, catalogue=rs.CATALOGUE)
    body = compose(spec, account, rs.OCTOBER, figures, spec_dir=Path("."), sandbox=True)
    assert body.subject == "[sandbox] Acme: Instagram-Bericht Oktober 2026"
    for text in (body.text, body.html):
        assert "Hallo," in text and "anbei der Instagram-Bericht für" in text
        assert "im Vergleich zum September 2026" in text
        assert "Die Zahlen sind simuliert" in text and "Erreichte Konten" in text
        assert "Der vollständige Bericht" in text
        for english in ("Hello", "attached", "compared with", "The full report", "Accounts"):
            assert english not in text, english
    assert "Der vollständige Bericht ist die angehängte PDF-Datei" in body.text
    assert " ggü. September 2026)" in body.text  # "- Aufrufe: 172.696 (−21,4 % ggü. …)"
