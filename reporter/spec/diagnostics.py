"""Diagnostics: one problem found in a spec, and the one formatter for text, JSON and GitHub.

A diagnostic says where (file, line, column, key path), what (the user's value quoted, a stable
code) and what next (hints). Line and column are best effort: left out rather than guessed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from reporter.spec.locate import key_path_text

Severity = Literal["error", "warning"]
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    path: KeyPath = ()
    file: str | None = None
    line: int | None = None
    col: int | None = None
    hints: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        return key_path_text(self.path)

    def where(self) -> str:
        parts = [self.file or "<spec>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def headline(self) -> str:
        subject = f"{self.key}: " if self.path else ""
        return f"{subject}{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "code": self.code,
            "key": self.key or None,
            "message": self.message,
            "hints": list(self.hints),
        }


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    return (diagnostic.file or "", diagnostic.line or 0, diagnostic.col or 0, diagnostic.code)


def summary(diagnostics: Sequence[Diagnostic], files: int, *, strict: bool = False) -> str:
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    checked = f"{files} spec{'s' if files != 1 else ''} checked"
    counts = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    failing = errors + (warnings if strict else 0)
    tail = "nothing was fetched or sent" if failing else "all valid"
    return f"{checked}: {counts}; {tail}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_text(diagnostics: Sequence[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        lines.append(f"{d.where()}: {d.severity}: {d.headline()} [{d.code}]")
        lines.extend(f"    hint: {hint}" for hint in d.hints)
    return "\n".join(lines)


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([d.as_dict() for d in diagnostics], indent=2, ensure_ascii=False)


def _escape_github(text: str, *, prop: bool = False) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(diagnostics: Sequence[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        props = [f"file={_escape_github(d.file, prop=True)}"] if d.file else []
        if d.line is not None:
            props.append(f"line={d.line}")
            if d.col is not None:
                props.append(f"col={d.col}")
        props.append(f"title={_escape_github(d.code, prop=True)}")
        body = "\n".join([d.headline(), *(f"hint: {h}" for h in d.hints)])
        lines.append(f"::{d.severity} {','.join(props)}::{_escape_github(body)}")
    return "\n".join(lines)


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}
