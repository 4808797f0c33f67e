"""A derived metric's formula as the client reads it: metric titles for metric names, words for
the aggregates ("average Accounts reached per reel"), × and ÷ for * and /; never an API name."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reporter.catalogue import Scope
from reporter.derived import SPECIAL_NAMES, Definition
from reporter.render.sections.trends import LABELS
from reporter.render.translations import N_

if TYPE_CHECKING:
    from reporter.render.inputs import Inputs

# The words around a metric's title, whole phrases (each language orders them its own way).
_COUNT = {"FEED": N_("number of posts"), "REELS": N_("number of reels"),
          "STORY": N_("number of stories")}  # fmt: skip
_AVERAGE = {"FEED": N_("average {title} per post"), "REELS": N_("average {title} per reel"),
            "STORY": N_("average {title} per story")}  # fmt: skip
_AGGREGATES = {
    "sum": {"FEED": N_("total {title} of the posts"), "REELS": N_("total {title} of the reels"),
            "STORY": N_("total {title} of the stories")},
    "max": {"FEED": N_("highest {title} of the posts"), "REELS": N_("highest {title} of the reels"),
            "STORY": N_("highest {title} of the stories")},
    "min": {"FEED": N_("lowest {title} of the posts"), "REELS": N_("lowest {title} of the reels"),
            "STORY": N_("lowest {title} of the stories")},
}  # fmt: skip
# derived.SPECIAL_NAMES' words, marked here for the catalogue (the derived layer has no gettext).
_SPECIAL = {
    "followers": N_("followers when the data was fetched"),
    "days": N_("days in the period"),
}
_BEST_TIME = {
    "weekday": N_("the weekday whose posts and reels had the most {what} on average"),
    "hour": N_("the hour whose posts and reels had the most {what} on average"),
}
# One pass (replaced text is never read again): an aggregate call, or a name with its value.
_TOKEN = re.compile(
    r"\b(sum|avg|max|min|count)\(\s*([^()]*?)\s*\)|\b([a-z][a-z0-9_]*)(?:\.([A-Z][A-Z0-9_]*))?\b"
)


def formula_words(inputs: Inputs, definition: Definition) -> str:
    if definition.kind == "best_time":
        ranked = inputs.spec.media.rank_by if inputs.spec.media else "views"
        what = inputs.title("media", ranked).lower()
        pattern = _BEST_TIME.get(definition.group or "", _BEST_TIME["weekday"])
        return inputs.fmt.gettext(pattern).format(what=what)

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return _aggregate(inputs, match.group(1), match.group(2))
        return _name(inputs, match.group(3), match.group(4), definition.scope)

    text = _TOKEN.sub(replace, definition.formula)
    signs = text.replace("*", "×").replace("/", "÷").replace(" - ", " − ")
    return " ".join(re.sub(r"(?<=[\w)])-(?=[\w(])", " − ", signs).split())


def _aggregate(inputs: Inputs, function: str, inside: str) -> str:
    _ = inputs.fmt.gettext
    parts = [p.strip() for p in inside.split(",")]
    if function == "count":
        return _(_COUNT.get(parts[0], _COUNT["FEED"]))
    name, __, value = parts[0].partition(".")
    product = parts[1] if len(parts) > 1 and parts[1] in _COUNT else "FEED"
    title = _name(inputs, name, value or None, "media")
    if function == "avg":
        return _(_AVERAGE[product]).format(title=title)
    return _(_AGGREGATES[function][product]).format(title=title)


def _name(inputs: Inputs, name: str, value: str | None, scope: str) -> str:
    if name in SPECIAL_NAMES and value is None:
        return inputs.fmt.gettext(_SPECIAL.get(name, SPECIAL_NAMES[name]))
    own: Scope = "media" if scope == "media" else "account"
    other: Scope = "account" if own == "media" else "media"
    where = own if inputs.metric(own, name) or inputs.definition(own, name) else other
    title = inputs.title(where, name)
    if value is None:
        return title
    metric = inputs.metric(where, name)
    if metric is not None and (part := metric.part_labels.get(value)):
        return inputs.fmt.gettext(part)
    for labels in LABELS.values():
        if value in labels:
            return f"{title}: {inputs.fmt.gettext(labels[value]).lower()}"
    return f"{title}: {value.replace('_', ' ').lower()}"
