"""The example run: `reporter run reports.example.toml --sandbox`, as the README's first command
runs it, for both example accounts. Expensive (about 10 s: a fetch and four PDFs' worth of
rendering), so the session fixture ``example_run`` (tests/conftest.py) runs it once."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pypdf

from support.cli import Ran, run_cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "reports.example.toml"
NOW = "2026-11-02T17:00:00+00:00"


def pdf_text(pdf: Path) -> str:
    # With many glyphs (the sandbox's Arabic and CJK captions) WeasyPrint embeds DejaVu as a
    # two-byte CID font; pypdf 7 then returns each character with a NUL before it (pdftotext
    # reads it cleanly). Dropping the NULs gives the text back.
    return "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages).replace("\x00", "")


@dataclass(frozen=True)
class ExampleRun:
    ran: Ran
    out: Path  # the run's --out
    home: Path  # its HOME: the sandbox's store is under it

    @property
    def env(self) -> dict[str, str]:
        """The run's HOME and XDG folders, for another command against the same store."""
        return {
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_STATE_HOME": str(self.home / ".local" / "state"),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
        }

    @functools.cached_property
    def pdfs(self) -> list[Path]:
        return sorted(self.out.rglob("*.pdf"))

    @functools.cached_property
    def text(self) -> str:
        """The first report's (Acme's) text, read back from its PDF."""
        return pdf_text(self.pdfs[0])


def run_example(root: Path) -> ExampleRun:
    """Run it into ``root / "out"``; the caller has made ``root / "home"`` the HOME."""
    out = root / "out"
    ran = run_cli(["run", str(EXAMPLE), "--sandbox", "--out", str(out), "--now", NOW])
    return ExampleRun(ran, out, root / "home")
