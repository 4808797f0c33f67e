"""The definitions appendix (the notes section): every requested metric with its meaning and
unit, the formula of every derived metric, organic versus paid, the timezone and Pacific days,
the 48-hour delay, and every unavailable figure with its reason in the reader's words."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

from support import render as rs

from reporter import catalogue
from reporter.dataset import Unavailable
from reporter.render import render_report


def _notes(tmp: Path) -> tuple[str, list[Unavailable]]:
    current = rs.dataset(rs.OCTOBER)
    story = next(m for m in current.media if m.product_type == "STORY")
    feed = [m for m in current.media if m.product_type == "FEED"]
    gaps = [
        Unavailable(story.id, "replies", "(#10) Not enough viewers for the media to show "
                    "insights", 10, "not_enough_viewers"),
        Unavailable(feed[0].id, "saved", "(#100) Invalid parameter (subcode 2108006)", 100,
                    "before_conversion"),
        Unavailable(story.id, "navigation", "Meta no longer answers for this story.", None,
                    "expired"),
        Unavailable(feed[1].id, "saved", "(#100) The Media Insights API does not support the "
                    "saved metric for this media product type.", 100),
        Unavailable(current.account.id, "follower_demographics", "(#10) Not enough followers "
                    "to show insights", 10, "too_few_followers"),
    ]  # fmt: skip
    current = dataclasses.replace(current, unavailable=(*current.unavailable, *gaps))
    spec = rs.spec(output={"formats": ["html"]})
    [page] = render_report(
        spec, spec.accounts[0], current, rs.dataset(rs.SEPTEMBER, seed=2),
        catalogue=rs.CATALOGUE, thumbnails={}, out_root=tmp, now=rs.FETCHED_AT,
    )  # fmt: skip
    text = page.read_text(encoding="utf-8")
    notes = text[text.index('<section class="notes"') :]
    plain = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", notes)).split())
    return plain, list(current.unavailable)


def test_every_unavailable_figure_with_its_reason(tmp_path: Path) -> None:
    notes, gaps = _notes(tmp_path)
    for gap in gaps:
        assert " ".join(gap.reason.split()) in notes, gap
    for words in (
        "seen by fewer than 5 accounts (a privacy threshold)",
        "only for accounts with at least 100 followers",
        "before the account became a business or creator account (Meta error 2108006)",
        "Story insights are kept for 24 hours only",
        "Meta does not offer this metric for this type of media",
    ):
        assert words in notes, words


def test_meanings_units_formulas_organic_paid_timezone_delay(tmp_path: Path) -> None:
    notes, _ = _notes(tmp_path)
    cat = catalogue.load()
    for name in rs.spec().account_metrics.metrics:
        metric = cat.get("account", name)
        assert metric is not None
        assert f"{metric.title} {metric.description}" in notes
    assert "(unique accounts: never added up over days or posts.)" in notes
    assert "Organic and paid Likes, comments and views of a post count organic activity only" in (
        notes
    )
    assert "The report's period and dates are in America/Los_Angeles" in notes
    assert "Pacific-time days" in notes and "up to 48 hours" in notes
