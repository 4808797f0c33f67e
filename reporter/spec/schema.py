"""The spec's JSON Schema (for editors) and its key reference (for README.md), from the models."""

from __future__ import annotations

import json
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from reporter.spec.models import Spec

SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> str:
    schema = Spec.model_json_schema()
    schema = {"$schema": SCHEMA_URL, **schema, "title": "reporter report spec"}
    return json.dumps(schema, indent=2, ensure_ascii=False)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    factory = field.default_factory
    value = factory() if factory is not None else field.default  # type: ignore[call-arg]
    if isinstance(value, BaseModel):
        return ""
    if value is None:
        return ""
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def reference_rows(model: type[BaseModel] = Spec, prefix: str = "") -> list[tuple[str, str, str]]:
    """(key, default, description) for every key of the spec, depth first."""
    rows: list[tuple[str, str, str]] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        nested = [m for m in _models_in(field.annotation) if m.model_fields]
        is_list = typing.get_origin(field.annotation) is list
        rows.append(
            (f"[[{key}]]" if is_list and nested else key, _default(field), field.description or "")
        )
        is_dict = typing.get_origin(field.annotation) is dict
        for sub in nested:
            inner = f"{key}[]." if is_list else f"{key}.NAME." if is_dict else f"{key}."
            rows.extend(reference_rows(sub, inner))
    return rows


def reference_markdown() -> str:
    lines = ["| key | default | meaning |", "|---|---|---|"]
    for key, default, description in reference_rows():
        escaped = description.replace("|", "\\|")
        lines.append(f"| `{key}` | {default} | {escaped} |")
    return "\n".join(lines)
