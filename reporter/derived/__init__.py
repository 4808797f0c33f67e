"""Derived metrics: formulas over catalogue metrics, as data (``builtins.toml``) or in a spec.

``definitions(spec)`` gives every derived metric a spec can use: the built-ins, replaced by the
spec's own ``[derived.NAME]`` tables of the same name. ``formula.py`` parses safely,
``resolve.py`` names what a formula needs (validation and the fetch plan), ``evaluate.py``
computes values from a dataset, ``best_time.py`` the best weekday and hour to post.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal, Protocol

Unit = Literal["percent", "count", "duration", "number"]
Kind = Literal["formula", "best_time"]

SPECIAL_NAMES = {
    "followers": "followers when the data was fetched",
    "days": "days in the period",
}


@dataclass(frozen=True)
class Definition:
    name: str
    title: str
    scope: Literal["account", "media"]
    unit: Unit
    formula: str = ""
    description: str = ""
    kind: Kind = "formula"
    group: Literal["weekday", "hour"] | None = None
    builtin: bool = False

    @property
    def shown_formula(self) -> str:
        if self.kind == "best_time":
            return f"the {self.group} with the highest average of media.rank_by"
        return self.formula

    @property
    def display_unit(self) -> str:
        """The formatter's unit: ratios as percentages, seconds as durations."""
        return {"percent": "ratio", "duration": "seconds"}.get(self.unit, self.unit)


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


@functools.cache
def builtins() -> Mapping[str, Definition]:
    text = resources.files(__package__).joinpath("builtins.toml").read_text(encoding="utf-8")
    raw: dict[str, dict[str, Any]] = tomllib.loads(text)
    return {name: Definition(name=name, builtin=True, **entry) for name, entry in raw.items()}


class Declared(Protocol):
    """A spec's own ``[derived.NAME]`` table (spec.models.DerivedMetric)."""

    @property
    def formula(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def unit(self) -> Unit: ...
    @property
    def scope(self) -> Literal["account", "media"]: ...
    @property
    def description(self) -> str: ...


class Declares(Protocol):
    """A spec, as far as its derived metrics go."""

    @property
    def derived(self) -> Mapping[str, Declared]: ...


def definitions(spec: Declares) -> dict[str, Definition]:
    """Every derived metric ``spec`` may name: built-ins, then the spec's own (which win)."""
    found = dict(builtins())
    for name, entry in spec.derived.items():
        found[name] = Definition(
            name=name,
            title=entry.title or _title(name),
            scope=entry.scope,
            unit=entry.unit,
            formula=entry.formula,
            description=entry.description,
        )
    return found
