"""Untrusted content stays inert, templates fail loudly, user templates extend the default one,
and writes are atomic."""

from __future__ import annotations

import dataclasses
import os
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pypdf
import pytest
from support import render as rs

from reporter.dataset import AccountInfo, Dataset
from reporter.files import atomic_write
from reporter.render import build_html, environment, images, render_report, write
from reporter.render.pdf import ConfinedFetcher, write_pdf

SECRET = "FILE-CONTENT-MARKER-4711"  # only inside the files; no caption contains it


class _Tags(HTMLParser):
    """Every element, its URL-bearing attributes, and the text of <style> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []  # what the document would load
        self.links: list[str] = []  # where its <a> elements lead
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if tag == "a" and name == "href" and value:
                self.links.append(value)
            elif name in ("src", "href", "xlink:href", "data", "poster") and value:
                self.urls.append(value)
            if name == "style" and value:
                self.styles.append(value)

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[str, Path]:
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "secret.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg"><text y="20">{SECRET}</text></svg>',
        encoding="utf-8",
    )
    caption = (
        '<script>alert("pwned")</script> <img src="file:///etc/passwd">'
        f' <img src="file://{tmp_path}/secret.svg"> <object data="secret.txt"></object>'
        f' <div style="background: url(file://{tmp_path}/secret.txt)">x</div>'
        f" <style>body {{ background: url('file://{tmp_path}/secret.txt') }}</style>"
        " </style><script>x()</script> $x^2$ {{ 7*7 }}"
    )
    return caption, tmp_path


def _hostile_dataset(caption: str, folder: Path) -> Dataset:
    ds = rs.dataset(rs.OCTOBER, media_count=8)
    media = tuple(dataclasses.replace(m, caption=caption) for m in ds.media)
    account = AccountInfo(
        ds.account.id,
        f"<b>evil</b><img src='file://{folder}/secret.txt'>",
        "</style><script>x()</script>",
        followers_count=5,
    )
    return dataclasses.replace(ds, media=media, account=account, notes=(caption,))


@pytest.mark.slow
def test_hostile_captions_leave_no_trace(hostile: tuple[str, Path]) -> None:
    caption, folder = hostile
    ds = _hostile_dataset(caption, folder)
    spec = rs.spec(output={"formats": ["html", "pdf"]})
    files = render_report(
        spec,
        spec.accounts[0],
        ds,
        None,
        catalogue=rs.CATALOGUE,
        thumbnails={"profile": f"file://{folder}/secret.txt".encode()},
        out_root=folder / "out",
        now=rs.FETCHED_AT,
    )
    html = next(p for p in files if p.suffix == ".html").read_text(encoding="utf-8")
    parsed = _Tags()
    parsed.feed(html)
    assert "script" not in parsed.tags and "object" not in parsed.tags
    # nothing loaded from elsewhere; the only links lead to the posts on Instagram
    assert all(url.startswith(("data:", "#")) for url in parsed.urls), parsed.urls
    assert all(url.startswith(("https://www.instagram.com/", "#")) for url in parsed.links)
    assert not any("file:" in style or "secret" in style for style in parsed.styles)
    assert "&lt;script&gt;alert" in html  # the caption is shown as text, not run
    assert "{{ 7*7 }}" in html and ">49<" not in html  # captions are data, not templates
    assert SECRET not in html
    pdf = next(p for p in files if p.suffix == ".pdf")
    reader = pypdf.PdfReader(pdf)
    text = "".join(page.extract_text() for page in reader.pages)
    assert SECRET not in text and "root:x:0" not in text
    assert SECRET.encode() not in pdf.read_bytes()
    assert 'alert("pwned")' in text  # the caption itself is there, as inert text


def test_fetcher_allows_data_and_template_files_only(tmp_path: Path) -> None:
    inside = tmp_path / "brand"
    inside.mkdir()
    (inside / "logo.png").write_bytes(rs.png((1, 2, 3), (8, 8)))
    outside = tmp_path / "secret.txt"
    outside.write_text(SECRET)
    fetcher = ConfinedFetcher([inside, environment.packaged_root() / "default"])
    assert fetcher.allows("data:image/png;base64,AAAA")
    assert fetcher.allows(f"file://{inside}/logo.png")
    assert not fetcher.allows(f"file://{outside}")
    assert not fetcher.allows(f"file://{inside}/../secret.txt")
    assert not fetcher.allows("file:///etc/passwd")
    assert not fetcher.allows("http://127.0.0.1/x.png")
    assert not fetcher.allows("https://example.com/x.png")
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(f"file://{outside}")
    # A template's own relative url() still works, and a file outside stays out.
    html = (
        f'<p style="background: url(logo.png)">in</p><img src="file://{outside}">'
        f'<img src="file:///etc/passwd">'
    )
    pdf = write_pdf(html, roots=[inside], base_url=inside)
    assert SECRET.encode() not in pdf and b"root:x:0" not in pdf


def test_broken_thumbnails_become_placeholders() -> None:
    assert images.data_uri(None) is None
    assert images.data_uri(b"") is None
    assert images.data_uri(b"\x89PNG\r\n\x1a\ngarbage") is None
    assert images.data_uri(rs.png((9, 9, 9))[:200]) is None  # truncated
    assert images.data_uri(b"<svg onload='x()'/>") is None  # only raster pictures from the API
    big = images.data_uri(rs.png((9, 9, 9), (1080, 1350)))
    assert big is not None and big.startswith("data:image/")
    ds = rs.dataset(rs.OCTOBER, media_count=6)
    spec = rs.spec()
    rendered = build_html(
        spec,
        spec.accounts[0],
        ds,
        None,
        catalogue=rs.CATALOGUE,
        thumbnails=rs.thumbnails(ds),
        now=rs.FETCHED_AT,
    )
    assert rendered.html.count('class="thumb placeholder"') >= 1
    assert rendered.html.count('class="thumb"') >= 1


def test_autoescape_and_strict_undefined() -> None:
    env = environment.environment(None)
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ cover.nope }}").render(cover=object())


def test_css_font_family_is_quoted_and_filtered() -> None:
    assert environment.css_font_family("Source Sans 3, sans-serif") == '"Source Sans 3", sans-serif'
    assert environment.css_font_family("x; } body { background: url(x)") == "sans-serif"


def test_user_template_extends_the_default(tmp_path: Path) -> None:
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "report.html.j2").write_text(
        '{% extends "default/report.html.j2" %}\n'
        "{% block highlights %}<p class=mine>Our take: {{ summary.kpis[0].value }}</p>"
        "{% endblock %}\n"
        "{% block extra_style %}.mine { color: red; }{% endblock %}\n",
        encoding="utf-8",
    )
    (folder / "notes.html.j2").write_text("<section><h2>Custom notes</h2></section>")
    ds = rs.dataset(rs.OCTOBER, media_count=4)
    spec = rs.spec(report={"client": "Acme", "template": "brand"})
    html = build_html(
        spec,
        spec.accounts[0],
        ds,
        None,
        catalogue=rs.CATALOGUE,
        thumbnails={},
        now=rs.FETCHED_AT,
        spec_dir=tmp_path,
    ).html
    assert "<p class=mine>Our take: 172.7K</p>" in html
    assert "Highlights" not in html  # the block was replaced
    assert "Custom notes" in html and "What the figures mean" not in html  # include overridden
    assert 'class="kpis"' in html  # the rest is the default's


def test_missing_template_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="report template folder not found"):
        environment.resolve_template("nowhere", tmp_path)


def test_atomic_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "report.pdf"
    atomic_write(target, b"old")

    def failing_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", failing_fsync)  # the write fails after half the bytes
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"  # the old report is intact
    assert [p.name for p in target.parent.iterdir()] == ["report.pdf"]  # no temp file left
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)


def test_output_dir_stays_under_the_root(tmp_path: Path) -> None:
    period = rs.OCTOBER
    folder = write.output_dir(
        "{client}/{year}/{month}", root=tmp_path, client="../../etc", account="a", period=period
    )
    assert folder == tmp_path / "etc" / "2026" / "10"
    with pytest.raises(ValueError, match="outside"):
        write.output_dir("../{client}", root=tmp_path, client="x", account="a", period=period)


def test_csv_neutralises_formulas() -> None:
    from reporter.render.model import Cell, Table

    table = Table("t", "T", ("Post", "Caption"), ((Cell("a"), Cell("=HYPERLINK(1)")),))
    assert "'=HYPERLINK(1)" in write.tables_csv([table]).decode("utf-8-sig")


def test_every_text_cell_of_the_csv_is_neutralised_and_numbers_stay_numbers() -> None:
    import csv
    import io

    from reporter.render.model import Cell, Table

    hostile = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR")
    rows = tuple((Cell(label), Cell("x", raw=-4.0), Cell(label)) for label in hostile)
    table = Table("breakdown_=x", "=Title", ("=Row", "-Value", "@Text"), rows)
    read = list(csv.reader(io.StringIO(write.tables_csv([table]).decode("utf-8-sig"))))
    body = read[1:]
    assert len(body) == 2 * len(hostile)
    for line in body:
        key, title, label, column, value = line
        for text in (key, title, label, column):
            assert text[:1] not in ("=", "+", "-", "@", "\t", "\r"), line
        assert value == "-4" or value.startswith("'"), line
    assert [line[2] for line in body[::2]] == ["'" + h for h in hostile]
    assert body[0][3] == "'-Value" and body[0][4] == "-4"  # a number is not quoted
