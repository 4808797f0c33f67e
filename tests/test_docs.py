"""README.md documents every spec key and every command; these tests fail when it drifts.

`UPDATE_DOCS=1 pytest tests/test_docs.py` rewrites the generated spec reference block.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import click

from reporter.cli import main
from reporter.spec.schema import reference_markdown, reference_rows

README = Path(__file__).parent.parent / "README.md"
BEGIN, END = "<!-- spec-reference:begin -->", "<!-- spec-reference:end -->"


def test_spec_reference_is_generated_from_the_models() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    generated = f"\n{reference_markdown()}\n"
    if os.environ.get("UPDATE_DOCS") == "1":
        README.write_text(text[:start] + generated + text[end:], encoding="utf-8")
        text = README.read_text(encoding="utf-8")
        start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    assert text[start:end] == generated, "run UPDATE_DOCS=1 pytest tests/test_docs.py"
    for key, _, description in reference_rows():
        assert description, f"spec key {key} has no description"


def test_every_command_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `reporter (\w[\w -]*)`", text, flags=re.MULTILINE))
    assert set(_verbs(" ")) <= documented, set(_verbs(" ")) - documented


def _verbs(joiner: str) -> list[str]:
    """Every command, a group's as "group<joiner>verb" (`reporter store copy`)."""
    found = []
    for name, command in main.commands.items():
        if isinstance(command, click.Group):
            found += [f"{name}{joiner}{verb}" for verb in command.commands]
        else:
            found.append(name)
    return found


def test_readme_opens_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", text, flags=re.DOTALL)
    assert "reporter run reports.example.toml --sandbox" in blocks[0]
    assert "python -m pytest" in blocks[1]
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest -q" in ci and "python -m pytest -q" in blocks[1]


def test_every_setting_is_documented() -> None:
    from reporter.settings import Settings

    text = README.read_text(encoding="utf-8")
    missing = [n for n in Settings.model_fields if f"`REPORTER_{n.upper()}`" not in text]
    assert not missing, missing


def test_the_architecture_section_names_every_folder_module_and_verb() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Architecture") : text.index("## Tutorial")]
    package = README.parent / "reporter"
    folders = {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    modules = {p.name for p in package.glob("*.py")} - {"__init__.py", "__main__.py"}
    verbs = {p.name for p in (package / "commands").glob("*.py")} - {"__init__.py"}
    missing = [f"{f}/" for f in folders if f"`{f}/`" not in section]
    missing += [m for m in modules | verbs if f"`{m}`" not in section]
    assert not missing, missing
    assert len(modules) + 2 <= 12, "at most 12 modules directly in reporter/"
    assert set(_verbs("_")) == {v.removesuffix(".py") for v in verbs}, "one file per verb"
