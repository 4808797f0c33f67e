"""Where a key path is written in a TOML document, so diagnostics can say FILE:LINE:COL.

tomllib returns plain values without positions. This module scans the text once (strings,
comments, headers, dotted keys, inline tables, arrays) and indexes every path it meets. It is
best-effort on purpose: at the first thing it cannot follow it stops, keeps what it indexed before
(those offsets are still true) and answers None for the rest, so a message leaves its line out
rather than point at the wrong place.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

Path = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BLANK = re.compile(r"[ \t]*")
_BLANK_LINES = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")
_END_OF_LINE = re.compile(r"[ \t]*(?:#[^\n]*)?(?:\r?\n|\Z)")
# Scalars end at a delimiter, not at a space: "1979-05-27 07:32:00" is one local date-time.
_SCALAR = re.compile(r"[^,\]}#\r\n]+")
_BASIC = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_LITERAL = re.compile(r"'([^'\n]*)'")
# A closing delimiter may be preceded by one or two quotes that belong to the content
# ('''it''''' ends with two apostrophes), hence the 3-to-5 quote run at the end.
_ML_BASIC = re.compile(r'"""(?:[^"\\]|\\.|"{1,2}(?!"))*"{3,5}', re.DOTALL)
_ML_LITERAL = re.compile(r"'''(?:[^']|'{1,2}(?!'))*'{3,5}", re.DOTALL)
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
_QUOTED = {char: "\\" + name for name, char in _ESCAPES.items()}
# Real specs nest a few levels. Bounding path length bounds recursion ("a = [[[[[[...") and the
# cost of indexing every prefix of a garbage key like "a.a.a.a....".
_MAX_PATH = 100


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    col: int  # 1-based, in characters (code points), not bytes


class _Stop(Exception):
    """The text stopped being TOML this scanner can follow."""


def _unescape_one(match: re.Match[str]) -> str:
    digits = match.group(1) or match.group(2)
    if digits:
        code = int(digits, 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise _Stop
        return chr(code)
    char = _ESCAPES.get(match.group(3))
    if char is None:
        raise _Stop
    return char


class _Scanner:
    """A recursive-descent reader that follows TOML's structure but decodes only keys: values
    matter here only for where they start and where they end."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        # path -> (offset of its key or header, offset of its value)
        self.found: dict[Path, tuple[int, int]] = {}
        # Paths only implied by a dotted key or a header ([a.b] implies a): a later explicit
        # definition ([a]) is the better place to point at, so it replaces them.
        self.implied: set[Path] = set()
        # Arrays of tables seen so far -> element count, to number [[a]] and to send [a.b]
        # to the last element of a.
        self.tables_in_array: dict[Path, int] = {}

    def define(self, path: Path, key_at: int, value_at: int) -> None:
        if len(path) > _MAX_PATH:
            raise _Stop
        if path not in self.found or path in self.implied:
            self.found[path] = (key_at, value_at)
            self.implied.discard(path)

    def imply(self, path: Path, at: int) -> None:
        if len(path) > _MAX_PATH:
            raise _Stop
        if path not in self.found:
            self.found[path] = (at, at)
            self.implied.add(path)

    def peek(self) -> str:
        return self.text[self.i : self.i + 1]

    def skip(self, pattern: re.Pattern[str]) -> None:
        match = pattern.match(self.text, self.i)
        if match is None:
            raise _Stop
        self.i = match.end()

    def run(self) -> None:
        table: Path = ()
        while True:
            self.skip(_BLANK_LINES)
            if self.i >= len(self.text):
                return
            if self.peek() == "[":
                table = self.header()
            else:
                self.keyval(table)
            self.skip(_END_OF_LINE)

    def header(self) -> Path:
        start = self.i
        double = self.text.startswith("[[", start)
        self.i += 2 if double else 1
        keys = self.key()
        closing = "]]" if double else "]"
        if not self.text.startswith(closing, self.i):
            raise _Stop
        self.i += len(closing)
        path: Path = ()
        for name, _ in keys[:-1]:
            path += (name,)
            self.imply(path, start)
            if path in self.tables_in_array:
                path += (self.tables_in_array[path] - 1,)
        path += (keys[-1][0],)
        if double:
            count = self.tables_in_array.get(path, 0)
            self.tables_in_array[path] = count + 1
            self.imply(path, start)
            path += (count,)
        self.define(path, start, start)
        return path

    def key(self) -> list[tuple[str, int]]:
        """A dotted key as (name, offset) parts; leaves the cursor after trailing blanks."""
        parts: list[tuple[str, int]] = []
        while True:
            self.skip(_BLANK)
            at = self.i
            match = (_BASIC if self.peek() == '"' else _LITERAL).match(self.text, at)
            if match is not None:
                name = match.group(1)
                if self.peek() == '"':
                    name = _ESCAPE.sub(_unescape_one, name)
            else:
                match = _BARE_KEY.match(self.text, at)
                if match is None:
                    raise _Stop
                name = match.group()
            parts.append((name, at))
            self.i = match.end()
            self.skip(_BLANK)
            if self.peek() != ".":
                return parts
            self.i += 1

    def keyval(self, table: Path) -> None:
        parts = self.key()
        if self.peek() != "=":
            raise _Stop
        self.i += 1
        self.skip(_BLANK)
        path = table
        for name, at in parts[:-1]:
            path += (name,)
            self.imply(path, at)
        path += (parts[-1][0],)
        self.define(path, parts[-1][1], self.i)
        self.value(path)

    def value(self, path: Path) -> None:
        char = self.peek()
        if char == "[":
            self.array(path)
        elif char == "{":
            self.inline_table(path)
        elif self.text.startswith('"""', self.i):
            self.skip(_ML_BASIC)
        elif self.text.startswith("'''", self.i):
            self.skip(_ML_LITERAL)
        elif char == '"':
            self.skip(_BASIC)
        elif char == "'":
            self.skip(_LITERAL)
        else:
            self.skip(_SCALAR)

    def array(self, path: Path) -> None:
        self.i += 1
        index = 0
        while True:
            self.skip(_BLANK_LINES)
            if self.peek() == "]":
                self.i += 1
                return
            element = (*path, index)
            self.define(element, self.i, self.i)
            self.value(element)
            index += 1
            self.skip(_BLANK_LINES)
            char = self.peek()
            self.i += 1
            if char == "]":
                return
            if char != ",":
                raise _Stop

    def inline_table(self, path: Path) -> None:
        self.i += 1
        # Newlines and a trailing comma are TOML 1.1 (not tomllib 3.11); accepting them costs
        # nothing and cannot misplace anything.
        while True:
            self.skip(_BLANK_LINES)
            if self.peek() == "}":
                self.i += 1
                return
            self.keyval(path)
            self.skip(_BLANK_LINES)
            char = self.peek()
            self.i += 1
            if char == "}":
                return
            if char != ",":
                raise _Stop


class TomlIndex:
    """Every path of one document with its offsets; build once, then `find` many times."""

    def __init__(self, text: str) -> None:
        scanner = _Scanner(text)
        # What was indexed before an unreadable part is still right, so it is kept.
        with contextlib.suppress(_Stop):
            scanner.run()
        self._found = scanner.found
        self._line_starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def find(self, path: Sequence[str | int], *, value: bool = False) -> Position | None:
        offsets = self._found.get(tuple(path))
        if offsets is None:
            return None
        offset = offsets[1] if value else offsets[0]
        line = bisect.bisect_right(self._line_starts, offset)
        return Position(line, offset - self._line_starts[line - 1] + 1)


@functools.lru_cache(maxsize=16)
def _index(text: str) -> TomlIndex:
    return TomlIndex(text)


def locate(text: str, path: Sequence[str | int], *, value: bool = False) -> Position | None:
    """Where the key at `path` is written in the TOML document `text`.

    `path` nests like tomllib's result: ("media", "metrics", "REELS", 2) is the third element of
    the array media.metrics.REELS; ("accounts", 1, "token_env") is token_env in the second
    [[accounts]] table or in the second inline table of `accounts = [...]`.

    A path ending in a key gives that key (the last part of a dotted key), or with value=True
    the first character of its value. A path ending in an index gives that array element, or the
    [[header]] of that table. A table written only as a header ([report], [[accounts]]) gives the
    header's "["; a table only implied (by `a.b = 1` or `[a.b]`) gives the first dotted key part
    or header that names it. Anything not found, or past a part of the text that is not TOML
    (or nested absurdly deep), gives None.
    """
    return _index(text).find(path, value=value)


def _quote(key: str) -> str:
    escaped = []
    for char in key:
        if char in _QUOTED:
            escaped.append(_QUOTED[char])
        elif char < " " or char == "\x7f":
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def key_path_text(path: Sequence[str | int]) -> str:
    """("media", "metrics", "REELS", 2) -> media.metrics.REELS[2]; odd keys quoted as in TOML."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            bare = _BARE_KEY.fullmatch(part) is not None
            text += ("." if text else "") + (part if bare else _quote(part))
    return text
