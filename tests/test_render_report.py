"""End-to-end renders of hand-built datasets: the PDF opens, holds the dataset's figures as the
report formats them, compares them correctly, and has the expected pages, outline and metadata.

PDFs cost about a second each, so each scenario renders once per module and its tests share it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from support import render as rs

from reporter.dataset import Dataset, totals
from reporter.render import render_report
from reporter.render.formatting import Formatter
from reporter.spec.models import Spec

FMT = Formatter("en_US", "America/Los_Angeles")


@dataclasses.dataclass(frozen=True)
class Rendered:
    paths: dict[str, Path]
    pages: list[str]
    reader: pypdf.PdfReader

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def html(self) -> str:
        return self.paths["html"].read_text(encoding="utf-8")


def _render(
    tmp: Path, spec: Spec, current: Dataset, previous: Dataset | None, **kw: object
) -> Rendered:
    thumbs = kw.pop("thumbnails", None)
    files = render_report(
        spec,
        spec.accounts[0],
        current,
        previous,
        catalogue=rs.CATALOGUE,
        thumbnails=thumbs if thumbs is not None else rs.thumbnails(current),  # type: ignore[arg-type]
        out_root=tmp,
        now=rs.FETCHED_AT,
    )
    paths = {p.suffix.lstrip("."): p for p in files}
    reader = pypdf.PdfReader(paths["pdf"])
    return Rendered(paths, [page.extract_text() for page in reader.pages], reader)


def _window_total(ds: Dataset, metric: str, *, longest: bool) -> float:
    values = [
        o
        for o in ds.observations
        if o.object_id == ds.account.id and o.metric == metric and not o.dimensions
        and o.since is not None
    ]  # fmt: skip
    if longest:
        return max(values, key=lambda o: o.until - o.since).value  # type: ignore[operator]
    return sum(o.value for o in values)


@pytest.fixture(scope="module")
def normal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Rendered, Dataset, Dataset]]:
    current = rs.dataset(rs.OCTOBER)
    previous = rs.dataset(rs.SEPTEMBER, seed=2, scale=0.9)
    spec = rs.spec(output={"formats": ["html", "pdf", "csv"]})
    yield _render(tmp_path_factory.mktemp("normal"), spec, current, previous), current, previous


@pytest.fixture(scope="module")
def sparse(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """Many unavailable metrics, and no comparison period."""
    current = rs.dataset(rs.OCTOBER, many_unavailable=True, username="tinybakery")
    spec = rs.spec(report={"client": "Tiny", "compare": "none"})
    return _render(tmp_path_factory.mktemp("sparse"), spec, current, None)


@pytest.fixture(scope="module")
def no_media(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    current = rs.dataset(rs.OCTOBER, media_count=0)
    previous = rs.dataset(rs.SEPTEMBER, seed=2)
    return _render(tmp_path_factory.mktemp("empty"), rs.spec(), current, previous, thumbnails={})


@pytest.mark.slow
def test_files_land_in_the_spec_output_pattern(normal: tuple[Rendered, Dataset, Dataset]) -> None:
    rendered, _, _ = normal
    folder = rendered.paths["pdf"].parent
    assert folder.parts[-4:] == ("reports", "Acme-Coffee", "Acme-Coffee-Roasters", "2026-10")
    assert sorted(rendered.paths) == ["csv", "html", "pdf"]
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temp files left


@pytest.mark.slow
def test_kpis_show_the_dataset_figures_with_their_comparison(
    normal: tuple[Rendered, Dataset, Dataset],
) -> None:
    rendered, current, previous = normal
    # Lines joined (a narrow card wraps), thin spaces kept; the arrow starts its own line.
    summary = re.sub(r" *\n *", " ", rendered.pages[1].replace("▲", " ▲").replace("▼", " ▼"))
    summary = summary.replace("  ", " ")
    # Views arrive in two windows (30 + 1 days) and add up; the card is compact.
    views, views_before = (_window_total(d, "views", longest=False) for d in (current, previous))
    assert f"{FMT.compact(views)} ▲ {FMT.signed_percent(views / views_before - 1)}" in summary
    assert f"({FMT.signed(views - views_before)})" in summary
    assert f"{FMT.compact(views_before)} in September 2026" in summary
    # Reach is unique accounts: never summed; the longest window, labelled as such.
    reach = _window_total(current, "reach", longest=True)
    assert FMT.compact(reach) in summary
    assert FMT.compact(_window_total(current, "reach", longest=False)) not in summary
    span = FMT.month_day_interval(dt.date(2026, 10, 1), dt.date(2026, 10, 30))
    assert f"{span} only (30 of 31 days)" in summary
    comments, before = (_window_total(d, "comments", longest=False) for d in (current, previous))
    assert comments < before  # the fixture's one falling metric: a down arrow and a minus
    assert f"{FMT.number(comments)} ▼ {FMT.signed_percent(comments / before - 1)}" in summary


@pytest.mark.slow
def test_highlights_come_from_the_data(normal: tuple[Rendered, Dataset, Dataset]) -> None:
    rendered, current, _ = normal
    best = max(
        (v, m) for m in current.media if (v := current.total(m.id, "views")) is not None
    )  # fmt: skip
    summary = " ".join(rendered.pages[1].split())
    assert f"published {FMT.date(best[1].timestamp)}: {FMT.number(best[0])} views." in summary
    gained = sum(o.value for o in current.series(current.account.id, "follower_count"))
    assert f"{FMT.number(gained)} accounts started following" in summary
    assert "Published 18 posts, 12 reels and 10 stories" in summary


@pytest.mark.slow
def test_pages_outline_and_metadata(normal: tuple[Rendered, Dataset, Dataset]) -> None:
    rendered, _, _ = normal
    reader = rendered.reader
    assert len(reader.pages) <= 8  # issue 12: sections follow on, per-post tables the top 10
    assert reader.metadata is not None
    assert reader.metadata.title == "Monthly Instagram report: Acme Coffee Roasters, October 2026"
    assert reader.metadata.author == "Northwind Social"
    assert "Acme Coffee" in (reader.metadata.subject or "")
    top = [item["/Title"] for item in reader.outline if not isinstance(item, list)]
    assert top == ["Summary", "Trends", "Breakdowns", "Audience", "Content", "Notes"]
    assert f"Page 2 of {len(reader.pages)}" in rendered.pages[1]
    assert "Acme Coffee · Acme Coffee Roasters · October 2026" in rendered.pages[1]  # two names
    cover = rendered.pages[0]
    for text in ("ACME COFFEE", "Monthly Instagram report", "October 2026", "@acmecoffee"):
        assert text in cover
    assert "compared with September 2026" in cover
    assert "Page" not in cover


@pytest.mark.slow
def test_content_tables_and_durations(normal: tuple[Rendered, Dataset, Dataset]) -> None:
    rendered, current, _ = normal
    reel = next(m for m in current.media if m.product_type == "REELS")
    watch = current.total(reel.id, "ig_reels_avg_watch_time")
    assert watch is not None
    assert FMT.duration(watch) in rendered.text  # "12.3 sec", not milliseconds
    # 12 reels: the table shows the top 10 by views, its total counts all 12; 10 stories: all.
    text = " ".join(rendered.text.split())
    assert "Total, all 12 reels" in text
    assert "The 10 reels with the most views. Full list of all 12 reels in the accompanying " in (
        text
    )
    assert "Total, 10 stories" in text


@pytest.mark.slow
def test_notes_name_meanings_gaps_and_the_delay(normal: tuple[Rendered, Dataset, Dataset]) -> None:
    rendered, _, _ = normal
    notes = " ".join(" ".join(rendered.pages[-2:]).split())
    assert "Accounts reached The number of unique accounts" in notes
    assert "Not enough viewers for the media to show insights" in notes
    assert "48 hours" in notes
    assert "Nov 2, 2026, 1:00 AM PST" in notes  # fetch time in the spec's timezone


@pytest.mark.slow
def test_csv_holds_every_table_with_raw_values(normal: tuple[Rendered, Dataset, Dataset]) -> None:
    rendered, current, _ = normal
    text = rendered.paths["csv"].read_bytes().decode("utf-8-sig")
    assert text.startswith("table,title,row,column,value\r\n")
    tables = {line.split(",", 1)[0] for line in text.splitlines()[1:]}
    assert {"trend_reach", "media_FEED", "media_REELS", "media_STORY"} <= tables
    assert "audience_follower_demographics_country" in tables
    reel = next(m for m in current.media if m.product_type == "REELS")
    watch = current.total(reel.id, "ig_reels_avg_watch_time")
    assert f"{reel.timestamp.isoformat()},Average watch time,{int(watch or 0)}" in text


@pytest.mark.slow
def test_csv_carries_the_kpi_totals_and_their_comparison(
    normal: tuple[Rendered, Dataset, Dataset],
) -> None:
    import csv
    import io

    rendered, current, previous = normal
    rows = list(csv.DictReader(io.StringIO(rendered.paths["csv"].read_text("utf-8-sig"))))
    kpis = {(r["row"], r["column"]): r["value"] for r in rows if r["table"] == "kpis"}
    views = totals.account_total(current, "views", additive=True).value
    before = totals.account_total(previous, "views", additive=True).value
    assert views is not None and before is not None
    columns = [c for (row, c) in kpis if row == "Views"]
    assert len(columns) == 5  # value, comparison, change, change (fraction), note
    assert float(kpis[("Views", columns[0])]) == views
    assert float(kpis[("Views", columns[1])]) == before
    assert float(kpis[("Views", "change")]) == views - before
    assert float(kpis[("Views", "change (fraction)")]) == pytest.approx((views - before) / before)


@pytest.mark.slow
def test_html_is_self_contained(normal: tuple[Rendered, Dataset, Dataset]) -> None:
    html = normal[0].html
    assert "<svg" in html and "<style>" in html
    # Nothing is loaded from elsewhere; the only outside URLs are links to the posts.
    links = re.findall(r'<a href="(https://www\.instagram\.com/[^"]*)">', html)
    assert links
    local = re.sub(r'<a href="https://www\.instagram\.com/[^"]*">', "<a>", html)
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:|#)""", local.replace("xlink:", ""))
    assert "http://" not in local.replace("http://www.w3.org/", "")
    assert "https://" not in local


