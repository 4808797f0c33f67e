"""The example run: `reporter run reports.example.toml --sandbox`, as the README's first command
runs it (in a process of its own), for both example accounts. Expensive (about 10 s: a fetch and
four PDFs' worth of rendering), so the session fixture ``example_run`` (tests/conftest.py) runs it
once."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pypdf

from support.cli import Ran

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
    modules: frozenset[str]  # what the run's own process had imported when it ended

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


# `reporter run ARGS...`, then the names of the modules it imported, into the file argv[1].
_RUN = """
import json, sys
from reporter.cli import main
try:
    main(sys.argv[2:])
except SystemExit as exit:
    status = exit.code
with open(sys.argv[1], "w", encoding="utf-8") as file:
    json.dump(sorted(sys.modules), file)
sys.exit(status)
"""


def run_example(root: Path) -> ExampleRun:
    """Run it into ``root / "out"``; the caller has made ``root / "home"`` the HOME (the
    process inherits the test's environment)."""
    out, modules = root / "out", root / "modules.json"
    args = ["run", str(EXAMPLE), "--sandbox", "--out", str(out), "--now", NOW]
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(modules), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
    )
    ran = Ran(done.returncode, done.stdout, done.stderr, done.stdout + done.stderr)
    loaded = json.loads(modules.read_text(encoding="utf-8")) if modules.exists() else []
    return ExampleRun(ran, out, root / "home", frozenset(loaded))


def html_only(spec: str, *, first_account_only: bool = False) -> str:
    """The example spec's text writing HTML only (no PDF, so no [delivery], which needs one):
    for the tests of what a run says or computes rather than of its PDFs, which cost most of
    a run. ``first_account_only``: Acme's report alone."""
    head, delivery = spec.split("\n[delivery]\n")
    rest = delivery[delivery.find("\n[") :] if "\n[" in delivery else ""
    spec = re.sub(r"(?m)^formats = \[.*$", 'formats = ["html"]', head, count=1) + rest
    assert 'formats = ["html"]' in spec and "[delivery]" not in spec
    if first_account_only:  # the second [[accounts]] table, up to the next table
        start = spec.index("[[accounts]]", spec.index("[[accounts]]") + 1)
        spec = spec[:start] + spec[spec.index("\n[", start) + 1 :]
        assert spec.count("[[accounts]]") == 1
    return spec
