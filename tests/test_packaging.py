"""The templates ship with the package: a checkout reaches them through the symlink
``reporter/templates -> ../templates``, a wheel through real files at the same place."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from reporter.render.environment import ENTRY, environment, packaged_root

ROOT = Path(__file__).resolve().parent.parent


def test_the_packaged_templates_folder_holds_the_default_report_and_the_email() -> None:
    root = packaged_root()
    assert root.is_dir(), f"{root} is not a folder: was the symlink reporter/templates lost?"
    assert (root / "default" / ENTRY).is_file()
    assert (root / "email" / "message.html.j2").is_file()


def test_the_default_report_template_loads() -> None:
    assert environment().get_template(ENTRY).name == ENTRY


@pytest.mark.slow
def test_the_wheel_holds_every_file_the_package_reads(tmp_path: Path) -> None:
    """A plain `pip install` (CI steps, the pre-commit hook) gets a wheel, not the checkout:
    every data file under reporter/ (the catalogue, the built-in derived metrics, the
    templates through the symlink) must be in it. Built from a copy, so the checkout stays
    clean."""
    source = tmp_path / "src"
    for name in ("pyproject.toml", "README.md", "reporter", "templates"):
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
        else:
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(origin, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), "."],
        cwd=source, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("reporter-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {n for n in archive.namelist() if n.startswith("reporter/")}
    package = ROOT / "reporter"
    needed = {
        f"reporter/{(Path(folder) / name).relative_to(package).as_posix()}"
        for folder, _, names in os.walk(package, followlinks=True)  # through the symlink
        for name in names
        if "__pycache__" not in Path(folder).parts
    }
    assert needed - shipped == set()
    assert "reporter/derived/builtins.toml" in shipped
    assert "reporter/templates/default/report.html.j2" in shipped
