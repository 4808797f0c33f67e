"""Dataset(s) + spec + catalogue → the template context, one section builder at a time.

``SECTIONS`` is the list of (name, builder) pairs; each builder (in ``sections/``) takes the same
``Inputs`` and returns a plain view-model value the templates read as ``{{ name }}``. A new
section is a builder module, a line here, its name in ``spec.models.SectionName`` and a block in
the template; nothing else changes. The spec's ``report.sections`` chooses which are built and
their order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reporter.render.inputs import Inputs
from reporter.render.sections import (
    audience,
    campaigns,
    commentary,
    content,
    cover,
    goals,
    history,
    notes,
    summary,
    trends,
)
from reporter.render.translations import N_, template_callables

SectionBuilder = Callable[[Inputs], Any]

SECTIONS: tuple[tuple[str, SectionBuilder], ...] = (
    ("cover", cover.build),
    ("summary", summary.build),
    ("goals", goals.build),
    ("commentary", commentary.build),
    ("trends", trends.build),
    ("history", history.build),
    ("breakdowns", trends.breakdowns),
    ("audience", audience.build),
    ("content", content.build),
    ("campaigns", campaigns.build),
    ("notes", notes.build),
)


def chosen(names: Sequence[str]) -> tuple[tuple[str, SectionBuilder], ...]:
    """The cover, then the spec's ``report.sections`` in its order (each once)."""
    builders = dict(SECTIONS)
    return (("cover", cover.build), *((n, builders[n]) for n in dict.fromkeys(names)))


def build(
    inputs: Inputs, sections: tuple[tuple[str, SectionBuilder], ...] | None = None
) -> dict[str, Any]:
    """The template context: each chosen section's view model by name (the others are None),
    the order they come in (``sections``), plus what every page needs."""
    if sections is None:
        sections = chosen(inputs.spec.report.sections)
    context: dict[str, Any] = {name: None for name, _ in SECTIONS}
    context |= {
        "fmt": inputs.fmt,
        **template_callables(inputs.fmt.translations),  # gettext, _, ngettext: the report's words
        "brand": inputs.branding,
        "report": inputs.spec.report,
        "period": inputs.period_label,
        "comparison": inputs.comparison_label,
        "has_media": inputs.spec.media is not None,
        "has_audience": inputs.spec.audience is not None,
    }
    context["sections"] = [name for name, _ in sections if name != "cover"]
    for name, builder in sections:
        context[name] = builder(inputs)
    context["contents"] = contents(context, context["sections"], inputs.fmt.gettext)
    return context


# The sections with a heading of their own, as the table of contents lists them (goals and
# commentary sit in the summary).
TITLES = {
    "summary": N_("Summary"),
    "trends": N_("Trends"),
    "breakdowns": N_("Breakdowns"),
    "audience": N_("Audience"),
    "content": N_("Content"),
    "campaigns": N_("Campaigns"),
    "notes": N_("Notes"),
}


def contents(
    values: dict[str, Any], names: Sequence[str], gettext: Callable[[str], str] = str
) -> list[tuple[str, str]]:
    """(section, title) of each section the report shows, in its order."""
    found: list[tuple[str, str]] = []
    for name in names:
        value = values.get(name)
        if name == "history" and value:
            found.append((name, value.title))
        elif name in TITLES and (value or name in ("summary", "notes")):
            found.append((name, gettext(TITLES[name])))
    return found
