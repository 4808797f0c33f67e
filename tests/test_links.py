"""Every post in the report links to its permalink, clickable in the HTML and in the PDF; a
permalink that is not an https link to Instagram never becomes a link."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pypdf
import pytest
from support import render as rs

from reporter.render import render_report
from reporter.render.inert import post_link


def test_only_https_links_to_instagram_are_links() -> None:
    assert post_link("https://www.instagram.com/p/DBr7QmXsLw1/") == (
        "https://www.instagram.com/p/DBr7QmXsLw1/"
    )
    assert post_link("https://instagram.com/reel/DBx1Yz0Rk2a/") != ""
    for bad in (
        None,
        "",
        "javascript:alert(1)",
        "http://www.instagram.com/p/x/",
        "https://www.instagram.com.evil.example/p/x/",
        "https://evil.example/?https://www.instagram.com/p/x/",
        'https://www.instagram.com/p/x/"><script>',
        "data:text/html,hi",
    ):
        assert post_link(bad) == "", bad


@pytest.mark.slow
def test_posts_link_to_their_permalinks_in_html_and_pdf(tmp_path: Path) -> None:
    ds = rs.dataset(rs.OCTOBER, media_count=6)
    links = [f"https://www.instagram.com/p/POST{i}/" for i in range(len(ds.media))]
    media = [dataclasses.replace(m, permalink=url) for m, url in zip(ds.media, links, strict=True)]
    media[-1] = dataclasses.replace(media[-1], permalink="javascript:alert(1)")
    spec = rs.spec(output={"formats": ["html", "pdf"]})
    files = render_report(
        spec, spec.accounts[0], dataclasses.replace(ds, media=tuple(media)), None,
        catalogue=rs.CATALOGUE, thumbnails={}, out_root=tmp_path, now=rs.FETCHED_AT,
    )  # fmt: skip
    html = next(p for p in files if p.suffix == ".html").read_text(encoding="utf-8")
    for url in links[:-1]:
        assert f'<a href="{url}">' in html
    assert "javascript:" not in html
    pdf = next(p for p in files if p.suffix == ".pdf")
    uris = set()
    for page in pypdf.PdfReader(pdf).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.add(str(action["/URI"]))
    assert set(links[:-1]) <= uris
    assert not any("javascript" in uri for uri in uris)
