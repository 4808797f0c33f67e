"""The periods agencies report on beyond months: quarters, the year to date, the last year —
resolved, labelled, compared, parsed, due, and rendered with honest unique counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support.cli import run_cli
from support.example import html_only

from reporter.periods import Period, comparison, parse_period, resolve
from reporter.run.due import candidates
from reporter.spec.models import Spec

D = dt.date
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("timeframe", "today", "expected", "label"),
    [
        ("last_quarter", D(2026, 12, 2), Period(D(2026, 7, 1), D(2026, 9, 30)), "2026-Q3"),
        ("last_quarter", D(2026, 2, 14), Period(D(2025, 10, 1), D(2025, 12, 31)), "2025-Q4"),
        ("last_quarter", D(2026, 4, 1), Period(D(2026, 1, 1), D(2026, 3, 31)), "2026-Q1"),
        ("this_quarter", D(2026, 12, 2), Period(D(2026, 10, 1), D(2026, 12, 2)), None),
        ("year_to_date", D(2026, 12, 2), Period(D(2026, 1, 1), D(2026, 12, 2)), None),
        ("last_year", D(2026, 12, 2), Period(D(2025, 1, 1), D(2025, 12, 31)), "2025"),
    ],
)
def test_resolve_and_label(
    timeframe: str, today: dt.date, expected: Period, label: str | None
) -> None:
    period = resolve(timeframe, today)  # type: ignore[arg-type]
    assert period == expected
    assert period.label == (label or f"{expected.since}..{expected.until}")
    assert parse_period(period.label) == period


def test_a_quarter_on_its_last_day_is_the_whole_quarter() -> None:
    period = resolve("this_quarter", D(2026, 12, 31))
    assert period.label == "2026-Q4" and period.is_calendar_quarter


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (Period(D(2026, 7, 1), D(2026, 9, 30)), Period(D(2026, 4, 1), D(2026, 6, 30))),
        (Period(D(2026, 1, 1), D(2026, 3, 31)), Period(D(2025, 10, 1), D(2025, 12, 31))),
        (Period(D(2025, 1, 1), D(2025, 12, 31)), Period(D(2024, 1, 1), D(2024, 12, 31))),
        # the year to date against the same days a year earlier, not the end of last year
        (Period(D(2026, 1, 1), D(2026, 12, 2)), Period(D(2025, 1, 1), D(2025, 12, 2))),
    ],
)
def test_previous_period(period: Period, expected: Period) -> None:
    assert comparison(period, "previous_period") == expected


def test_parse_quarters_and_years() -> None:
    assert parse_period("2026-q2") == Period(D(2026, 4, 1), D(2026, 6, 30))
    assert parse_period("2024") == Period(D(2024, 1, 1), D(2024, 12, 31))
    for bad in ("2026-Q5", "2026-Q0", "0000", "Q3"):
        with pytest.raises(ValueError, match="YYYY-Qn"):
            parse_period(bad)


def _spec(timeframe: str) -> Spec:
    return Spec.model_validate(
        {
            "report": {"client": "Acme", "timeframe": timeframe, "timezone": "Europe/Berlin"},
            "accounts": [{"id": "17841400000000001", "name": "Acme", "token_env": "T"}],
            "delivery": {"to": ["a@example.com"]},
        }
    )


def test_last_quarter_looks_back_over_quarters_as_months_do() -> None:
    now = dt.datetime(2026, 10, 5, 12, tzinfo=dt.UTC)
    found = candidates(_spec("last_quarter"), now, settle_hours=48)
    assert [c.period.label for c in found] == ["2026-Q2", "2026-Q3"]
    assert all(c.over and not c.not_due for c in found)
    # on the first day of a quarter the last one is still settling
    early = candidates(_spec("last_quarter"), dt.datetime(2026, 10, 1, 1, tzinfo=dt.UTC), 48)
    assert early[-1].not_due.startswith("not due yet")


def test_a_running_quarter_is_not_due_until_it_ends() -> None:
    now = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)
    (found,) = candidates(_spec("this_quarter"), now, settle_hours=48)
    assert found.period == Period(D(2026, 10, 1), D(2026, 12, 2)) and not found.over


@pytest.mark.slow
def test_a_quarter_report_says_which_days_its_unique_counts_cover(tmp_path: Path) -> None:
    # Acme's HTML is what is read: no PDF and no second account to render.
    spec = html_only((ROOT / "reports.example.toml").read_text(encoding="utf-8"),
                     first_account_only=True)  # fmt: skip
    spec = spec.replace('timeframe = "last_month" ', 'timeframe = "last_quarter"')
    assert 'timeframe = "last_quarter"' in spec
    (tmp_path / "q.toml").write_text(spec, encoding="utf-8")
    ran = run_cli(
        [
            *("render", str(tmp_path / "q.toml"), "--sandbox", "--out", str(tmp_path / "out")),
            *("--now", "2026-12-02T12:00:00+00:00"),
        ],
        env={"REPORTER_STORE": str(tmp_path / "store.sqlite3"), "XDG_STATE_HOME": str(tmp_path)},
    )
    assert ran.status == 0, ran.output
    (page,) = (tmp_path / "out").rglob("Acme-Coffee-Roasters-2026-Q3.html")
    text = " ".join(page.read_text(encoding="utf-8").split())
    assert "Q3 2026" in text and "Q2 2026" in text
    # Reach and accounts engaged: Meta's 30-day cap gives the first 30 of 92 days, and the card
    # says so; the engagement rate divides the interactions of those same days by their reach.
    assert text.count("1 – 30 Jul only (30 of 92 days)") >= 3, text[:2000]
