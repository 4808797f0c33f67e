"""Dataset(s) + spec + catalogue → the template context, one section builder at a time.

``SECTIONS`` is the list of (name, builder) pairs; each builder (in ``sections/``) takes the same
``Inputs`` and returns a plain view-model value the templates read as ``{{ name }}``. A new
section is a builder module, a line here and a block in the template; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reporter.render.inputs import Inputs
from reporter.render.sections import (
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

SectionBuilder = Callable[[Inputs], Any]

SECTIONS: tuple[tuple[str, SectionBuilder], ...] = (
    ("cover", cover.build),
    ("summary", summary.build),
    ("goals", goals.build),
    ("commentary", commentary.build),
    ("trends", trends.build),
    ("history", history.build),
    ("breakdowns", trends.breakdowns),
    ("audience", trends.audience),
    ("content", content.build),
    ("campaigns", campaigns.build),
    ("notes", notes.build),
)


def build(
    inputs: Inputs, sections: tuple[tuple[str, SectionBuilder], ...] = SECTIONS
) -> dict[str, Any]:
    """The template context: each section's view model by name, plus what every page needs."""
    context: dict[str, Any] = {
        "fmt": inputs.fmt,
        "brand": inputs.branding,
        "report": inputs.spec.report,
        "period": inputs.period_label,
        "comparison": inputs.comparison_label,
        "has_media": inputs.spec.media is not None,
        "has_audience": inputs.spec.audience is not None,
    }
    for name, builder in sections:
        context[name] = builder(inputs)
    return context
