"""Campaigns: `[[media.campaigns]]` choose posts by id or permalink, hashtag, caption text and a
date sub-range; the validator checks each with file:line; the report shows each campaign's
posts and totals (HTML, PDF, CSV read back)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import textwrap
from pathlib import Path

import pypdf
import pytest
from support.cli import run_cli

from reporter import catalogue
from reporter.dataset import MediaItem
from reporter.spec.models import Campaign
from reporter.spec.selection import hashtags, matches
from reporter.spec.validate import validate_file

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
BASE = """\
    [report]
    client = "Acme"
    timezone = "Europe/Berlin"

    [[accounts]]
    id = "17841400000000001"
    name = "Acme"
    token_env = "ACME_IG_TOKEN"

    [media]
    product_types = ["FEED", "REELS"]
    rank_by = "reach"
    metrics = { FEED = ["reach"], REELS = ["reach"] }
    """


def _item(caption: str | None = None, *, at: str = "2026-10-10T10:00:00+00:00",
          permalink: str | None = None, id: str = "17900000000000001") -> MediaItem:  # fmt: skip
    return MediaItem(id, "1784", "FEED", "IMAGE", dt.datetime.fromisoformat(at),
                     permalink=permalink, caption=caption)  # fmt: skip


def test_a_post_matches_any_criterion_within_the_dates() -> None:
    tz = "Europe/Berlin"
    tagged = Campaign(name="Autumn", hashtags=["#AutumnBlend"])
    assert matches(tagged, _item("New roast #autumnblend ☕"), tz)
    assert not matches(tagged, _item("New roast #autumnblends"), tz)  # another hashtag
    assert not matches(tagged, _item(None), tz)
    by_text = Campaign(name="x", caption=["Autumn Blend"])
    assert matches(by_text, _item("our autumn blend is back"), tz)
    link = "https://www.instagram.com/p/Cx12ab/"
    by_link = Campaign(name="x", media=["https://instagram.com/p/Cx12ab"])
    assert matches(by_link, _item("", permalink=link), tz)
    by_id = Campaign(name="x", media=["17900000000000001"])
    assert matches(by_id, _item(""), tz) and not matches(by_id, _item("", id="179"), tz)
    dated = Campaign(name="x", since=dt.date(2026, 10, 11), until=dt.date(2026, 10, 20))
    # 23:30 UTC on the 10th is already the 11th in Berlin: the spec's timezone decides the day
    assert matches(dated, _item("a", at="2026-10-10T23:30:00+00:00"), tz)
    assert not matches(dated, _item("a", at="2026-10-10T21:30:00+00:00"), tz)
    assert hashtags("#パン and #Coffee, #coffee!") == {"パン", "coffee"}


def test_the_validator_names_every_wrong_campaign_value(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(textwrap.dedent(BASE) + textwrap.dedent("""\

        [[media.campaigns]]
        name = "Autumn"
        hashtags = ["autumnblend"]
        media = ["1790x", "https://example.com/p/abc/"]
        since = 2026-10-20
        until = 2026-10-05

        [[media.campaigns]]
        name = "Spring"
        hashtag = ["#spring"]
        """), encoding="utf-8")  # fmt: skip
    result = validate_file(spec, now=NOW, catalogue=catalogue.load())
    found = {(d.code, d.line) for d in result.diagnostics}
    assert ("invalid-hashtag", 17) in found
    assert ("invalid-media-id", 18) in found and ("invalid-media", 18) in found
    assert ("invalid-range", 19) in found
    unknown = [d for d in result.diagnostics if d.line == 24]
    assert unknown and any('"hashtags"' in h for d in unknown for h in d.hints), unknown
    hint = next(d for d in result.diagnostics if d.code == "invalid-hashtag").hints
    assert hint == ('write "#autumnblend"',)


def test_a_campaign_outside_the_period_is_a_warning(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(textwrap.dedent(BASE) + textwrap.dedent("""\

        [[media.campaigns]]
        name = "Spring"
        since = 2026-03-01
        until = 2026-03-31
        """), encoding="utf-8")  # fmt: skip
    result = validate_file(spec, now=NOW, catalogue=catalogue.load())
    (warning,) = [d for d in result.diagnostics if d.code == "campaign-outside-period"]
    assert warning.severity == "warning" and not result.errors


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example spec (it has the #autumnblend campaign), rendered against the sandbox."""
    tmp = tmp_path_factory.mktemp("campaign")
    spec = (ROOT / "reports.example.toml").read_text(encoding="utf-8")
    spec = spec.replace('formats = ["html", "pdf"]', 'formats = ["html", "pdf", "csv"]')
    (tmp / "spec.toml").write_text(spec, encoding="utf-8")
    ran = run_cli(
        [
            "render",
            str(tmp / "spec.toml"),
            "--sandbox",
            "--out",
            str(tmp / "out"),
            "--now",
            "2026-12-02T12:00:00+00:00",
        ],
        env={"REPORTER_STORE": str(tmp / "store.sqlite3"), "XDG_STATE_HOME": str(tmp)},
    )
    assert ran.status == 0, ran.output
    return next((tmp / "out").rglob("Acme-Coffee-Roasters-2026-11.html")).parent


def test_the_report_shows_the_campaign_with_its_posts_and_totals(example: Path) -> None:
    (csv_file,) = example.glob("*.csv")
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text("utf-8-sig"))))
    posts = {r["row"] for r in rows if r["table"] == "campaign_1"}
    captions = [r["value"] for r in rows if r["table"] == "campaign_1" and r["column"] == "Caption"]
    assert posts and len(captions) == len(posts)
    assert all("#autumnblend" in c.casefold() for c in captions)
    every = [
        r["value"] for r in rows if r["table"].startswith("media_") and r["column"] == "Caption"
    ]
    assert sum("#autumnblend" in c for c in every) == len(posts)  # every tagged post, no other
    views = sum(float(r["value"]) for r in rows
                if r["table"] == "campaign_1" and r["column"] == "Views")  # fmt: skip
    (html_file,) = example.glob("*.html")
    text = " ".join(re.sub(r"<[^>]+>", " ", html_file.read_text("utf-8")).split())
    assert f"Campaign #autumnblend: {len(posts)} posts" in text
    assert f"Views {int(views):,}" in text
    (pdf_file,) = example.glob("*.pdf")
    pdf = " ".join(p.extract_text() for p in pypdf.PdfReader(pdf_file).pages)
    assert "#autumnblend" in pdf.replace(" ", "")
