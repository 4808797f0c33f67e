"""The first page after the cover says the period in a few sentences built from the data, and
the cover lists the sections with their pages (numbers in the PDF, links in both)."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from support import render as rs

from reporter.render import build_html, render_report


def test_the_brief_says_the_largest_move_the_best_post_and_the_goals() -> None:
    spec = rs.spec(goals={"views": 1, "saves": 10_000_000})
    current, previous = rs.dataset(rs.OCTOBER), rs.dataset(rs.SEPTEMBER, seed=2)
    html = build_html(spec, spec.accounts[0], current, previous, thumbnails={},
                      now=rs.FETCHED_AT, catalogue=rs.CATALOGUE).html  # fmt: skip
    brief = re.search(r'<p class="brief">(.*?)</p>', html, re.S)
    assert brief is not None
    text = brief.group(1)
    sentences = [s for s in re.split(r"(?<=[.)])\s+(?=[A-Z0-9])", text) if s]
    assert 3 <= len(sentences) <= 5, sentences
    assert "the largest change this period." in text
    assert "The best " in text and " of the period, published " in text
    assert "Goals: 1 of 2 met or on track; Saves " in text
    assert html.index('class="brief"') < html.index('class="kpis"')  # before the cards


def test_contents_list_the_sections_shown_in_their_order() -> None:
    spec = rs.spec(report__sections=["summary", "content", "trends", "notes"])
    html = build_html(spec, spec.accounts[0], rs.dataset(rs.OCTOBER), None, thumbnails={},
                      now=rs.FETCHED_AT, catalogue=rs.CATALOGUE).html  # fmt: skip
    nav = html[html.index('<nav class="contents">') : html.index("</nav>")]
    assert re.findall(r'href="#section-(\w+)">([^<]+)<', nav) == [
        ("summary", "Summary"), ("content", "Content"), ("trends", "Trends"), ("notes", "Notes"),
    ]  # fmt: skip
    for name in ("summary", "content", "trends", "notes"):
        assert f'id="section-{name}"' in html


@pytest.mark.slow
def test_the_pdf_contents_give_each_section_its_page(tmp_path: Path) -> None:
    spec = rs.spec(output={"formats": ["pdf"]})
    files = render_report(spec, spec.accounts[0], rs.dataset(rs.OCTOBER), None, thumbnails={},
                          out_root=tmp_path, now=rs.FETCHED_AT, catalogue=rs.CATALOGUE)  # fmt: skip
    reader = pypdf.PdfReader(files[0])
    pages = [page.extract_text() for page in reader.pages]
    listed = dict(re.findall(r"^(\w[\w ]*?)\s*\.{3,}\s*(\d+)$", pages[0], re.M))
    assert {"Summary", "Content", "Notes"} <= set(listed)
    for title, number in listed.items():
        page = pages[int(number) - 1]
        assert re.search(rf"^{title}$", page, re.M), (title, number)  # its heading is there
    links = [a.get_object() for a in reader.pages[0].get("/Annots") or []]
    assert len([a for a in links if a.get("/Dest") or a.get("/A")]) >= len(listed)
