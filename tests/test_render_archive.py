"""Frozen snapshots: a rendered period is archived with its exact datasets; rendering it again
gives the same text even after the store changed, until --refresh."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pypdf
import pytest
from support.cli import run_cli

ROOT = Path(__file__).resolve().parents[1]
SPEC = """
[report]
client = "Acme"
timezone = "Europe/Berlin"
locale = "en_GB"

[[accounts]]
id = "17841400000000001"
name = "Acme"
token_env = "ACME_IG_TOKEN"

[account_metrics]
metrics = ["views", "reach", "engagement_rate"]

[goals]
views = 100000

[commentary]
file = "notes/{period}.md"

[output]
formats = ["pdf"]
"""


def _text(folder: Path) -> str:
    pdf = next(folder.rglob("*.pdf"))
    pages = pypdf.PdfReader(pdf).pages
    return "".join(p.extract_text() for p in pages).replace("\x00", "")


def _render(spec: Path, out: Path, now: str, *extra: str) -> str:
    args = ["render", str(spec), "--sandbox", "--period", "2026-10", "--out", str(out)]
    result = run_cli([*args, "--now", now, *extra])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.slow
def test_rerender_gives_the_same_text_until_refresh(tmp_path: Path) -> None:
    spec = tmp_path / "acme.toml"
    spec.write_text(SPEC, encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "2026-10.md").write_text("First *commentary*.", encoding="utf-8")
    first = _render(spec, tmp_path / "first", "2026-11-02T17:00:00+00:00")
    assert "from the archive" not in first
    before = _text(tmp_path / "first")
    assert "First commentary." in before and "Snapshot" in before

    # A later fetch changes the store, and the notes file is edited: the report does not change.
    store = next(Path.home().rglob("sandbox.sqlite3"))
    with sqlite3.connect(store) as db:
        db.execute(
            "UPDATE observations SET value = value + 1000 "
            "WHERE metric_id IN (SELECT id FROM metrics WHERE metric = 'views')"
        )
    (tmp_path / "notes" / "2026-10.md").write_text("Rewritten.", encoding="utf-8")
    again = _render(spec, tmp_path / "again", "2026-12-20T09:00:00+00:00", "--offline")
    assert "Acme: 2026-10 from the archive of 2 Nov 2026, 18:00 CET" in again
    assert _text(tmp_path / "again") == before

    # --refresh renders from what the store holds now, and archives that instead.
    _render(spec, tmp_path / "fresh", "2026-12-20T09:00:00+00:00", "--offline", "--refresh")
    fresh = _text(tmp_path / "fresh")
    assert fresh != before and "Rewritten." in fresh
    _render(spec, tmp_path / "later", "2027-01-05T09:00:00+00:00", "--offline")
    assert _text(tmp_path / "later") == fresh
