"""`reporter validate PATH...`: check report specs against Meta's metric catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reporter.errors import ExitStatus, UsageError
from reporter.spec.diagnostics import FORMATTERS, summary
from reporter.spec.load import ParseCache
from reporter.spec.validate import find_specs, skipped_note, validate_files
from reporter.world import World


def validate(paths: Sequence[Path], *, output_format: str, strict: bool, world: World) -> int:
    """Exit status: 0 valid, 1 invalid (warnings too with ``strict``), 2 no spec found."""
    cache = ParseCache()  # a file is read once, to tell specs apart and to validate it
    files, skipped = find_specs(paths, cache=cache)
    if skipped:  # on stderr: stdout stays the diagnostics (JSON with --format json)
        world.err.write(skipped_note(skipped, paths) + "\n")
    results = validate_files(files, now=world.now, catalogue=world.catalogue, cache=cache)
    if not results:
        folders = ", ".join(str(p) for p in paths)
        raise UsageError(f"no spec (*.toml) found in {folders}")
    diagnostics = [d for r in results for d in r.diagnostics]
    if text := FORMATTERS[output_format](diagnostics):
        world.out.write(text + "\n")
    stream = world.out if output_format == "text" else world.err
    stream.write(summary(diagnostics, len(results), strict=strict) + "\n")
    failing = any(d.severity == "error" or strict for d in diagnostics)
    return int(ExitStatus.FAILED if failing else ExitStatus.OK)
