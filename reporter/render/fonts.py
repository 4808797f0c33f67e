"""Which writing systems a report's text uses, and whether an installed font can draw them.

WeasyPrint draws text with Pango, which picks, for each character, the first font in the CSS
``font-family`` list that has it and otherwise any installed font that has it (fontconfig's
fallback). A character no installed font has comes out as an empty box (□) in the PDF, silently.
So the question for each script is only "does any installed font cover it?", which fontconfig
answers: ``fc-list :charset=HEX`` lists the fonts with a glyph for that code point.

The fonts named in ``Script.packages`` are the ones README's "Fonts" section recommends; each was
checked here by rendering a sample with WeasyPrint 70 and reading the PDF's embedded fonts
(``pdffonts``): Noto Color Emoji draws emoji in colour, Noto Sans CJK draws Chinese, Japanese and
Korean, DejaVu Sans and Noto Sans Arabic draw Arabic right to left.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reporter.dataset import Dataset

NOTO_CORE = "fonts-noto-core (Debian, Ubuntu) or google-noto-sans-fonts (Fedora)"
NOTO_CJK = "fonts-noto-cjk (Debian, Ubuntu) or google-noto-sans-cjk-fonts (Fedora)"
NOTO_EMOJI = "fonts-noto-color-emoji (Debian, Ubuntu) or google-noto-color-emoji-fonts (Fedora)"
DEJAVU = "fonts-dejavu-core (Debian, Ubuntu) or dejavu-sans-fonts (Fedora)"


@dataclass(frozen=True)
class Script:
    name: str
    ranges: tuple[tuple[int, int], ...]
    sample: str  # one character that stands for the script in the font check
    packages: str  # what to install when no font has it


# Ranges from the Unicode blocks (https://www.unicode.org/charts/); emoji are the pictographic
# blocks plus the older symbols and dingbats that emoji presentation uses.
SCRIPTS: tuple[Script, ...] = (
    Script("Latin with accents", ((0x00C0, 0x024F), (0x1E00, 0x1EFF)), "é", DEJAVU),
    Script("Greek", ((0x0370, 0x03FF), (0x1F00, 0x1FFF)), "Ω", DEJAVU),
    Script("Cyrillic", ((0x0400, 0x052F),), "Ж", DEJAVU),
    Script("Hebrew", ((0x0590, 0x05FF),), "ש", NOTO_CORE),
    Script(
        "Arabic",
        ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
        "ع",
        NOTO_CORE,
    ),
    Script("Devanagari", ((0x0900, 0x097F),), "क", NOTO_CORE),
    Script("Bengali", ((0x0980, 0x09FF),), "ক", NOTO_CORE),
    Script("Tamil", ((0x0B80, 0x0BFF),), "த", NOTO_CORE),
    Script("Thai", ((0x0E00, 0x0E7F),), "ก", NOTO_CORE),
    Script("Georgian", ((0x10A0, 0x10FF),), "ა", NOTO_CORE),
    Script("Armenian", ((0x0530, 0x058F),), "Ա", NOTO_CORE),
    Script("Japanese kana", ((0x3040, 0x30FF), (0x31F0, 0x31FF)), "か", NOTO_CJK),
    Script(
        "Chinese and Japanese characters",
        # with the CJK punctuation (、。「」) and full-width forms (：！) these texts use
        (
            (0x3000, 0x303F),
            (0x3400, 0x4DBF),
            (0x4E00, 0x9FFF),
            (0xF900, 0xFAFF),
            (0xFF00, 0xFFEF),
            (0x20000, 0x2FFFF),
        ),
        "中",
        NOTO_CJK,
    ),
    Script("Korean", ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF)), "한", NOTO_CJK),
    Script(
        "Emoji",
        ((0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2B00, 0x2BFF)),
        "😀",
        NOTO_EMOJI,
    ),
)


def _script_of(code: int) -> Script | None:
    for script in SCRIPTS:
        if any(low <= code <= high for low, high in script.ranges):
            return script
    return None


def scripts_in(texts: Iterable[str | None]) -> dict[str, Script]:
    """The scripts the texts use beyond plain ASCII, each once, in the order of SCRIPTS.

    A character of no listed script (Khmer, Ethiopic, a symbol) stands for its script, named by
    the first word of its Unicode name, so the check still asks fontconfig about it."""
    found: dict[str, Script] = {}
    for text in texts:
        if not text or text.isascii():
            continue
        for char in set(text):
            code = ord(char)
            if code < 0x80 or unicodedata.category(char) in ("Zs", "Cc", "Cf", "Mn", "Sk"):
                continue  # spaces, joiners, variation selectors and combining marks ride along
            script = _script_of(code)
            if script is None:
                if code < 0x100 or 0x2000 <= code <= 0x214F:  # Latin-1, punctuation, currency
                    continue
                name = unicodedata.name(char, f"U+{code:04X}").split()[0].title()
                script = Script(name, ((code, code),), char, NOTO_CORE)
            found.setdefault(script.name, script)
    order = {s.name: i for i, s in enumerate(SCRIPTS)}
    return dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))


FontLookup = Callable[[str], tuple[str, ...] | None]


@functools.cache
def installed_fonts(char: str) -> tuple[str, ...] | None:
    """The families of installed fonts that have ``char``; None when fontconfig's ``fc-list``
    is not there to ask (package fontconfig)."""
    program = shutil.which("fc-list")
    if program is None:
        return None
    try:
        done = subprocess.run(
            [program, "--format=%{family[0]}\n", f":charset={ord(char):x}"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return tuple(sorted({line.strip() for line in done.stdout.splitlines() if line.strip()}))


def missing(scripts: Iterable[Script], lookup: FontLookup = installed_fonts) -> list[Script]:
    """The scripts no installed font can draw (unknown when fontconfig cannot be asked)."""
    return [script for script in scripts if lookup(script.sample) == ()]


def warning(script: Script, where: str) -> str:
    """One line for the operator: what will print as boxes, and what to install."""
    return (
        f"warning: {where} uses {script.name} ({script.sample}), which no installed font can "
        f"show: the PDF would print empty boxes; install {script.packages} (README: Fonts)"
    )


def dataset_texts(current: Dataset, commentary: str | None = None) -> list[str | None]:
    """Every text of a report that comes from its author or from Meta: captions, the account's
    names and bio, the commentary."""
    account = current.account
    names = [account.name, account.username, account.biography] if account else []
    return [*names, commentary, *(m.caption for m in current.media)]


def font_warnings(
    current: Dataset,
    where: str,
    *,
    commentary: str | None = None,
    warned: set[str] | None = None,
    lookup: FontLookup = installed_fonts,
) -> list[str]:
    """The warnings for the scripts of this report that no font can draw; a script in
    ``warned`` is not warned about again (one line a run, not one a report)."""
    seen = warned if warned is not None else set()
    found = scripts_in(dataset_texts(current, commentary))
    gaps = missing([s for s in found.values() if s.name not in seen], lookup)
    seen.update(found)
    lines = [warning(s, where) for s in gaps]
    return lines
