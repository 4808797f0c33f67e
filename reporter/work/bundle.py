"""A spec's folder as a task carries it: workers share no filesystem with the enqueuing host.

The spec file, what it extends, its commentary (Markdown), logo, templates and message template
live in or under the spec's folder; those files travel with the task (base64 in JSON), up to
``MAX_BYTES``. Reports, archives, caches and hidden folders stay home. Tokens never travel: a
worker reads them from its own environment (or `.env`), as `reporter run` does.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from reporter.errors import UsageError

# What a spec folder holds that a report is made from (templates, logos, fonts, commentary).
SUFFIXES = frozenset(
    {".toml", ".md", ".txt", ".j2", ".css", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg",
     ".ttf", ".otf", ".woff", ".woff2"}
)  # fmt: skip
MAX_BYTES = 20_000_000
SKIPPED = frozenset({"reports", "node_modules", "__pycache__"})


def pack(spec_path: Path) -> dict[str, Any]:
    """The spec's folder: ``{"spec": relative name, "files": {relative path: base64}}``."""
    root = spec_path.resolve().parent
    files: dict[str, str] = {}
    total = 0
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") or part in SKIPPED for part in relative.parts[:-1]):
            continue
        if not path.is_file() or path.suffix.lower() not in SUFFIXES or path.name.startswith("."):
            continue
        data = path.read_bytes()
        total += len(data)
        if total > MAX_BYTES:
            raise UsageError(
                f"{root}: the spec's folder holds more than {MAX_BYTES // 1_000_000} MB of "
                "templates, pictures and notes to send to the workers; move other files out "
                "of it; nothing was sent"
            )
        files[relative.as_posix()] = base64.b64encode(data).decode("ascii")
    return {"spec": spec_path.resolve().relative_to(root).as_posix(), "files": files}


def unpack(bundle: dict[str, Any], folder: Path) -> Path:
    """The bundle's files written under ``folder``; returns the spec file's path there."""
    for name, text in bundle["files"].items():
        target = (folder / name).resolve()
        if not target.is_relative_to(folder.resolve()):  # "../x" from a forged task
            raise UsageError(f"task bundle: {name!r} is outside the spec's folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(text))
    return folder / str(bundle["spec"])
