"""Charts in a real report's PDF: their words are text (selectable, searchable), every one of
them, read back with pypdf; the heatmap of when followers are online is drawn from hourly values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re

import pypdf
import pytest
from support import render as rs

from reporter.dataset import Dataset, Observation
from reporter.render import render_report

CITY = "Zqx <b>&amp; Co</b>"  # a city only a chart shows (audience has no table)


def _with_hours(ds: Dataset) -> Dataset:
    """online_followers as Meta gives it: a value per day and hour, the day ending at midnight
    Pacific; more followers in the evening."""
    rows = []
    day = ds.since
    while day <= ds.until:
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), rs.PACIFIC)
        for hour in range(24):
            value = 200 + 40 * hour + 7 * day.weekday()
            rows.append(
                Observation(ds.account.id, "online_followers", "lifetime", float(value),
                            end_time=end.astimezone(dt.UTC), dimensions=(("hour", str(hour)),),
                            metric_type="time_series")
            )  # fmt: skip
        day += dt.timedelta(days=1)
    cities = [
        dataclasses.replace(o, dimensions=(o.dimensions[0], ("city", CITY)))
        if dict(o.dimensions).get("city") == "Tokyo, Tokyo"
        else o
        for o in ds.observations
    ]
    return dataclasses.replace(ds, observations=tuple(cities + rows))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    spec = rs.spec(
        account_metrics__time_series=["reach", "follower_count", "online_followers"],
        output={"formats": ["html", "pdf"]},
    )
    current = _with_hours(rs.dataset(rs.OCTOBER))
    previous = rs.dataset(rs.SEPTEMBER, seed=2, scale=0.9)
    files = render_report(
        spec,
        spec.accounts[0],
        current,
        previous,
        catalogue=rs.CATALOGUE,
        thumbnails=rs.thumbnails(current),
        out_root=tmp_path_factory.mktemp("charts"),
        now=rs.FETCHED_AT,
    )
    paths = {p.suffix: p for p in files}
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(paths[".pdf"]).pages)
    return paths[".html"].read_text(encoding="utf-8"), text


def _words(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _printed(page: str) -> list[str]:
    """The SVGs the PDF shows: all but a phone's drawings of the wide charts."""
    page = re.sub(r'<div class="chart-narrow">.*?</div>', "", page, flags=re.DOTALL)
    return re.findall(r"<svg.*?</svg>", page, re.DOTALL)


def _chart_texts(page: str) -> list[str]:
    texts = []
    for svg in _printed(page):
        for inner in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.DOTALL):
            texts.append(html.unescape(re.sub(r"<title>.*?</title>", "", inner)))
    return texts


@pytest.mark.slow
def test_every_chart_word_is_text_in_the_pdf(report: tuple[str, str]) -> None:
    page, text = report
    texts = _chart_texts(page)
    assert len(texts) > 60  # trends, breakdowns, the heatmap (demographics are tables now)
    flat = _words(text)
    missing = [t for t in texts if _words(t) not in flat]
    assert not missing


@pytest.mark.slow
def test_a_chart_only_label_is_found_and_stays_inert(report: tuple[str, str]) -> None:
    page, text = report
    assert "Zqx &lt;b&gt;&amp;amp; Co&lt;/b&gt;" in page
    assert "<b>&amp;" not in page.split("<svg", 1)[1]
    assert _words(CITY) in _words(text)  # in a chart, as characters


@pytest.mark.slow
def test_the_online_heatmap_is_drawn(report: tuple[str, str]) -> None:
    page, text = report
    heatmaps = [s for s in _printed(page) if "by weekday and hour" in s]
    assert len(heatmaps) == 1
    assert page.count('aria-label="When your followers are online: followers online by') == 2
    cells = re.findall(r"<g><rect [^>]*/><title>([^<]*)</title></g>", heatmaps[0])
    assert len(cells) == 7 * 24
    assert "Monday, 11:00\u202fPM: 1,120" in cells  # 200 + 40 × 23 + 0
    assert "Sunday, 12:00\u202fAM: 242" in cells  # 200 + 7 × 6
    for weekday in ("Monday", "Sunday"):
        assert weekday in text
