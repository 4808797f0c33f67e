"""Load a spec file: TOML text → a plain dict, with `extends` resolved and every key's origin kept.

Problems come back as diagnostics, never as exceptions: a syntax error, a missing base file or an
`extends` cycle is something the user fixes in a file, so it gets a file, line and column.

Only regular files of at most ``MAX_BYTES`` are read, so an `extends` that names /dev/zero, a
FIFO or /dev/stdin is a diagnostic, not a read that never ends; keys nested deeper than
``MAX_DEPTH`` are one too (nothing after this module has to recurse without bound).
"""

from __future__ import annotations

import os
import re
import stat
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
    # The files of the `extends` chain as read, the spec's own first (a later file is a base).
    layers: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)
    texts: dict[Path, str] = field(default_factory=dict)
    bases: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    def origin(self, path: KeyPath) -> Path:
        """The file that wrote ``path`` (or its closest written ancestor): the first file of
        the chain holding it, as the spec's own keys win over its bases'. Looked up only for
        the keys a diagnostic names, so a valid spec costs nothing here."""
        for end in range(len(path), 0, -1):
            for source, data in self.layers:
                if _holds(data, path[:end]):
                    return source
        return self.path


def _holds(data: Any, path: KeyPath) -> bool:
    for part in path:
        in_table = isinstance(data, Mapping) and isinstance(part, str) and part in data
        in_array = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_table or in_array):
            return False
        data = data[part]
    return True


MAX_BYTES = 1 << 20  # 1 MiB: a spec is a few kB, a base with every option about 20 kB
MAX_DEPTH = 32  # a spec nests five or six levels ([media.metrics] REELS = [...])

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _read(path: Path) -> tuple[str | None, Diagnostic | None]:
    def problem(code: str, message: str) -> tuple[None, Diagnostic]:
        return None, Diagnostic("error", code, message, file=str(path))

    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer that never comes.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return problem("file-not-found", "no such file")
    except OSError as exc:
        return problem("unreadable", exc.strerror or str(exc))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "not a file")
            return problem("not-a-file", f"{kind}, not a spec file: name a .toml file")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return problem("unreadable", exc.strerror or str(exc))
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        return problem("file-too-large", f"larger than {MAX_BYTES // 1024} KiB: not a spec file")
    try:
        return data.decode("utf-8-sig"), None  # an editor's BOM is not TOML
    except UnicodeDecodeError as exc:
        return problem("not-utf8", f"not UTF-8 text ({exc.reason})")


def top_level_keys(path: Path, cache: ParseCache | None = None) -> set[str] | None:
    """The top-level keys of the TOML file at ``path``; None when it is not readable TOML.
    With ``cache``, the file is read once for this and for ``load``."""
    if cache is not None:
        _, data, problem = _read_and_parse(path, cache.resolve(path), cache)
        if problem is None or problem.code != "too-deep":  # too deep: its keys still count
            return set(data) if data is not None else None
    text, _ = _read(path)
    data = parse_toml(path, text)[0] if text is not None else None
    return set(data) if data is not None else None


def _too_deep(data: dict[str, Any]) -> KeyPath | None:
    """The first key path nested deeper than MAX_DEPTH (walked without recursion), or None."""
    stack: list[tuple[KeyPath, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if len(path) > MAX_DEPTH:
            return path
        if isinstance(value, Mapping):
            stack.extend(((*path, key), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in enumerate(value))
    return None


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


def merge(base: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key, the child wins; anything else (arrays too) is replaced whole."""
    out = dict(base)
    for key, value in child.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


Parsed = tuple[str | None, dict[str, Any] | None, Diagnostic | None]


@dataclass
class ParseCache:
    """What one run has read: each file's text and data by its resolved path, and the resolved
    path of each path as written (resolving costs a system call per folder of the path)."""

    files: dict[Path, Parsed] = field(default_factory=dict)
    resolved: dict[Path, Path] = field(default_factory=dict)

    def resolve(self, path: Path) -> Path:
        if (found := self.resolved.get(path)) is None:
            found = self.resolved[path] = path.resolve()
        return found


def _read_and_parse(path: Path, key: Path, cache: ParseCache | None) -> Parsed:
    if cache is not None and key in cache.files:
        return cache.files[key]
    text, problem = _read(path)
    data = None
    if text is not None:
        data, problem = parse_toml(path, text)
    if data is not None and (deep := _too_deep(data)) is not None:
        data, problem = (
            None,
            Diagnostic(
                "error",
                "too-deep",
                f"keys nest more than {MAX_DEPTH} levels deep; a spec needs a few",
                path=deep[: MAX_DEPTH + 1],
                file=str(path),
            ),
        )
    if cache is not None:
        cache.files[key] = (text, data, problem)
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
        resolved = cache.resolve(current) if cache is not None else current.resolve()
        if resolved in seen:
            cycle = " → ".join(str(p) for p in [*chain_paths(chain), current])
            spec.diagnostics.append(
                _extends_diagnostic(spec, chain, "extends-cycle", f"extends cycle: {cycle}", ())
            )
            return spec
        seen.append(resolved)
        text, data, problem = _read_and_parse(current, resolved, cache)
        if text is None and problem is not None:
            if chain:  # the base named by the previous file is not a spec: point at `extends`
                written = str(chain[-1][1]["extends"])
                looked = "" if str(current) == written else f" (looked for {current})"
                missing = problem.code == "file-not-found"
                problem = _extends_diagnostic(
                    spec,
                    chain,
                    "extends-missing" if missing else problem.code,
                    f"base spec {json_quote(written)} "
                    + (f"not found{looked}" if missing else f"is {problem.message}{looked}"),
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
        elif "\0" in parent:
            spec.diagnostics.append(
                Diagnostic(
                    "error",
                    "invalid-value",
                    "a path cannot hold a NUL character (\\u0000)",
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
    spec.layers = chain
    for _source, data in reversed(chain):
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
