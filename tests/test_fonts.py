"""Every script a client writes in: the scripts found in captions, the font check behind
`reporter doctor` and the run's warning, and a real PDF that draws emoji, Chinese, Japanese,
Korean, Arabic and accented captions with real fonts (the fonts README's "Fonts" names, which
.ci/run installs)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
from pathlib import Path

import pypdf
import pytest
from support import render as rs

from reporter.commands.doctor import doctor
from reporter.render import render_report
from reporter.render.environment import direction
from reporter.render.fonts import (
    SCRIPTS,
    font_warnings,
    missing,
    scripts_in,
    warning,
)
from reporter.world import World

CAPTIONS = (
    "Fresh roast day ☕🎉 thank you all! 👍🏽",
    "新しいブレンド、本日発売です。中文：新品上市",
    "오늘의 커피는 에티오피아 원두입니다",
    "قهوة عربية طازجة كل صباح",
    "Crème brûlée latte, Ærø, Łódź, São Paulo",
)


def test_scripts_are_found_once_each_in_a_stable_order() -> None:
    found = scripts_in([*CAPTIONS, None, "", "plain ascii only"])
    assert list(found) == [
        "Latin with accents",
        "Arabic",
        "Japanese kana",
        "Chinese and Japanese characters",
        "Korean",
        "Emoji",
    ]


def test_plain_text_punctuation_and_joiners_need_no_check() -> None:
    assert scripts_in(["Hello — “quoted” … 20 € ©", "x\u200d\ufe0f y"]) == {}


def test_a_script_outside_the_table_is_named_by_unicode() -> None:
    found = scripts_in(["ሰላም ቡና"])  # Ethiopic
    assert list(found) == ["Ethiopic"]
    assert found["Ethiopic"].sample in "ሰላም ቡና"


def test_missing_lists_only_scripts_no_font_has() -> None:
    scripts = list(scripts_in(CAPTIONS).values())
    fonts = {"é": ("DejaVu Sans",), "ع": ("DejaVu Sans",), "😀": ()}
    gone = missing(scripts, lambda char: fonts.get(char, ()))
    assert [s.name for s in gone] == [
        "Japanese kana",
        "Chinese and Japanese characters",
        "Korean",
        "Emoji",
    ]
    assert missing(scripts, lambda char: None) == []  # unknown is not reported as missing
    line = warning(gone[2], "acme.toml: Acme Coffee Roasters")
    assert line == (
        "warning: acme.toml: Acme Coffee Roasters uses Korean (한), which no installed font can "
        "show: the PDF would print empty boxes; install fonts-noto-cjk (Debian, Ubuntu) or "
        "google-noto-sans-cjk-fonts (Fedora) (README: Fonts)"
    )


def test_direction_follows_the_first_strong_character() -> None:
    assert direction("قهوة") == "rtl" and direction("שלום") == "rtl"
    assert direction("☕ 2026: قهوة") == "rtl"  # emoji and digits are neutral
    assert direction("Coffee قهوة") == "ltr" and direction("") == "ltr" and direction(None) == "ltr"


def _world() -> World:
    return World(
        now=dt.datetime(2026, 11, 2, tzinfo=dt.UTC), environ={}, out=io.StringIO(),
        err=io.StringIO(),
    )  # fmt: skip


def test_doctor_names_each_missing_script_and_its_package() -> None:
    world = _world()
    status = doctor(world=world, lookup=lambda char: () if char in "한😀" else ("Some Font",))
    text = world.out.getvalue()  # type: ignore[attr-defined]
    assert status == 1
    assert "ok       PDF engine: WeasyPrint " in text
    assert "ok       Arabic (ع): Some Font\n" in text
    assert (
        "problem  Korean (한): no installed font has it; install fonts-noto-cjk (Debian, "
        "Ubuntu) or google-noto-sans-cjk-fonts (Fedora)\n"
    ) in text
    assert "problem  Emoji (😀): no installed font has it; install fonts-noto-color-emoji" in text
    assert text.endswith(
        "2 problems: Korean, Emoji; captions in a script without a font print as empty boxes "
        "(README: Fonts)\n"
    )


def test_doctor_passes_when_every_script_has_a_font() -> None:
    world = _world()
    assert doctor(world=world, lookup=lambda char: ("Noto Sans",)) == 0
    lines = world.out.getvalue().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 + len(SCRIPTS) + 1 and lines[-1].startswith("All good")


def test_doctor_says_when_fontconfig_cannot_be_asked() -> None:
    world = _world()
    assert doctor(world=world, lookup=lambda char: None) == 1
    assert "cannot ask fontconfig (no fc-list); install fontconfig" in world.out.getvalue()  # type: ignore[attr-defined]


def _fonts_in(pdf: Path) -> set[str]:
    names: set[str] = set()
    for page in pypdf.PdfReader(pdf).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        names |= {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    return names


@pytest.mark.slow
def test_the_pdf_draws_every_script_with_a_real_font(tmp_path: Path) -> None:
    """With README's fonts installed (.ci/run installs them: under CI=true they must be there),
    every caption is drawn with a font that has it; on a machine without some of them, what
    reporter promises instead is the warning, and the scripts that have a font still show."""
    needed = scripts_in(CAPTIONS)
    absent = {s.name for s in missing(needed.values())}
    if os.environ.get("CI") == "true":
        assert not absent, f"install the fonts README's 'Fonts' names: {sorted(absent)}"
    for name in absent:
        assert font_warnings_for(name).startswith(f"warning: x uses {name} (")
    ds = rs.dataset(rs.OCTOBER, media_count=len(CAPTIONS))
    media = tuple(
        dataclasses.replace(m, caption=CAPTIONS[i % len(CAPTIONS)]) for i, m in enumerate(ds.media)
    )
    spec = rs.spec(output={"formats": ["html", "pdf"]})
    files = render_report(
        spec, spec.accounts[0], dataclasses.replace(ds, media=media), None,
        catalogue=rs.CATALOGUE, thumbnails={}, out_root=tmp_path, now=rs.FETCHED_AT,
    )  # fmt: skip
    html = next(p for p in files if p.suffix == ".html").read_text(encoding="utf-8")
    assert 'dir="rtl">قهوة عربية' in html  # Arabic reads right to left, aligned right
    assert 'dir="ltr">오늘의' in html
    pdf = next(p for p in files if p.suffix == ".pdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    words = {
        "Korean": "오늘의",
        "Japanese kana": "新しいブレンド",
        "Chinese and Japanese characters": "中文",
        "Arabic": "قهوة",
        "Latin with accents": "Crème brûlée",
        "Emoji": "☕🎉",
    }
    assert set(words) == set(needed)
    for name, word in words.items():
        if name not in absent:
            assert word in text, name
    fonts = _fonts_in(pdf)
    if not absent & {"Korean", "Chinese and Japanese characters"}:
        assert any("CJK" in font for font in fonts), fonts
    if "Emoji" not in absent:
        assert any("Emoji" in font for font in fonts), fonts


def font_warnings_for(name: str) -> str:
    return warning(scripts_in(CAPTIONS)[name], "x")


def test_a_run_warns_once_for_each_script_without_a_font() -> None:
    ds = rs.dataset(rs.OCTOBER, media_count=3)
    media = tuple(
        dataclasses.replace(m, caption=c) for m, c in zip(ds.media, CAPTIONS[1:4], strict=False)
    )
    ds = dataclasses.replace(ds, media=media)
    no_cjk = lambda char: () if char in "中か한" else ("DejaVu Sans",)  # noqa: E731
    warned: set[str] = set()
    first = font_warnings(ds, "acme.toml: Acme", warned=warned, lookup=no_cjk)
    assert [line.split(" uses ")[1].split(" (")[0] for line in first] == [
        "Japanese kana",
        "Chinese and Japanese characters",
        "Korean",
    ]
    assert font_warnings(ds, "acme.toml: Acme", warned=warned, lookup=no_cjk) == []
    commentary = "오늘 정말 좋았어요"  # the account manager's words are checked too
    plain = dataclasses.replace(ds, media=())
    assert len(font_warnings(plain, "x", commentary=commentary, lookup=no_cjk)) == 1
