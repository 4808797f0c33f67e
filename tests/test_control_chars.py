"""Control characters in Meta's text (captions, names, bios, breakdown labels) never reach a
report or an e-mail: NUL, ESC, the other C0 controls but tab and newline, DEL, C1, lone
surrogates."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pypdf
import pytest
from support import render as rs

from reporter.dataset import Dataset
from reporter.deliver.content import Headline, compose, headline
from reporter.render import render_report
from reporter.render.inert import printable
from reporter.render.model import Kpi

CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x0d\x1b\x1f\x7f\x80\x85\x9b\x9f\ud800"
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _hostile(ds: Dataset) -> Dataset:
    media = tuple(
        dataclasses.replace(m, caption=f"Roast\x1b[31m day{CONTROLS} #{i}\x00")
        for i, m in enumerate(ds.media)
    )
    observations = tuple(
        dataclasses.replace(
            o,
            dimensions=tuple(
                (k, f"{v}\x1b\x9b") if k == "city" else (k, v) for k, v in o.dimensions
            ),
        )
        for o in ds.observations
    )
    account = dataclasses.replace(
        ds.account,
        username="acme\x1bcoffee",
        name="Acme\x00 Coffee\x85",
        biography=f"Bio{CONTROLS}",
    )
    return dataclasses.replace(
        ds, media=media, observations=observations, account=account, notes=(f"n{CONTROLS}",)
    )


def test_printable_keeps_tab_newline_and_text() -> None:
    assert printable(f"a\tb\nc{CONTROLS}é—😀") == "a\tb\ncé—😀"


@pytest.mark.slow
def test_no_control_character_in_html_pdf_or_csv(tmp_path: Path) -> None:
    ds = _hostile(rs.dataset(rs.OCTOBER, media_count=8))
    spec = rs.spec(output={"formats": ["html", "pdf", "csv"]})
    files = render_report(
        spec,
        spec.accounts[0],
        ds,
        _hostile(rs.dataset(rs.SEPTEMBER, media_count=4)),
        catalogue=rs.CATALOGUE,
        thumbnails={},
        out_root=tmp_path,
        now=rs.FETCHED_AT,
    )
    by_suffix = {p.suffix: p for p in files}
    html = by_suffix[".html"].read_text(encoding="utf-8")
    assert "Roast[31m day #0" in html and "@acmecoffee" in html
    assert not FORBIDDEN.search(html), repr(FORBIDDEN.findall(html)[:5])
    csv = by_suffix[".csv"].read_text(encoding="utf-8")
    assert "Roast[31m day #0" in csv
    assert not FORBIDDEN.search(csv.replace("\r\n", "\n"))
    reader = pypdf.PdfReader(by_suffix[".pdf"])
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Roast[31m day #0" in text
    assert not FORBIDDEN.search(text.replace("\r\n", "\n"))


def test_no_control_character_in_the_email(tmp_path: Path) -> None:
    spec = rs.spec(
        report__client="Acme\x1b Client",
        accounts=[{"id": rs.ACCOUNT_ID, "name": "Acme\x00 Coffee", "token_env": "T"}],
        delivery={"to": ["a@b.example"]},
    )
    ds = _hostile(rs.dataset(rs.OCTOBER, media_count=8))
    figures = headline(spec, spec.accounts[0], ds, None, now=rs.FETCHED_AT, catalogue=rs.CATALOGUE)
    figures = dataclasses.replace(
        figures,
        highlights=(*figures.highlights, f"Top post: Roast{CONTROLS} day"),
        kpis=(*figures.kpis, Kpi("x", "X\x1b", "1", "1", True)),
    )
    assert isinstance(figures, Headline)
    body = compose(spec, spec.accounts[0], rs.OCTOBER, figures, spec_dir=tmp_path)
    for part in (body.subject, body.text, body.html, body.attachment_name):
        assert not FORBIDDEN.search(part), repr(part)
    assert "Top post: Roast day" in body.text and "Acme Coffee" in body.text
