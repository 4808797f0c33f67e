"""The report's words in the client's language: gettext catalogues compiled by Babel.

``reporter/locale/<lang>/LC_MESSAGES/messages.mo`` (compiled from ``messages.po``; README,
"Translations"). ``report.locale`` chooses the catalogue: ``de_DE`` reads ``de_DE`` if shipped,
else ``de``; a locale without one, or a message a catalogue lacks, stays English (gettext's own
fallback: the message id is the English text).

Templates get ``gettext``/``ngettext`` in their context (Jinja's i18n extension, new style), not
installed on the environment: environments are cached per template folder and shared by every
report the process renders, whatever its language.
"""

from __future__ import annotations

import functools
import gettext as gettext_module
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from babel.support import Translations
from markupsafe import Markup

from reporter.words import N_

__all__ = ["N_", "install", "template_callables", "translations"]

DOMAIN = "messages"


def locale_dir() -> Path:
    return Path(str(resources.files("reporter") / "locale"))


@functools.lru_cache(maxsize=16)
def translations(locale: str) -> gettext_module.NullTranslations:
    """The catalogue for ``de_DE``/``de``, or English (NullTranslations) when none is shipped."""
    found = Translations.load(str(locale_dir()), [locale], DOMAIN)
    return found


def template_callables(tr: gettext_module.NullTranslations) -> dict[str, Callable[..., str]]:
    """``gettext``, ``_`` and ``ngettext`` for a template's context, new style: ``%(name)s``
    placeholders filled from keyword arguments, escaped like every other value."""

    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, message: str, **variables: Any) -> str:
        text = tr.gettext(message)
        if context.eval_ctx.autoescape:
            return Markup(text) % variables
        return text % variables if variables else text

    @jinja2.pass_context
    def ngettext(
        context: jinja2.runtime.Context, singular: str, plural: str, num: int, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        text = tr.ngettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            return Markup(text) % variables
        return text % variables

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


def install(env: jinja2.Environment) -> jinja2.Environment:
    """Jinja's i18n extension, new style, English by default (a template imported without
    context, or rendered outside a report, still finds ``_``); a render's context overrides."""
    env.add_extension("jinja2.ext.i18n")
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(template_callables(gettext_module.NullTranslations()))
    return env


# --- extraction (pybabel extract, babel.cfg): the metrics' titles and definitions ---------------

MESSAGE_KEYS = ("title", "description")


def extract_toml(
    fileobj: Any, keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, str, list[str]]]:
    """A Babel extractor for the metric catalogues (``catalogue/metrics.toml``,
    ``derived/builtins.toml``): the title and description of every entry a report may show
    (removed metrics left out). Line numbers are 0: TOML's parser keeps none."""
    import tomllib

    data = tomllib.loads(fileobj.read().decode("utf-8"))
    for path, entry in _entries(data, ()):
        for key in MESSAGE_KEYS:
            text = entry.get(key)
            if isinstance(text, str) and text.strip():
                yield 0, "gettext", text, [".".join((*path, key))]
        for part, text in (entry.get("part_labels") or {}).items():  # Follows, Unfollows
            yield 0, "gettext", text, [".".join((*path, "part_labels", part))]


def _entries(node: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    if not isinstance(node, dict):
        return
    if isinstance(node.get("title"), str) and node.get("status") != "removed":
        yield path, node
    for key, value in node.items():
        yield from _entries(value, (*path, str(key)))
