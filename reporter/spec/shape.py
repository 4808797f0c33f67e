"""Shape: pydantic's validation errors turned into diagnostics a person can act on.

pydantic reports a location like ("report", "timeframe", "literal['last_month', ...]") for union
members and ("media", "metrics", "REEL", "[key]") for dict keys; the user wrote neither. This
module walks the models along each location to rebuild the key path as written, to know which
keys were allowed there (for did-you-mean), and to merge a union's member errors into one.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from reporter.catalogue import closest
from reporter.spec.check_wording import choices, looks_like_token, q, token_in_spec
from reporter.spec.diagnostics import Diagnostic, KeyPath
from reporter.spec.models import Spec

_TOKEN_KEYS = {"token", "access_token", "accesstoken", "api_token", "ig_token", "fb_token"}
_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "date_type": "a date (2026-10-01)",
    "date_parsing": "a date (2026-10-01)",
    "date_from_datetime_inexact": "a date without a time (2026-10-01)",
    "date_from_datetime_parsing": "a date (2026-10-01)",
    "float_type": "a number",
}


@dataclass(frozen=True)
class _Step:
    """Where a pydantic location leads in the models."""

    path: KeyPath  # as the user writes it
    annotation: Any  # the type expected at that path
    union_member: bool  # the location went through a union member tag


def _unwrap_optional(annotation: Any) -> Any:
    args = typing.get_args(annotation)
    if _is_union(annotation) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]  # noqa: UP007
    return annotation


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def _walk(loc: tuple[int | str, ...]) -> _Step:
    annotation: Any = Spec
    path: list[str | int] = []
    through_union = False
    items = list(loc)
    while items:
        part = items.pop(0)
        annotation = _unwrap_optional(annotation)
        origin = typing.get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            path.append(part)
            annotation = field.annotation if field else None
        elif _is_union(annotation):
            through_union = True  # `part` names the member: not part of the user's path
            members = {_member_tag(m): m for m in typing.get_args(annotation)}
            annotation = members.get(str(part), members.get(str(part).split("[")[0]))
        elif origin is list:
            path.append(part)
            annotation = typing.get_args(annotation)[0]
        elif origin is dict:
            if items and items[0] == "[key]":
                items.pop(0)
                path.append(part)
                annotation = typing.get_args(annotation)[0]
                return _Step(tuple(path), ("key", annotation), through_union)
            path.append(part)
            annotation = typing.get_args(annotation)[1]
        else:
            path.append(part)
            annotation = None
    return _Step(tuple(path), annotation, through_union)


def _member_tag(member: Any) -> str:
    if typing.get_origin(member) is Literal:
        return "literal[" + ",".join(repr(a) for a in typing.get_args(member)) + "]"
    return getattr(member, "__name__", str(member))


def _literal_values(annotation: Any) -> list[str]:
    annotation = _unwrap_optional(annotation)
    if typing.get_origin(annotation) is Literal:
        return [str(a) for a in typing.get_args(annotation)]
    if _is_union(annotation):
        return [v for member in typing.get_args(annotation) for v in _literal_values(member)]
    return []


def _takes_int(annotation: Any) -> bool:
    """A union with a whole-number member (``media.table_rows``: 10 or "all")."""
    members = typing.get_args(_unwrap_optional(annotation)) if _is_union(annotation) else ()
    plain = [typing.get_args(m)[0] if typing.get_origin(m) is Annotated else m for m in members]
    return int in plain


def _model_keys(annotation: Any) -> list[str]:
    annotation = _unwrap_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    if _is_union(annotation):
        return [k for member in typing.get_args(annotation) for k in _model_keys(member)]
    return []


def _parent_annotation(loc: tuple[int | str, ...]) -> Any:
    return _walk(loc[:-1]).annotation


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return q(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return str(value)


def _did_you_mean(value: Any, names: Iterable[str]) -> tuple[str, ...]:
    suggestion = closest(value, names) if isinstance(value, str) else None
    return (f"did you mean {q(suggestion)}?",) if suggestion else ()


def _union_error(step: _Step, value: Any) -> Diagnostic | None:
    """One message for a value that matched no member of a union (report.timeframe)."""
    names = _literal_values(step.annotation)
    keys = _model_keys(step.annotation)
    if isinstance(value, dict) or not names:
        return None  # the table member's own errors are more precise
    expected = f"one of {choices(names)}" if len(names) > 1 else choices(names)
    if _takes_int(step.annotation):
        expected = f"a whole number or {expected}"
    if keys:
        expected += ", or a table { " + ", ".join(f"{k} = …" for k in keys) + " }"
    return Diagnostic(
        "error",
        "invalid-value",
        f"expected {expected}; got {_describe(value)}",
        step.path,
        hints=_did_you_mean(value, names),
    )


def _one(error: ErrorDetails, *, in_union: bool = False) -> Diagnostic | None:
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        step = _walk(loc)
        key = str(step.path[-1])
        if key.lower() in _TOKEN_KEYS or (isinstance(value, str) and looks_like_token(value)):
            return token_in_spec(step.path)
        allowed = _model_keys(_parent_annotation(loc))
        hints = (*_did_you_mean(key, allowed), f"allowed keys here: {choices(allowed, limit=12)}")
        return Diagnostic("error", "unknown-key", f"unknown key {q(key)}", step.path, hints=hints)
    step = _walk(loc)
    if isinstance(step.annotation, tuple) and step.annotation[0] == "key":
        names = _literal_values(step.annotation[1])
        return Diagnostic(
            "error",
            "invalid-key",
            f"expected one of {choices(names)} as key; got {q(step.path[-1])}",
            step.path,
            hints=_did_you_mean(str(step.path[-1]), names),
        )
    if step.union_member and not in_union:
        return None  # merged per path by `shape_diagnostics`
    if kind == "missing":
        return Diagnostic(
            "error", "missing-key", f"missing required key {q(step.path[-1])}", step.path
        )
    if kind in ("literal_error", "enum"):
        names = _literal_values(step.annotation)
        return Diagnostic(
            "error",
            "invalid-value",
            f"expected one of {choices(names)}; got {_describe(value)}",
            step.path,
            hints=_did_you_mean(value, names),
        )
    if kind in _TYPE_NAMES:
        return Diagnostic(
            "error",
            "invalid-type",
            f"expected {_TYPE_NAMES[kind]}; got {_describe(value)}",
            step.path,
        )
    if kind == "string_pattern_mismatch":
        return _pattern_error(step.path, value)
    if kind in ("too_short", "string_too_short"):
        what = "at least one entry" if kind == "too_short" else "a non-empty string"
        return Diagnostic("error", "invalid-value", f"expected {what}", step.path)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return Diagnostic(
            "error", "invalid-value", f"{error['msg'].lower()}; got {_describe(value)}", step.path
        )
    return Diagnostic(
        "error", "invalid-value", f"{error['msg']}; got {_describe(value)}", step.path
    )


def _pattern_error(path: KeyPath, value: Any) -> Diagnostic:
    field = path[-1]
    if isinstance(value, str) and looks_like_token(value):
        return token_in_spec(path)
    if field == "token_env":
        return Diagnostic(
            "error",
            "invalid-value",
            f"expected the NAME of an environment variable (letters, digits, _); got {q(value)}",
            path,
            hints=('e.g. token_env = "ACME_IG_TOKEN"',),
        )
    if field == "id":
        return Diagnostic(
            "error",
            "invalid-value",
            f"expected the numeric Instagram account id; got {q(value)}",
            path,
            hints=("it looks like 17841400000000001",),
        )
    return Diagnostic("error", "invalid-value", f"unexpected value {q(value)}", path)


def shape_diagnostics(error: ValidationError, data: dict[str, Any]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    unions: dict[KeyPath, _Step] = {}
    member_errors: dict[KeyPath, list[Diagnostic]] = {}
    for detail in error.errors():
        step = _walk(tuple(detail["loc"]))
        diagnostic = _one(detail)
        if step.union_member and diagnostic is None:
            union_path = _union_root(tuple(detail["loc"]))
            unions.setdefault(union_path.path, union_path)
            member = _one(detail, in_union=True)
            if member is not None:
                member_errors.setdefault(union_path.path, []).append(member)
        elif diagnostic is not None:
            out.append(diagnostic)
    for path, step in unions.items():
        value = _value_at(data, path)
        merged = _union_error(step, value)
        if merged is not None:
            out.append(merged)
        else:
            # A table's own member errors give way to the errors inside it, unless the union
            # has no table form at all (`reach = {}` where a number or text belongs).
            members = member_errors.get(path, [])
            inside = [d for d in members if d.path != path or not isinstance(value, dict)]
            out.extend(inside or members)
    return _dedupe(out)


def _union_root(loc: tuple[int | str, ...]) -> _Step:
    for end in range(1, len(loc) + 1):
        step = _walk(loc[:end])
        if step.union_member:
            return _walk(loc[: end - 1])
    return _walk(loc)


def _value_at(data: Any, path: KeyPath) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _dedupe(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, KeyPath, str]] = set()
    out = []
    for item in items:
        key = (item.code, item.path, item.message)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
