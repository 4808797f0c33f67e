"""Derived metrics, goals and commentary in the rendered report (HTML, and one PDF read back)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pypdf
import pytest
from support import render as rs

from reporter.render import render_report
from reporter.render.report import build_html

DERIVED = {
    "interactions_per_post": {
        "formula": "total_interactions / count(FEED)",
        "unit": "number",
        "title": "Interactions per post",
    },
    "saves_share": {"formula": "saved / reach", "unit": "percent", "scope": "media"},
}
METRICS = ["views", "reach", "total_interactions", "engagement_rate", "interactions_per_post"]
NOTES = """## October

Reels did **well**. <script>alert("x")</script>
<img src="https://tracker.example/p.png" onerror="alert(1)">

![pixel](https://tracker.example/pixel.png) [site](https://acme.example) [bad](javascript:alert(1))
"""


def _spec(**extra: object) -> object:
    return rs.spec(
        account_metrics__metrics=METRICS,
        derived=DERIVED,
        goals={"reach": 500_000, "engagement_rate": "4%", "views": 1000},
        **extra,
    )


def _html(commentary: str | None = NOTES, **kw: object) -> str:
    spec = _spec(**kw)
    current, previous = rs.dataset(), rs.dataset(rs.SEPTEMBER, seed=2)
    rendered = build_html(
        spec,  # type: ignore[arg-type]
        spec.accounts[0],  # type: ignore[attr-defined]
        current,
        previous,
        catalogue=rs.CATALOGUE,
        thumbnails={},
        now=rs.FETCHED_AT,
        commentary=commentary,
    )
    return rendered.html


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_derived_kpis_with_comparison_and_formula_in_the_notes() -> None:
    html = _html()
    text = _text(html)
    current = rs.dataset()
    interactions = current.total(current.account.id, "total_interactions")
    assert interactions is None  # two windows: summed by the report, not by Dataset.total
    assert "Engagement rate" in text and "Interactions per post" in text
    assert re.search(r"Engagement rate \d+\.\d% ▲|Engagement rate \d+\.\d% ▼", text), text
    assert " pts)" in text  # a rate's change is in percentage points
    # The formula in words: metric titles, never Meta's metric names.
    assert "Worked out as Interactions ÷ Accounts reached (shown as a percentage)." in text
    assert "Worked out as Interactions ÷ number of posts (a number)." in text
    notes = text[text.index("What the figures mean") :]
    assert "total_interactions" not in notes and "count(FEED)" not in notes


def test_goals_show_value_target_share_and_status() -> None:
    text = _text(_html())
    assert "Goals" in text
    # Views of the hand-built October are far above 1,000; reach far below 500,000.
    assert re.search(r"Views [\d,]+ 1,000 [\d,.]+% reached", text), text
    assert re.search(r"Accounts reached [\d,]+ 500,000 \d+\.\d% not reached", text), text
    assert re.search(r"Engagement rate \d+\.\d% 4\.0% [\d,.]+% (reached|not reached)", text)


def test_commentary_renders_inert() -> None:
    html = _html()
    commentary = html[html.index('class="commentary"') :]
    commentary = commentary[: commentary.index("</div>")]
    tags = set(re.findall(r"<(\w+)", commentary))
    assert tags <= {"div", "h4", "p", "strong", "a"}, tags  # no script, no img
    attributes = re.findall(r"<\w+([^>]*)>", commentary)
    assert all("tracker.example" not in a and "javascript" not in a for a in attributes)
    assert all("onerror" not in a and "src" not in a for a in attributes)
    assert "&lt;script&gt;" in commentary  # the author's HTML is shown as text
    assert "[image: pixel]" in commentary
    assert '<a href="https://acme.example" rel="noopener noreferrer">site</a>' in commentary
    assert "<strong>well</strong>" in commentary
    assert 'class="commentary"' not in _html(commentary=None)


def test_division_by_zero_shows_na_with_the_reason() -> None:
    spec = _spec()
    current = rs.dataset()
    zero = tuple(
        dataclasses.replace(o, value=0.0) if o.metric == "reach" and not o.dimensions else o
        for o in current.observations
    )
    broken = dataclasses.replace(current, observations=zero)
    rendered = build_html(
        spec,  # type: ignore[arg-type]
        spec.accounts[0],  # type: ignore[attr-defined]
        broken,
        None,
        catalogue=rs.CATALOGUE,
        thumbnails={},
        now=rs.FETCHED_AT,
    )
    text = _text(rendered.html)
    assert "Engagement rate n/a Division by zero: reach is 0." in text


def test_top_media_ranked_by_a_media_derived_metric() -> None:
    media = {**rs.MEDIA_METRICS, "FEED": [*rs.MEDIA_METRICS["FEED"], "saves_share"]}
    spec = rs.spec(
        derived=DERIVED,
        media={"product_types": ["FEED", "REELS"], "metrics": media, "rank_by": "saves_share"},
    )
    current = rs.dataset()
    rendered = build_html(
        spec,
        spec.accounts[0],
        current,
        None,
        catalogue=rs.CATALOGUE,
        thumbnails={},
        now=rs.FETCHED_AT,
    )
    ratios = []
    for item in current.media:
        saved, reach = current.total(item.id, "saved"), current.total(item.id, "reach")
        if item.product_type != "STORY" and saved is not None and reach:
            ratios.append(saved / reach)
    best = max(ratios)
    text = _text(rendered.html)
    assert "Top posts by Saves share" in text or "Saves share" in text
    assert f"{best * 100:.1f}%" in text


@pytest.mark.slow
def test_pdf_reads_back_goals_and_commentary(tmp_path: Path) -> None:
    spec = _spec()
    current = rs.dataset()
    files = render_report(
        spec,  # type: ignore[arg-type]
        spec.accounts[0],  # type: ignore[attr-defined]
        current,
        None,
        catalogue=rs.CATALOGUE,
        thumbnails={},
        out_root=tmp_path,
        now=rs.FETCHED_AT,
        commentary=NOTES,
    )
    pdf = next(p for p in files if p.suffix == ".pdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "Goals" in text and "Commentary" in text and "Reels did well." in text
    assert "<script>" in text  # shown as text, never run
    assert "Figures as fetched from Meta on" in text


def test_ceiling_goals_read_lower_is_better() -> None:
    """ "at most": views far above 1,000 are over the limit; reach far below 500,000 is kept
    under; the target shows as a ceiling."""
    spec = rs.spec(
        account_metrics__metrics=METRICS,
        derived=DERIVED,
        goals={"views": "at most 1000", "reach": "at most 500000"},
    )
    rendered = build_html(
        spec,
        spec.accounts[0],
        rs.dataset(),
        None,
        catalogue=rs.CATALOGUE,
        thumbnails={},
        now=rs.FETCHED_AT,
    )
    text = _text(rendered.html)
    assert re.search(r"Views [\d,]+ ≤ 1,000 [\d,.]+% over the limit", text), text
    assert re.search(r"Accounts reached [\d,]+ ≤ 500,000 \d+\.\d% kept under", text), text


def test_a_running_count_ceiling_is_on_track_while_within_its_pace() -> None:
    from reporter.render.sections.goals import _ceiling

    assert _ceiling(40, 100, 0.4, 0.5, running_count=True) == "on_track"
    assert _ceiling(60, 100, 0.6, 0.5, running_count=True) == "behind"
    assert _ceiling(101, 100, 1.01, 0.5, running_count=True) == "over"
    assert _ceiling(60, 100, 0.6, 1.0, running_count=False) == "kept"
