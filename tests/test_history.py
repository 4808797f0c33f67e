"""History: the last months from the store, month by month, gaps shown as gaps with their
reason (never zeros), in the HTML table, its line chart and the PDF."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pypdf
import pytest
from support import render as rs

from reporter.dataset import AccountInfo
from reporter.periods import Period, months_up_to
from reporter.render import build_html, render_report
from reporter.run.history import history
from reporter.store.database import Store

SPEC = "/reports/acme.toml"


def _month(year: int, month: int) -> Period:
    return months_up_to(dt.date(year, month, 1), 1)[0]


def test_months_up_to_counts_back_across_a_year() -> None:
    months = months_up_to(dt.date(2026, 2, 14), 4)
    assert [m.label for m in months] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months[1] == Period(dt.date(2025, 12, 1), dt.date(2025, 12, 31))


@pytest.fixture
def months(tmp_path: Path) -> tuple:  # type: ignore[type-arg]
    """Reports of July and September kept in the store; August never made; October now."""
    with Store.open(tmp_path / "store.sqlite3") as store:
        for number, followers in ((7, 1180), (9, 1240)):
            ds = rs.dataset(_month(2026, number), seed=number)
            account = dataclasses.replace(ds.account, followers_count=followers)
            store.archive(SPEC, rs.ACCOUNT_ID, f"2026-{number:02}",
                          dataclasses.replace(ds, account=account), None, None,
                          now=rs.FETCHED_AT)  # fmt: skip
        current = rs.dataset(rs.OCTOBER)
        current = dataclasses.replace(
            current, account=AccountInfo(rs.ACCOUNT_ID, "acmecoffee", "Acme", followers_count=1302)
        )
        got = history(store, spec_key=SPEC, account_id=rs.ACCOUNT_ID, current=current,
                      previous=None, months=6, as_of=rs.FETCHED_AT)  # fmt: skip
    return got, current


def test_each_month_comes_from_its_report_or_is_a_gap(months: tuple) -> None:  # type: ignore[type-arg]
    got, _ = months
    assert [m.period.label for m in got] == [
        "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10",
    ]  # fmt: skip
    assert [bool(m.gap) for m in got] == [True, True, False, True, False, False]
    assert [m.values[0] for m in got if not m.gap] == [1180, 1240, 1302]  # followers then
    july = got[2]
    assert all(v is not None and v > 0 for v in july.values[1:])
    assert july.partial == ("reach",)  # 31 days: Meta's 30-day cap


def test_the_history_section_shows_gaps_with_their_reason(months: tuple) -> None:  # type: ignore[type-arg]
    got, current = months
    spec = rs.spec()
    html = build_html(spec, spec.accounts[0], current, None, thumbnails={}, now=rs.FETCHED_AT,
                      catalogue=rs.CATALOGUE, history=got).html  # fmt: skip
    section = html[html.index('<section class="history"') :]
    section = section[: section.index("</section>")]
    assert "<h2>The last 6 months</h2>" in section
    assert section.count("Before reporting began") == 2  # May, June
    assert section.count("No report was made for this month") == 1  # August
    assert ">1,180<" in section and ">1,302<" in section
    august = section[section.index("August 2026") :].split("</tr>")[0]
    assert ">0<" not in august and august.count("—") == 5  # dashes, never zeros
    assert "<svg" in section  # the line chart
    assert "Months without figures are gaps in the line." in section
    assert "* Instagram counts accounts reached over at most 30 days" in section


def test_a_rerender_ignores_reports_made_after_it_and_uses_its_own_comparison(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "store.sqlite3") as store:
        september = rs.dataset(rs.SEPTEMBER, seed=9)
        later = rs.FETCHED_AT + dt.timedelta(days=30)  # a catch-up report of August, made later
        store.archive(SPEC, rs.ACCOUNT_ID, "2026-08", rs.dataset(_month(2026, 8)), None, None,
                      now=later)  # fmt: skip
        current = rs.dataset(rs.OCTOBER)
        got = history(store, spec_key=SPEC, account_id=rs.ACCOUNT_ID, current=current,
                      previous=september, months=3, as_of=rs.FETCHED_AT)  # fmt: skip
    assert [bool(m.gap) for m in got] == [True, False, False]  # August: made after October's
    assert got[1].values[0] is None  # September from October's comparison: no follower count
    assert got[1].values[2] is not None and got[1].values[2] > 0


def test_one_month_of_figures_is_no_history() -> None:
    spec = rs.spec()
    current = rs.dataset(rs.OCTOBER)
    html = build_html(spec, spec.accounts[0], current, None, thumbnails={}, now=rs.FETCHED_AT,
                      catalogue=rs.CATALOGUE, history=()).html  # fmt: skip
    assert '<section class="history"' not in html


@pytest.mark.slow
def test_the_pdf_reads_back_the_history(months: tuple, tmp_path: Path) -> None:  # type: ignore[type-arg]
    got, current = months
    spec = rs.spec(output={"formats": ["pdf"]})
    files = render_report(spec, spec.accounts[0], current, None, thumbnails={},
                          out_root=tmp_path / "out", now=rs.FETCHED_AT,
                          catalogue=rs.CATALOGUE, history=got)  # fmt: skip
    text = "".join(p.extract_text() for p in pypdf.PdfReader(files[0]).pages)
    assert "The last 6 months" in text and "Before reporting began" in text
    assert "September 2026" in text and "1,240" in text
