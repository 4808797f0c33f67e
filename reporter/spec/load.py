"""Load a spec file: TOML text → a plain dict, with `extends` resolved and every key's origin kept.

Problems come back as diagnostics, never as exceptions: a syntax error, a missing base file or an
`extends` cycle is something the user fixes in a file, so it gets a file, line and column.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reporter.spec.diagnostics import Diagnostic, KeyPath

_TOML_POSITION = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")


@dataclass
class LoadedSpec:
    """A spec's merged data and, for each key path, the file that supplied it."""

    path: Path
    data: dict[str, Any]
    origins: dict[KeyPath, Path] = field(default_factory=dict)
    texts: dict[Path, str] = field(default_factory=dict)
    bases: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    def origin(self, path: KeyPath) -> Path:
        """The file that wrote ``path`` (or its closest written ancestor)."""
        for end in range(len(path), 0, -1):
            if (found := self.origins.get(path[:end])) is not None:
                return found
        return self.path


def _read(path: Path) -> tuple[str | None, Diagnostic | None]:
    try:
        return path.read_text(encoding="utf-8-sig"), None  # an editor's BOM is not TOML
    except FileNotFoundError:
        return None, Diagnostic("error", "file-not-found", "no such file", file=str(path))
    except UnicodeDecodeError as exc:
        return None, Diagnostic(
            "error", "not-utf8", f"not UTF-8 text ({exc.reason})", file=str(path)
        )
    except OSError as exc:
        return None, Diagnostic("error", "unreadable", exc.strerror or str(exc), file=str(path))


def parse_toml(path: Path, text: str) -> tuple[dict[str, Any] | None, Diagnostic | None]:
    try:
        return tomllib.loads(text), None
    except RecursionError:
        return None, Diagnostic(
            "error", "toml-syntax", "invalid TOML: nested too deeply to read", file=str(path)
        )
    except tomllib.TOMLDecodeError as exc:
        message, line, col = str(exc), None, None
        if match := _TOML_POSITION.match(message):
            message, line, col = match["msg"], int(match["line"]), int(match["col"])
        return None, Diagnostic(
            "error",
            "toml-syntax",
            f"invalid TOML: {message[:1].lower()}{message[1:]}",
            file=str(path),
            line=line,
            col=col,
        )


def _record(origins: dict[KeyPath, Path], data: Any, prefix: KeyPath, source: Path) -> None:
    if prefix:
        origins[prefix] = source
    if isinstance(data, Mapping):
        for key, value in data.items():
            _record(origins, value, (*prefix, key), source)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _record(origins, value, (*prefix, index), source)


def merge(base: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key, the child wins; anything else (arrays too) is replaced whole."""
    out = dict(base)
    for key, value in child.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


ParseCache = dict[Path, tuple[str | None, dict[str, Any] | None, Diagnostic | None]]


def _read_and_parse(
    path: Path, cache: ParseCache | None
) -> tuple[str | None, dict[str, Any] | None, Diagnostic | None]:
    key = path.resolve()
    if cache is not None and key in cache:
        return cache[key]
    text, problem = _read(path)
    data = None
    if text is not None:
        data, problem = parse_toml(path, text)
    if cache is not None:
        cache[key] = (text, data, problem)
    return text, data, problem


def load(path: Path, *, cache: ParseCache | None = None) -> LoadedSpec:
    """Load ``path`` and the chain of files it extends.

    ``cache`` shares parsed files across the specs of one run (a base extended by 200 client
    specs is read once); the parsed data is never mutated.
    """
    spec = LoadedSpec(path=path, data={})
    chain: list[tuple[Path, dict[str, Any]]] = []
    current: Path | None = path
    seen: list[Path] = []
    while current is not None:
        resolved = current.resolve()
        if resolved in seen:
            cycle = " → ".join(str(p) for p in [*chain_paths(chain), current])
            spec.diagnostics.append(
                _extends_diagnostic(spec, chain, "extends-cycle", f"extends cycle: {cycle}", ())
            )
            return spec
        seen.append(resolved)
        text, data, problem = _read_and_parse(current, cache)
        if text is None and problem is not None:
            if chain:  # the base named by the previous file is missing: point at its `extends`
                written = str(chain[-1][1]["extends"])
                looked = "" if str(current) == written else f" (looked for {current})"
                problem = _extends_diagnostic(
                    spec,
                    chain,
                    "extends-missing",
                    f"base spec {json_quote(written)} not found{looked}",
                    (),
                )
            spec.diagnostics.append(problem)
            return spec
        assert text is not None
        spec.texts[current] = text
        if problem is not None:
            spec.diagnostics.append(problem)
            return spec
        assert data is not None
        chain.append((current, data))
        parent = data.get("extends")
        if parent is None:
            current = None
        elif not isinstance(parent, str) or not parent.strip():
            spec.diagnostics.append(
                Diagnostic(
                    "error",
                    "invalid-type",
                    "expected a relative path (a string)",
                    path=("extends",),
                    file=str(current),
                )
            )
            return spec
        elif Path(parent).is_absolute():
            spec.diagnostics.append(
                Diagnostic(
                    "error",
                    "extends-absolute",
                    f"{json_quote(parent)} is absolute; write a path relative to this file",
                    path=("extends",),
                    file=str(current),
                )
            )
            return spec
        else:
            current = current.parent / parent
    spec.bases = [p for p, _ in chain[1:]]
    for source, data in reversed(chain):
        _record(spec.origins, data, (), source)
        spec.data = merge(spec.data, data)
    # `extends` and `abstract` describe a file, not the merged spec.
    spec.data.pop("extends", None)
    spec.data["abstract"] = bool(chain[0][1].get("abstract", False))
    if "abstract" not in chain[0][1]:
        spec.data.pop("abstract")
    return spec


def chain_paths(chain: list[tuple[Path, dict[str, Any]]]) -> list[Path]:
    return [p for p, _ in chain]


def json_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _extends_diagnostic(
    spec: LoadedSpec,
    chain: list[tuple[Path, dict[str, Any]]],
    code: str,
    message: str,
    hints: tuple[str, ...],
) -> Diagnostic:
    file = chain[-1][0] if chain else spec.path
    return Diagnostic("error", code, message, path=("extends",), file=str(file), hints=hints)
