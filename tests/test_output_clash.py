"""Two reports of one run that would write the same files (the same client and account names in
two specs, or a roll-up named as an account) stop the run before anything is fetched: the last
to finish would overwrite the other's PDF without a word."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli import run_cli
from support.fetch import ACME

SPEC = """
[report]
client = "Acme"
timezone = "UTC"
compare = "none"
timeframe = {{ since = 2026-10-01, until = 2026-10-31 }}
{extra}
[[accounts]]
id = "{account}"
name = "Acme"
token_env = "ACME_TOKEN"

[account_metrics]
metrics = ["reach"]
{tail}"""


def _write(folder: Path, name: str, extra: str = "", tail: str = "") -> Path:
    path = folder / name
    path.write_text(SPEC.format(account=ACME, extra=extra, tail=tail), encoding="utf-8")
    return path


def test_two_specs_writing_the_same_files_stop_before_any_fetch(tmp_path: Path) -> None:
    first, second = _write(tmp_path, "monthly.toml"), _write(tmp_path, "internal.toml")
    ran = run_cli(["run", str(first), str(second), "--sandbox", "--out", str(tmp_path / "o")])
    assert ran.exit_code == 2, ran.output
    assert "monthly.toml (Acme) and internal.toml (Acme) would write the same report files" in (
        ran.err
    )
    assert "output.directory" in ran.err and "internal" in ran.err
    assert not (tmp_path / "o").exists()  # nothing fetched, rendered or written


def test_a_folder_of_its_own_for_each(tmp_path: Path) -> None:
    first = _write(tmp_path, "monthly.toml")
    own = '[output]\ndirectory = "reports/{client}/{account}/internal/{period}"\n'
    second = _write(tmp_path, "internal.toml", tail=own)
    ran = run_cli(["run", str(first), str(second), "--sandbox", "--out", str(tmp_path / "o")])
    assert ran.exit_code == 0, ran.output
    pdfs = sorted(p.relative_to(tmp_path / "o") for p in (tmp_path / "o").rglob("*.pdf"))
    assert [str(p) for p in pdfs] == [
        "reports/Acme/Acme/2026-10/Acme-2026-10.pdf",
        "reports/Acme/Acme/internal/2026-10/Acme-2026-10.pdf",
    ]


@pytest.mark.parametrize("command", ["run", "render"])
def test_a_rollup_named_as_one_of_its_accounts(tmp_path: Path, command: str) -> None:
    rolled = _write(tmp_path, "rollup.toml", tail='[rollup]\nname = "Acme"\n')
    ran = run_cli([command, str(rolled), "--sandbox", "--out", str(tmp_path / "o")])
    assert ran.exit_code == 2, ran.output
    # the validator says it, at the line (the roll-up helper's check), before any fetch
    assert 'the roll-up\'s name "Acme" is the name of an account [rollup-name-taken]' in ran.err
    assert not (tmp_path / "o").exists()
