"""A type error in a required key does not hide the other checks of the same file."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli import run_cli
from support.example import EXAMPLE

TEXT = EXAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ('id = "17841400000000001"', "id = 5", ":26:6: error: accounts[0].id: expected a string; "
         "got 5 [invalid-type]"),
        ('client = "Acme Coffee Roasters"', "client = 5", ":14:10: error: report.client: expected "
         "a string; got 5 [invalid-type]"),
    ],
)  # fmt: skip
def test_a_wrong_type_in_a_required_key_still_checks_the_rest(
    tmp_path: Path, old: str, new: str, error: str
) -> None:
    assert old in TEXT
    path = tmp_path / "spec.toml"
    text = TEXT.replace(old, new, 1).replace('  "views",', '  "veews",', 1)
    path.write_text(text, encoding="utf-8")
    ran = run_cli(["validate", str(path), "--today", "2026-11-02"])
    assert ran.status == 1
    lines = [line for line in ran.stdout.splitlines() if ": error: " in line]
    unknown = f'{path}:42:3: error: account_metrics.metrics[0]: unknown account metric "veews"'
    assert f"{path}{error}" in lines and f"{unknown} [unknown-metric]" in lines, ran.stdout
    key = error.split(": ")[2]  # nothing about the placeholder that stood in for the bad value
    assert [line for line in lines if f": {key}" in line] == [f"{path}{error}"]
