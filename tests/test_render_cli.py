"""`reporter run` end to end: the sandbox in-process, the fetcher, the store, then the reports.

One run of the README's first command for both example accounts, read back from the PDFs.
"""

from __future__ import annotations

from pathlib import Path

import pypdf
from support.cli import run_cli

from reporter.render.formatting import Formatter
from reporter.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-02T17:00:00+00:00"


def _text(pdf: Path) -> str:
    # With many glyphs (the sandbox's Arabic and CJK captions) WeasyPrint embeds DejaVu as a
    # two-byte CID font; pypdf 7 then returns each character with a NUL before it (pdftotext
    # reads it cleanly). Dropping the NULs gives the text back.
    return "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages).replace("\x00", "")


def test_run_example_against_the_sandbox_then_render_offline(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["run", str(ROOT / "reports.example.toml"), "--sandbox", "--out", str(out)]
    result = run_cli([*args, "--now", NOW])
    assert result.exit_code == 0, result.output
    pdfs = sorted(out.rglob("*.pdf"))
    assert [p.name for p in pdfs] == [
        "Acme-Coffee-Roasters-2026-10.pdf",
        "Nordlicht-Studio-2026-10.pdf",
    ]
    assert all(p.with_suffix(".html").exists() for p in pdfs)
    text = _text(pdfs[0])
    assert "Monthly Instagram report" in text and "October 2026" in text

    # The KPI card shows the stored dataset's views, as the report's locale writes them.
    found = sorted(Path.home().rglob("sandbox.sqlite3"))
    assert found, "the sandbox store was created under the test's HOME"
    with Store.open(found[0], write=False) as store:
        dataset = store.load_dataset("17841400000000001", "2026-10")
    assert dataset is not None
    fmt = Formatter("en_GB", "Europe/Berlin")
    windows = [
        o.value
        for o in dataset.observations
        if o.metric == "views" and not o.dimensions and o.metric_type == "total_value"
        and o.object_id == dataset.account.id
    ]  # fmt: skip
    assert fmt.compact(sum(windows)) in text

    # Rendering again from the store alone gives the same report text.
    before = text
    again = run_cli(
        ["render", str(ROOT / "reports.example.toml"), "--sandbox", "--offline",
         "--out", str(tmp_path / "again"), "--now", NOW],
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    pdf = next((tmp_path / "again").rglob("Acme-Coffee-Roasters-2026-10.pdf"))
    after = _text(pdf)
    assert after == before
