"""`reporter init`: a repository of report definitions that validates as written."""

from __future__ import annotations

from pathlib import Path

from support.cli import run_cli

from reporter.commands.init import FILES


def test_the_scaffold_validates_strictly_and_is_never_overwritten(tmp_path: Path) -> None:
    made = run_cli(["init", str(tmp_path / "reports")])
    assert made.exit_code == 0, made.output
    root = tmp_path / "reports"
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) == sorted(FILES)
    checked = run_cli(["validate", "--strict", "--format", "github", str(root)])
    assert checked.exit_code == 0, checked.output
    assert checked.stderr == "2 specs checked: 0 errors, 0 warnings; all valid\n"
    hooks = (root / ".pre-commit-config.yaml").read_text()
    assert "id: reporter-validate" in hooks
    hook_ids = (Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text()
    assert "- id: reporter-validate" in hook_ids
    workflow = (root / ".github/workflows/validate.yml").read_text()
    assert "reporter validate --format github --strict ." in workflow
    assert ".env\n" in (root / ".gitignore").read_text()

    (root / "base.toml").write_text("# mine\n")
    again = run_cli(["init", str(root)])
    assert again.exit_code == 1
    assert "already exist(s); reporter init writes nothing over existing files" in again.stderr
    assert (root / "base.toml").read_text() == "# mine\n"
