"""A dataset's JSON (the archive of every rendered report, `reporter fetch --json`): the same
text as ``dataclasses.asdict`` gave before it was written field by field, and lossless."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
import support.render as rs

from reporter.dataset import SCHEMA_VERSION, Dataset


def test_the_json_is_the_text_archives_hold_and_reads_back() -> None:
    data = dataclasses.replace(rs.dataset(rs.OCTOBER), notes=("rate limit: 80 %",))
    assert data.media and data.observations and data.unavailable and data.account.biography
    for indent in (None, 2):
        before = json.dumps(
            {"schema_version": SCHEMA_VERSION, **dataclasses.asdict(data)},
            default=lambda value: value.isoformat(),
            indent=indent,
            ensure_ascii=False,
        )
        assert data.to_json(indent=indent) == before
    assert Dataset.from_json(data.to_json()) == data


def test_a_value_json_cannot_hold_is_refused() -> None:
    data = dataclasses.replace(rs.dataset(rs.OCTOBER), notes=(dt.timedelta(1),))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^cannot encode timedelta$"):
        data.to_json()
