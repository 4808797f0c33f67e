"""The one Jinja environment: the spec's template folder first, then the packaged templates.

Loader chain (first match wins):
1. the user's folder (``[report] template = "brand"``, relative to the spec), if any;
2. ``default/...``: the packaged default template by its full name, so a user's
   ``report.html.j2`` can ``{% extends "default/report.html.j2" %}`` and override blocks;
3. the packaged default folder unprefixed, so the default's own ``{% include "cover.html.j2" %}``
   picks up a user's ``cover.html.j2`` of the same name, or falls back to the packaged one.

Autoescape is on for every template (captions and every API string are untrusted), and
StrictUndefined turns a misspelt name in a template into an error instead of a blank.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from reporter.render import translations

ENTRY = "report.html.j2"
DEFAULT = "default"


def packaged_root() -> Path:
    """The packaged ``templates`` folder (a symlink in a checkout, real files in a wheel)."""
    return Path(str(resources.files("reporter") / "templates")).resolve()


def template_folders(user_folder: Path | None) -> tuple[Path, ...]:
    """Every folder templates (and the files they reference) may come from, most specific first."""
    default = packaged_root() / DEFAULT
    return (user_folder.resolve(), default) if user_folder is not None else (default,)


def resolve_template(name: str, spec_dir: Path | None) -> Path | None:
    """``[report] template``: ``default`` (None) or a folder relative to the spec's folder."""
    if name == DEFAULT:
        return None
    folder = (spec_dir or Path.cwd()) / name
    if not folder.is_dir():
        raise FileNotFoundError(f"report template folder not found: {folder}")
    return folder.resolve()


@functools.lru_cache(maxsize=8)
def environment(user_folder: Path | None = None) -> jinja2.Environment:
    """One environment per template folder, kept for the process (templates compile once)."""
    default = packaged_root() / DEFAULT
    loaders: list[jinja2.BaseLoader] = []
    if user_folder is not None:
        loaders.append(jinja2.FileSystemLoader(user_folder))
    loaders.append(jinja2.PrefixLoader({DEFAULT: jinja2.FileSystemLoader(default)}))
    loaders.append(jinja2.FileSystemLoader(default))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    translations.install(env)  # each render's context brings its report's language
    env.filters["css_font"] = css_font_family
    env.filters["direction"] = direction
    return env


def direction(text: str | None) -> str:
    """``rtl`` when the text's first strong character is right-to-left (Arabic, Hebrew), else
    ``ltr``: what HTML's ``dir="auto"`` does, which WeasyPrint 70 ignores (seen here: an Arabic
    caption in ``<p dir="auto">`` stayed left-aligned)."""
    for char in text or "":
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


_SAFE_FONTS = re.compile(r"^[A-Za-z0-9 ,_-]+$")


def css_font_family(families: str) -> Markup:
    """``Source Sans 3, sans-serif`` → ``"Source Sans 3", sans-serif`` for a CSS declaration.

    The spec's pattern already limits the text to letters, digits, spaces, commas, ``_`` and
    ``-`` (checked again here: this text goes into a <style> element unescaped); quoting each
    named family keeps names like "Source Sans 3" valid CSS.
    """
    if not _SAFE_FONTS.match(families):
        return Markup("sans-serif")
    generic = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
    parts = [p.strip() for p in families.split(",") if p.strip()]
    return Markup(", ".join(p if p in generic else f'"{p}"' for p in parts) or "sans-serif")
