"""Validation in stages: syntax (TOML), shape (the models), meaning (the catalogue).

Every problem is collected, never raised. When the shape is wrong only in keys that can be
dropped (an unknown key, a bad optional value), those keys are set aside and the meaning checks
still run on the rest, so one run reports an unknown key and an unknown metric together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reporter.catalogue import Catalogue
from reporter.errors import ExitStatus, ReporterError, UsageError
from reporter.periods import today_in
from reporter.spec.check_derived import check_commentary
from reporter.spec.check_values import check_files
from reporter.spec.check_wording import token_in_spec, token_paths
from reporter.spec.checks import check
from reporter.spec.diagnostics import Diagnostic, KeyPath, format_text, sort_key
from reporter.spec.load import LoadedSpec, ParseCache, load, top_level_keys
from reporter.spec.locate import locate
from reporter.spec.models import Spec
from reporter.spec.shape import shape_diagnostics

_KEY_CODES = {
    "unknown-key",
    "token-in-spec",
    "invalid-key",
    "breakdown-on-time-series",
    "breakdown-without-metric",
    "product-type-not-selected",
    "missing-timeframe",
}
_PRUNE_ROUNDS = 8


@dataclass
class FileResult:
    path: Path
    spec: Spec | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


class InvalidSpec(ReporterError):
    """A spec that does not validate; carries its diagnostics."""

    exit_status = ExitStatus.USAGE

    def __init__(self, results: Sequence[FileResult]) -> None:
        self.results = list(results)
        count = sum(len(r.errors) for r in self.results)
        names = ", ".join(str(r.path) for r in self.results if r.errors)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in {names}")

    def details(self) -> str:
        return format_text([d for r in self.results for d in r.diagnostics])


def _drop(data: Any, path: KeyPath) -> bool:
    """Remove the dict key at ``path``; False when it is not a dict key (cannot prune)."""
    *parents, last = path
    for part in parents:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False
    if isinstance(data, dict) and last in data:
        del data[last]
        return True
    return False


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data


def _shape(
    data: dict[str, Any], *, abstract: bool
) -> tuple[Spec | None, list[Diagnostic], list[KeyPath]]:
    """The model, if the data can be made valid by dropping bad keys, the shape errors, and
    the paths given a placeholder.

    A bad value is dropped (a bad list item takes its whole list with it, so that the paths of
    later rounds still point into the file) and the rest validated again, so the meaning checks
    still run on everything else. A required key missing only because it was dropped (a
    required value of the wrong type: ``id = 5``) is not reported a second time: it gets a
    placeholder of the right type, and whatever the checks say about it is left out."""
    found: list[Diagnostic] = []
    dropped: list[KeyPath] = []
    filled: list[KeyPath] = []
    try:
        return Spec.model_validate(data), found, filled  # valid as written: no copy to prune
    except ValidationError:
        pass
    work = _copy(data)
    for _ in range(_PRUNE_ROUNDS):
        try:
            return Spec.model_validate(work), found, filled
        except ValidationError as exc:
            diagnostics = shape_diagnostics(exc, work)
        if abstract:
            found.extend(d for d in diagnostics if d.code != "missing-key")
            return None, found, filled
        echoes = [d for d in diagnostics if d.code == "missing-key" and d.path in dropped]
        rest = [d for d in diagnostics if d not in echoes]
        found.extend(rest)
        if not diagnostics or any(d.code == "missing-key" for d in rest):
            return None, found, filled
        if not all(_fill(work, d.path) for d in echoes):
            return None, found, filled
        filled.extend(d.path for d in echoes)
        keys = [_key_path(d.path) for d in rest]
        if not all(key and _drop(work, key) for key in dict.fromkeys(keys)):
            return None, found, filled
        dropped.extend(key for key in keys if key)
    return None, found, filled


# Values that satisfy the shapes of a spec's required keys (an id, a name, an env var name).
_PLACEHOLDERS: tuple[Any, ...] = ("0", "X", 0, False)


def _fill(work: dict[str, Any], path: KeyPath) -> bool:
    """Give the required key at ``path`` the first placeholder its model accepts."""
    *parents, last = path
    parent: Any = work
    for part in parents:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return False
    if not isinstance(parent, dict):
        return False
    for value in _PLACEHOLDERS:
        parent[last] = value
        try:
            Spec.model_validate(work)
        except ValidationError as exc:
            if all(d.path != path for d in shape_diagnostics(exc, work)):
                return True
        else:
            return True
    del parent[last]
    return False


def _key_path(path: KeyPath) -> KeyPath:
    """The path of the table key holding ``path``: ``output.formats[1]`` → ``output.formats``."""
    keys = list(path)
    while keys and not isinstance(keys[-1], str):
        keys.pop()
    return tuple(keys)


def _token_scan(data: dict[str, Any]) -> list[Diagnostic]:
    return [token_in_spec(path) for path in token_paths(data)]


def _position(spec: LoadedSpec, diagnostic: Diagnostic) -> Diagnostic:
    if diagnostic.line is not None or not diagnostic.path:
        return diagnostic if diagnostic.file else replace(diagnostic, file=str(spec.path))
    origin = Path(diagnostic.file) if diagnostic.file else spec.origin(diagnostic.path)
    text = spec.texts.get(origin, "")
    on_key = diagnostic.code in _KEY_CODES or (
        isinstance(diagnostic.path[-1], int) is False and (diagnostic.code == "missing-key")
    )
    target = diagnostic.path
    position = locate(text, target, value=not on_key)
    if position is None and diagnostic.code in ("missing-key", "missing-timeframe"):
        parent = target[:-1] if diagnostic.code == "missing-key" else target
        position = locate(text, parent) if parent else None
    if position is None:
        return replace(diagnostic, file=str(origin))
    return replace(diagnostic, file=str(origin), line=position.line, col=position.col)


def validate_file(
    path: Path,
    *,
    now: dt.datetime,
    catalogue: Catalogue,
    standalone: bool = True,
    cache: ParseCache | None = None,
    loaded: LoadedSpec | None = None,
) -> FileResult:
    """All diagnostics for one spec file (and the files it extends). ``now`` is the run's
    moment: "today" is its day in the spec's timezone; ``loaded``, the file already loaded."""
    loaded = load(path, cache=cache) if loaded is None else loaded
    if not loaded.ok:
        located = [_position(loaded, d) for d in loaded.diagnostics]
        return FileResult(path, None, sorted(located, key=sort_key))
    abstract = bool(loaded.data.get("abstract")) or not standalone
    tokens = _token_scan(loaded.data)
    spec, diagnostics, filled = _shape(loaded.data, abstract=abstract)
    if spec is not None:
        checked = check(spec, catalogue, today := _today(spec, now))
        if not abstract:
            checked += check_files(spec, path.parent)
        checked += check_commentary(spec, path.parent, today)
        diagnostics += [d for d in checked if not any(d.path[: len(f)] == f for f in filled)]
    # A token written in the spec is the one thing to fix there: it supersedes the other
    # complaints about that key and the "missing token_env" of the same table.
    covered = {d.path for d in tokens} | {(*d.path[:-1], "token_env") for d in tokens}
    diagnostics = tokens + [d for d in diagnostics if d.path not in covered]
    located = [_position(loaded, d) for d in diagnostics]
    return FileResult(path, None if abstract else spec, sorted(located, key=sort_key))


