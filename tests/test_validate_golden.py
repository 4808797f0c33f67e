"""Golden files: each broken spec under tests/specs/invalid/ gives exactly the expected diagnostics.

After an intended change of wording, regenerate them with
`UPDATE_GOLDEN=1 pytest tests/test_validate_golden.py` and review the diff like code.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.cli import run_cli

INVALID = Path(__file__).parent / "specs" / "invalid"
CASES = sorted(p.stem for p in INVALID.glob("*.toml"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def run_validate(case: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(INVALID)
    result = run_cli(["validate", "--today", "2026-11-23", f"{case}.toml"])
    return result.exit_code, result.output


def test_the_corpus_is_there() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = run_validate(case, monkeypatch)
    expected_file = INVALID / f"{case}.expected"
    if UPDATE:
        expected_file.write_text(output, encoding="utf-8")
    assert output == expected_file.read_text(encoding="utf-8")
    assert code == 1, "a spec with errors exits 1"
    assert "Traceback" not in output