@pytest.mark.slow
def test_many_unavailable_without_comparison(sparse: Rendered) -> None:
    summary = " ".join(sparse.pages[1].split())
    assert re.search(r"ACCOUNTS REACHED n/a\s?\(#10\) Not enough data for this account\.", summary)
    assert "No comparison period." in summary
    assert "▲" not in summary and "▼" not in summary
    audience = " ".join(sparse.text.split())
    assert "Follower demographics Not available for accounts with fewer than 100" in audience
    assert "New followers n/a Not available for accounts with fewer than 100" in audience
    assert "compared with" not in sparse.pages[0]
    assert len(sparse.reader.pages) <= 8


@pytest.mark.slow
def test_no_media_in_the_period(no_media: Rendered) -> None:
    text = " ".join(no_media.text.split())
    assert "Published in October 2026: 0 posts, 0 reels, 0 stories." in text
    assert "Nothing was published in this period." in text
    assert "The best" not in text  # no best-post highlight without posts
    assert "Navigation: story navigation n/a No media of the period had this breakdown." in text
    assert len(no_media.reader.pages) <= 8


def test_locale_formats_numbers_dates_and_durations() -> None:
    from reporter.render import build_html

    current = rs.dataset(rs.OCTOBER)
    previous = rs.dataset(rs.SEPTEMBER, seed=2, scale=0.9)
    texts = {}
    for locale in ("en_US", "de_DE"):
        spec = rs.spec(report={"client": "Acme", "locale": locale, "timezone": "Europe/Berlin"})
        texts[locale] = build_html(
            spec,
            spec.accounts[0],
            current,
            previous,
            catalogue=rs.CATALOGUE,
            thumbnails={},
            now=rs.FETCHED_AT,
        ).html
    views = _window_total(current, "views", longest=False)
    de = Formatter("de_DE", "Europe/Berlin")
    assert f">{FMT.compact(views)}<" in texts["en_US"]
    assert f">{de.compact(views)}<" in texts["de_DE"]  # 172.706 (no short form for thousands)
    assert "Oktober 2026" in texts["de_DE"] and "October 2026" in texts["en_US"]
    assert " Sek.<" in texts["de_DE"] and " sec<" in texts["en_US"]
    assert "02.11.2026, 10:00 MEZ" in texts["de_DE"]
    assert re.search(r"\+\d+,\d\u00a0%", texts["de_DE"])  # +22,2 % with a no-break space


def test_previous_year_comparison_is_labelled() -> None:
    from reporter.render import build_html

    current = rs.dataset(rs.OCTOBER)
    last_year = dataclasses.replace(
        rs.dataset(rs.OCTOBER, seed=3), since=dt.date(2025, 10, 1), until=dt.date(2025, 10, 31)
    )
    spec = rs.spec(report={"client": "Acme", "compare": "previous_year"})
    html = build_html(
        spec,
        spec.accounts[0],
        current,
        last_year,
        catalogue=rs.CATALOGUE,
        thumbnails={},
        now=rs.FETCHED_AT,
    ).html
    assert "compared with October 2025" in html
