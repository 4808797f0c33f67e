"""How the checks word things: quoting the user's values, listing choices, building diagnostics."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reporter.spec.diagnostics import Diagnostic, KeyPath

# Meta user tokens start with EAA (Facebook Login) or IG (Instagram Login) and run long.
_TOKEN = re.compile(r"^(EAA|IGQ|IGAA)[A-Za-z0-9_\-]{20,}$")


def q(value: object) -> str:
    """Quote a user's value the way messages show it."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def choices(values: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(q(v) for v in values[:limit])
    return shown + (", …" if len(values) > limit else "")


def looks_like_token(value: str) -> bool:
    return bool(_TOKEN.match(value))


def error(code: str, message: str, path: KeyPath, *hints: str) -> Diagnostic:
    return Diagnostic("error", code, message, path=path, hints=tuple(h for h in hints if h))


def warning(code: str, message: str, path: KeyPath, *hints: str) -> Diagnostic:
    return Diagnostic("warning", code, message, path=path, hints=tuple(h for h in hints if h))


def token_in_spec(path: KeyPath) -> Diagnostic:
    return error(
        "token-in-spec",
        "this looks like an access token (value not shown); tokens never go in a spec",
        path,
        "revoke it if this file was shared or committed",
        'put it in an environment variable and name that variable: token_env = "ACME_IG_TOKEN"',
    )


def token_paths(data: object) -> list[KeyPath]:
    """The key paths of the string values in raw TOML data that look like access tokens, in
    document order. Walked with a stack, not recursion: every spec of a run goes through it."""
    found: list[KeyPath] = []
    stack: list[tuple[KeyPath, object]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _TOKEN.match(value):
                found.append(path)
        elif isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))
    return found
