"""How wide a label will be, and labels made to fit: shortened with an ellipsis, or wrapped.

No font is opened at render time: the widths are DejaVu Sans's (the default brand font, and
among the widest sans faces, so a narrower brand font only leaves more room), in hundredths of
an em, read once from DejaVuSans.ttf's hmtx table for the printable ASCII range. Wide East Asian
characters and emoji count one em, combining marks nothing, anything else 0.64 em.
"""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"
_ASCII = (
    32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 34, 34, 84, 84, 84, 53, 100, 68, 69, 70, 77, 63, 58, 77, 75, 29, 29, 66, 56, 86, 75,
    79, 60, 79, 69, 63, 61, 73, 68, 99, 69, 61, 69, 39, 34, 39, 84, 50, 50, 61, 63, 55, 63, 62, 35,
    63, 63, 28, 28, 58, 28, 97, 63, 61, 63, 63, 41, 52, 39, 63, 59, 82, 59, 59, 52, 64, 34, 64, 84,
)  # fmt: skip


def _em(char: str) -> int:
    code = ord(char)
    if 0x20 <= code < 0x7F:
        return _ASCII[code - 0x20]
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 100
    return 64


def width(text: str, size: float) -> float:
    """The advance of ``text`` at ``size`` (user units), a little generous."""
    return sum(_em(c) for c in text) * size / 100


def fit(text: str, room: float, size: float) -> str:
    """``text`` if it fits in ``room``, else as much of it as fits followed by an ellipsis."""
    if width(text, size) <= room:
        return text
    budget = room - width(ELLIPSIS, size)
    used = 0.0
    for end, char in enumerate(text):
        used += _em(char) * size / 100
        if used > budget:
            return text[:end].rstrip() + ELLIPSIS
    return text  # not reached: the whole text is wider than the room


def wrap(text: str, room: float, size: float, lines: int = 2) -> list[str]:
    """``text`` broken at spaces into at most ``lines`` lines of ``room``; the last line is
    shortened with an ellipsis if words are left over (a word too long for a line is too)."""
    words = text.split()
    out: list[str] = []
    while words and len(out) < lines - 1:
        line = words.pop(0)
        while words and width(f"{line} {words[0]}", size) <= room:
            line += " " + words.pop(0)
        if width(line, size) > room:  # one long word: shorten it rather than overflow
            words.insert(0, line)
            break
        out.append(line)
    if words:
        out.append(fit(" ".join(words), room, size))
    return out or [""]
