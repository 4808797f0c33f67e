"""Folders of specs: `validate`, `collect` (and `run`) check only report specs, and say in one
line which TOML files they left out."""

from __future__ import annotations

from pathlib import Path

from support.cli import run_cli
from support.example import EXAMPLE, NOW

NOT_SPECS = {
    "pyproject.toml": '[project]\nname = "reports"\nversion = "1"\n',
    ".ruff.toml": "line-length = 100\n[lint]\nselect = ['E']\n",
    "Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n[dependencies]\nserde = "1"\n',
    "tools/deploy.toml": '[server]\nhost = "example.org"\n',
}
NOTE = (
    "skipped 4 TOML files that are not report specs (no top-level report, accounts, extends, "
    "abstract): .ruff.toml, Cargo.toml, pyproject.toml, tools/deploy.toml\n"
)


def project(tmp_path: Path) -> Path:
    """A repository of report definitions that also holds other tools' TOML files."""
    root = tmp_path / "project"
    for name, text in NOT_SPECS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "clients").mkdir()
    (root / "clients" / "acme.toml").write_text(EXAMPLE.read_text(encoding="utf-8"))
    return root


def test_validate_checks_only_report_specs_and_names_what_it_skipped(tmp_path: Path) -> None:
    root = project(tmp_path)
    ran = run_cli(["validate", str(root), "--today", "2026-11-02"])
    assert ran.status == 0, ran.output
    assert ran.stderr == NOTE
    assert ran.stdout.endswith("1 spec checked: 0 errors, 3 warnings; all valid\n"), ran.stdout
    assert "pyproject" not in ran.stdout and "Cargo" not in ran.stdout


def test_a_file_that_is_not_toml_is_still_checked_as_a_spec(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "clients" / "typo.toml").write_text('[report\nclient = "x"\n', encoding="utf-8")
    ran = run_cli(["validate", str(root), "--today", "2026-11-02", "--format", "json"])
    assert ran.status == 1
    assert f'"file": "{root / "clients" / "typo.toml"}"' in ran.stdout  # stdout stays JSON
    assert ran.stderr.startswith(NOTE)


def test_collect_takes_a_folder(tmp_path: Path) -> None:
    root = project(tmp_path)
    ran = run_cli(
        ["collect", str(root), "--sandbox", "--now", NOW],
        env={"REPORTER_STORE": str(tmp_path / "store.sqlite3")},
    )
    assert ran.status == 0, ran.output
    assert ran.stdout.startswith("Acme Coffee Roasters day:2026-11-01: "), ran.stdout
    assert (tmp_path / "store.sandbox.sqlite3").exists()  # --sandbox: its own store beside