def _today(spec: Spec, now: dt.datetime) -> dt.date:
    """The run's day in the spec's timezone; in UTC while that timezone is unknown (the value
    checks report it)."""
    try:
        return today_in(spec.report.timezone, now)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return now.astimezone(dt.UTC).date()


# TOML files a repository of report definitions may hold that are not specs.
NOT_SPECS = frozenset({"pyproject.toml", "taplo.toml", ".taplo.toml", "ruff.toml", ".ruff.toml"})
# What makes a TOML file in a folder a report spec: one of these top-level keys. A base spec
# holds [report] defaults or says `abstract`; a client spec `extends` a base or lists accounts.
SPEC_KEYS = ("report", "accounts", "extends", "abstract")


def find_specs(
    paths: Iterable[Path], *, cache: ParseCache | None = None
) -> tuple[list[Path], list[Path]]:
    """The spec files among ``paths`` and the TOML files left out. Files given are specs; in a
    folder (*.toml, recursively, sorted; hidden folders such as .git and .venv left out) a file
    is one when it has a SPEC_KEYS key at its top level, or is not even TOML (so that its
    syntax error is shown): pyproject.toml, .ruff.toml or a Cargo.toml are left out."""
    specs: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if not path.is_dir():
            specs.append(path)
            continue
        for found in sorted(path.rglob("*.toml")):
            if any(part.startswith(".") for part in found.relative_to(path).parts[:-1]):
                continue
            if not found.is_file():
                continue
            keys = set() if found.name in NOT_SPECS else top_level_keys(found, cache)
            if keys is None or keys & set(SPEC_KEYS):  # None: not TOML, its errors are shown
                specs.append(found)
            else:
                skipped.append(found)
    return specs, skipped


