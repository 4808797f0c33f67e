"""Property-based: whatever a spec file holds, the validator answers with diagnostics."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporter import catalogue
from reporter.spec.diagnostics import format_github, format_json, format_text
from reporter.spec.validate import validate_file

EXAMPLE = Path(__file__).parent.parent / "reports.example.toml"
BASE: dict[str, Any] = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
TODAY = dt.date(2026, 11, 23)
CATALOGUE = catalogue.load()


def _noon(day: dt.date) -> dt.datetime:
    """A moment of ``day`` that is that day in every timezone the tests use."""
    return dt.datetime.combine(day, dt.time(12), dt.UTC)


NOW = _noon(TODAY)
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

words = st.sampled_from(
    [
        "reach",
        "views",
        "navigation",
        "impressions",
        "FEED",
        "REELS",
        "STORY",
        "this_month",
        "last_30_days",
        "follow_type",
        "action_type",
        "EAAGm0PX4ZCpsBAKZCZAhYpXXXXXXXXXXXX",
        "../x",
        "{acount}",
        "",
        "Europe/Berlin",
        "x@y.z",
        "v25.0",
        "v9",
        "base\x00.toml",
        "../" * 30 + "dev/zero",
        "Europe/" + "x" * 300,
    ]
)
scalars = st.one_of(
    words,
    st.text(max_size=12),
    st.integers(-5, 10**6),
    st.booleans(),
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)) | st.dates(),  # and year 1 or 9999
    st.floats(allow_nan=False, allow_infinity=False),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(words | st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def toml_key(key: Any) -> str:
    return json.dumps(str(key).replace("\x7f", ""), ensure_ascii=False)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | dt.date):
        return value.isoformat() if isinstance(value, dt.date) else repr(value)
    if isinstance(value, str):
        return json.dumps(value.replace("\x7f", ""), ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def to_toml(data: dict[str, Any]) -> str:
    return "\n".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in data.items()) + "\n"


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += paths(value, (*prefix, index))
    return out


@st.composite
def mutated_specs(draw: st.DrawFn) -> dict[str, Any]:
    data = json.loads(json.dumps(BASE, default=str))
    for _ in range(draw(st.integers(1, 4))):
        targets = paths(data)
        if not targets:
            break
        path = draw(st.sampled_from(targets))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(words)] = draw(values)
        else:
            parent.append(draw(values))
    return data


def check_never_crashes(path: Path) -> None:
    result = validate_file(path, now=_noon(TODAY), catalogue=CATALOGUE)
    for formatter in (format_text, format_json, format_github):
        formatter(result.diagnostics)
    assert all(d.code and d.message for d in result.diagnostics)
    if result.spec is None:
        assert result.errors, "no model and no error: the validator lost a problem"


@FUZZ
@given(mutated_specs())
def test_mutated_specs_give_diagnostics(tmp_path: Path, data: dict[str, Any]) -> None:
    path = tmp_path / "mutated.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    tomllib.loads(path.read_text(encoding="utf-8"))  # the writer made valid TOML
    check_never_crashes(path)


@FUZZ
@given(st.data())
def test_damaged_text_gives_diagnostics(tmp_path: Path, data: st.DataObject) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    insert = data.draw(st.text(max_size=10))
    path = tmp_path / "damaged.toml"
    path.write_text(text[:start] + insert + text[end:], encoding="utf-8")
    check_never_crashes(path)
