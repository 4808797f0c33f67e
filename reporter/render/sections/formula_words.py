"""A derived metric's formula as the client reads it: metric titles for metric names, words for
the aggregates ("average Accounts reached per reel"), × and ÷ for * and /; never an API name."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reporter.catalogue import Scope
from reporter.derived import SPECIAL_NAMES, Definition
from reporter.render.sections.trends import LABELS

if TYPE_CHECKING:
    from reporter.render.inputs import Inputs

_NOUNS = {"FEED": ("post", "posts"), "REELS": ("reel", "reels"), "STORY": ("story", "stories")}
_AGGREGATES = {"sum": "total", "avg": "average", "max": "highest", "min": "lowest"}
# One pass (replaced text is never read again): an aggregate call, or a name with its value.
_TOKEN = re.compile(
    r"\b(sum|avg|max|min|count)\(\s*([^()]*?)\s*\)|\b([a-z][a-z0-9_]*)(?:\.([A-Z][A-Z0-9_]*))?\b"
)


def formula_words(inputs: Inputs, definition: Definition) -> str:
    if definition.kind == "best_time":
        ranked = inputs.spec.media.rank_by if inputs.spec.media else "views"
        what = inputs.title("media", ranked).lower()
        return f"the {definition.group} whose posts and reels had the most {what} on average"

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return _aggregate(inputs, match.group(1), match.group(2))
        return _name(inputs, match.group(3), match.group(4), definition.scope)

    text = _TOKEN.sub(replace, definition.formula)
    return " ".join(text.replace("*", "×").replace("/", "÷").split())


def _aggregate(inputs: Inputs, function: str, inside: str) -> str:
    parts = [p.strip() for p in inside.split(",")]
    if function == "count":
        return f"number of {_NOUNS.get(parts[0], ('post', 'posts'))[1]}"
    name, _, value = parts[0].partition(".")
    one, many = _NOUNS.get(parts[1] if len(parts) > 1 else "", ("post", "posts"))
    title = _name(inputs, name, value or None, "media")
    if function == "avg":
        return f"average {title} per {one}"
    return f"{_AGGREGATES[function]} {title} of the {many}"


def _name(inputs: Inputs, name: str, value: str | None, scope: str) -> str:
    if name in SPECIAL_NAMES and value is None:
        return SPECIAL_NAMES[name]
    own: Scope = "media" if scope == "media" else "account"
    other: Scope = "account" if own == "media" else "media"
    where = own if inputs.metric(own, name) or inputs.definition(own, name) else other
    title = inputs.title(where, name)
    if value is None:
        return title
    metric = inputs.metric(where, name)
    if metric is not None and (part := metric.part_labels.get(value)):
        return part
    for labels in LABELS.values():
        if value in labels:
            return f"{title}: {labels[value].lower()}"
    return f"{title}: {value.replace('_', ' ').lower()}"