def expand(paths: Iterable[Path]) -> list[Path]:
    """The spec files among ``paths`` (see ``find_specs``)."""
    return find_specs(paths)[0]


def skipped_note(skipped: Sequence[Path], paths: Sequence[Path]) -> str:
    """One line on the TOML files a folder held that were not checked as specs."""
    roots = [p for p in paths if p.is_dir()]

    def shown(found: Path) -> str:
        root = next((r for r in roots if found.is_relative_to(r)), None)
        return str(found.relative_to(root)) if root is not None else str(found)

    noun = "file" if len(skipped) == 1 else "files"
    keys = ", ".join(SPEC_KEYS)
    return (
        f"skipped {len(skipped)} TOML {noun} that are not report specs (no top-level "
        f"{keys}): {', '.join(shown(f) for f in skipped)}"
    )


def validate_files(
    files: Sequence[Path],
    *,
    now: dt.datetime,
    catalogue: Catalogue,
    cache: ParseCache | None = None,
) -> list[FileResult]:
    """Validate spec files. A file another file in the set extends is a base: it is checked
    through its children, and on its own only for syntax and unknown keys. Each file is read
    and parsed once (``cache``, shared with ``find_specs``), however many files extend it."""
    cache = cache or ParseCache()
    loaded = [load(f, cache=cache) for f in files]
    bases = {cache.resolve(b) for spec in loaded for b in spec.bases}
    return [
        validate_file(
            f,
            now=now,
            catalogue=catalogue,
            standalone=cache.resolve(f) not in bases,
            cache=cache,
            loaded=spec,
        )
        for f, spec in zip(files, loaded, strict=True)
    ]


def validate_paths(
    paths: Iterable[Path], *, now: dt.datetime, catalogue: Catalogue
) -> list[FileResult]:
    """Validate files and the spec files in folders (``find_specs``)."""
    cache = ParseCache()
    files = find_specs(paths, cache=cache)[0]
    return validate_files(files, now=now, catalogue=catalogue, cache=cache)


def load_specs(
    paths: Sequence[Path], *, now: dt.datetime, catalogue: Catalogue
) -> list[tuple[Path, Spec]]:
    """The specs (not the bases) in files and folders; InvalidSpec if any has an error."""
    results = validate_paths(paths, now=now, catalogue=catalogue)
    if any(r.errors for r in results):
        raise InvalidSpec([r for r in results if r.errors])
    found = [(r.path, r.spec) for r in results if r.spec is not None]
    if not found:
        raise UsageError(f"no report spec in {', '.join(map(str, paths))}")
    return found


def load_spec(path: Path, *, now: dt.datetime, catalogue: Catalogue) -> Spec:
    """The validated spec at ``path``; raises InvalidSpec with its diagnostics otherwise."""
    result = validate_file(path, now=now, catalogue=catalogue)
    if result.errors or result.spec is None:
        raise InvalidSpec([result])
    return result.spec
