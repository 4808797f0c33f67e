"""Issue 12, §2: the spec chooses the report's sections and their order (``report.sections``),
per-post tables show the top ``media.table_rows`` with a line saying where the rest are, and
nothing stands alone on a page: checked in the HTML the templates write."""

from __future__ import annotations

import re
from typing import Any

from support import render as rs

from reporter.render import build_html
from reporter.render.context import SECTIONS
from reporter.spec.models import SECTION_NAMES


def _html(**overrides: Any) -> str:
    spec = rs.spec(**overrides)
    current, previous = rs.dataset(rs.OCTOBER), rs.dataset(rs.SEPTEMBER, seed=2)
    return build_html(
        spec, spec.accounts[0], current, previous,
        catalogue=rs.CATALOGUE, thumbnails={}, now=rs.FETCHED_AT,
    ).html  # fmt: skip


def _headings(html: str) -> list[str]:
    return re.findall(r"<h2>([^<]+)</h2>", html)


def test_every_section_name_has_a_builder() -> None:
    assert [name for name, _ in SECTIONS if name != "cover"] == list(SECTION_NAMES)


def test_the_default_is_every_section_in_order() -> None:
    assert _headings(_html()) == [
        "Summary", "Trends", "Breakdowns", "Audience", "Content", "Notes",
    ]  # fmt: skip


def test_the_spec_chooses_sections_and_their_order() -> None:
    spec_report = {"client": "Acme", "sections": ["content", "summary", "notes"]}
    html = _html(report=spec_report)
    assert _headings(html) == ["Content", "Summary", "Notes"]
    assert "Trends" not in html and "Audience" not in html and "Breakdowns" not in html
    assert html.count('class="cover"') == 1  # the cover always comes first


def test_goals_follow_the_summary_on_its_page() -> None:
    html = _html(goals={"reach": 50000})
    goals = html[html.index('<section class="goals">') :]
    assert "<h3>Goals</h3>" in goals
    # Only the summary starts a page; goals and the sections after it follow on.
    assert re.findall(r'<section class="([^"]*page[^"]*)"', html) == ["summary page"]


def test_per_post_tables_show_the_top_rows_and_say_where_the_rest_are() -> None:
    html = _html(output={"formats": ["html", "csv"]}, media__table_rows=3)
    posts = html[html.index("<h3>Posts</h3>") :]
    posts = posts[: posts.index("</table>") + 200]
    assert len(re.findall(r"<tr>", posts)) == 1 + 3 + 1  # header, 3 posts, the total
    assert "Total, all 18 posts" in posts
    assert "The 3 posts with the most views. Full list of all 18 posts in the accompanying CSV" in (
        posts
    )
    # Without a CSV the line says only which posts are shown.
    html = _html(output={"formats": ["html"]}, media__table_rows=3)
    assert "The 3 posts with the most views.</p>" in html and "accompanying CSV" not in html
    # "all" shows every post.
    html = _html(media__table_rows="all")
    assert "Total, 18 posts" in html and "with the most views" not in html
