"""Issue 12, §3: every word of the report is for the client, read back from the HTML the
templates write (the example's PDF is read in test_render_cli.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as html_lib
import re
from pathlib import Path
from typing import Any

from support import render as rs

from reporter.dataset import Dataset, Observation
from reporter.deliver.content import compose, headline
from reporter.render import build_html
from reporter.render.formatting import MINUS, Formatter


def _html(current: Dataset | None = None, **overrides: Any) -> str:
    spec = rs.spec(**overrides)
    current = current or rs.dataset(rs.OCTOBER)
    return build_html(
        spec, spec.accounts[0], current, rs.dataset(rs.SEPTEMBER, seed=2, scale=1.4),
        catalogue=rs.CATALOGUE, thumbnails={}, now=rs.FETCHED_AT,
    ).html  # fmt: skip


def _text(html: str) -> str:
    body = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_no_command_lines_api_names_or_development_notes() -> None:
    text = _text(_html(goals={"engagement_rate": "4%", "reach": 50000}))
    assert "`" not in text and "reporter " not in text and "--" not in text
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", text)  # total_interactions, media.rank_by, …
    assert "in development" not in text and "Graph API" not in text
    assert "is called" not in text  # "The account metric is called `saves`"


def test_the_header_names_a_shared_name_once() -> None:
    same = _html(report={"client": "Acme Coffee Roasters", "title": "Monthly report"})
    assert '<div class="running running-title">Acme Coffee Roasters · October 2026</div>' in same
    two = _html(report={"client": "Acme Coffee", "title": "Monthly report"})
    assert "Acme Coffee · Acme Coffee Roasters · October 2026</div>" in two


def test_the_best_post_highlight_names_its_figure_once() -> None:
    media = {**rs.spec().media.model_dump(), "rank_by": "reach"}  # type: ignore[union-attr]
    text = _text(_html(media=media))
    best = re.search(r"The best \w+ of the period, published [^:]+: [\d,]+ accounts reached\.",
                     text)  # fmt: skip
    assert best, text
    assert not re.search(r"reached [\d,]+ accounts reached", text)


def _audience(html: str) -> str:
    return html[html.index('<section class="audience"') : html.index('<section class="content"')]


def test_ages_in_natural_order_unknown_last_with_shares() -> None:
    ds = rs.dataset(rs.OCTOBER)
    account = ds.account.id
    tf = ("timeframe", "THIS_MONTH")
    extra = [
        Observation(account, "follower_demographics", "lifetime", value, dimensions=(tf, age))
        for value, age in ((40.0, ("age", "13-17")), (12.0, ("age", "Unknown")))
    ]
    ds = dataclasses.replace(ds, observations=(*ds.observations, *extra))
    audience = _audience(_html(ds))
    followers = audience[: audience.index("Engaged audience")]
    ages = followers[followers.index("<h4>Age</h4>") :]
    ages = ages[: ages.index("</table>")]
    names = re.findall(r'<td class="name">([^<]+)</td>', ages)
    assert names == ["13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "Unknown"]
    # Each row: its count and its share of the whole.
    rows = re.findall(r'<td class="num">([\d,]+)</td><td class="num share">([\d.]+%)</td>', ages)
    assert len(rows) == 8
    counts = [int(c.replace(",", "")) for c, _ in rows]
    shares = [float(s.rstrip("%")) for _, s in rows]
    assert abs(sum(shares) - 100) < 0.5
    assert shares[-1] == round(100 * counts[-1] / sum(counts), 1)
    genders = followers[followers.index("<h4>Gender</h4>") :]
    assert re.findall(r'<td class="name">([^<]+)</td>', genders)[-1] == "Unknown"


def test_a_past_month_says_why_it_has_no_demographics() -> None:
    ds = rs.dataset(rs.OCTOBER)
    kept = tuple(o for o in ds.observations if "demographics" not in o.metric)
    past = dataclasses.replace(
        ds, observations=kept, fetched_at=dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    )
    audience = _text(_audience(_html(past)))
    assert (
        "Follower demographics Meta keeps audience demographics for the last 30 days only, so "
        "those of October 2026 are no longer available." in audience
    )
    assert "n/a" not in audience and "Meta returned no value" not in audience


def test_one_minus_sign_everywhere() -> None:
    # September 1.4 times October: every change is negative.
    text = _text(_html())
    assert MINUS + "28." in text or MINUS + "2" in text
    assert not re.search(r"(?<![\w.\-])-\d", text), re.findall(r".{20}(?<![\w.\-])-\d.{10}", text)
    assert Formatter("en_GB", "UTC").number(-44) == "\u221244"
    assert Formatter("sv_SE", "UTC").compact(-12345) == "\u221212,3\u00a0tn"


def test_compact_figures_follow_the_locale_and_spell_out_millions() -> None:
    big = rs.dataset(rs.OCTOBER, scale=8.0)  # views above a million
    gb = _text(_html(big, report={"client": "Acme", "locale": "en_GB"}))
    assert re.search(r"VIEWS \d\.\d million", gb.upper().replace("MILLION", "million")), gb[:600]
    assert not re.search(r"\d(\.\d)?m\b", gb)  # never CLDR's short "1.4m"
    assert re.search(r"\d+(\.\d)?k in September 2026", gb)  # thousands: the locale's short form
    fmt = Formatter("en_GB", "UTC")
    assert [fmt.compact(v, below=1_000) for v in (0, 5_000, 10_000, 15_000)] == [
        "0", "5k", "10k", "15k",
    ]  # fmt: skip
    assert Formatter("de_DE", "UTC").compact(3_000_000) == "3 Millionen"


def test_the_email_subject_says_the_month() -> None:
    spec = rs.spec(delivery={"to": ["a@b.example"]})
    account = spec.accounts[0]
    current = rs.dataset(rs.OCTOBER)
    figures = headline(spec, account, current, None, now=rs.FETCHED_AT, catalogue=rs.CATALOGUE)
    body = compose(spec, account, rs.OCTOBER, figures, spec_dir=Path("."))
    assert body.subject == "Acme Coffee: Instagram report October 2026"
    de = rs.spec(delivery={"to": ["a@b.example"]}, report={"client": "Acme", "locale": "de_DE"})
    assert compose(de, account, rs.OCTOBER, figures, spec_dir=Path(".")).subject.endswith(
        "Oktober 2026"
    )


def test_the_author_is_the_agency_never_the_client() -> None:
    assert '<meta name="author" content="Northwind Social">' in _html()
    without = _html(branding={"primary_color": "#1F3A5F"})
    assert 'name="author"' not in without
