"""Helpers for the sandbox tests: the fixed clock, account ids, a GET helper and the structural
comparison used to replay the seeds' samples."""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests

from reporter.sandbox import Sandbox

NOW = dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.UTC)  # a Monday; DST ended on 2026-11-01
ACME = "17841400000000001"
NORDLICHT = "17841400000000002"
TINY = "17841400000000003"
GLOBEX = "17841400000000004"


def get(
    sb: Sandbox, path: str, *, token: str | None = None, account: str = ACME, **params: str
) -> requests.Response:
    params = {"access_token": token or sb.token_for(account), **params}
    return requests.get(sb.base_url + path, params=params, timeout=10)


def error_of(response: requests.Response) -> dict[str, Any]:
    body = response.json()
    assert "error" in body, body
    error: dict[str, Any] = body["error"]
    return error


def since_until(days: int, end: dt.datetime = NOW) -> dict[str, str]:
    return {
        "since": str(int((end - dt.timedelta(days=days)).timestamp())),
        "until": str(int(end.timestamp())),
    }


def structure_diff(sample: Any, actual: Any, path: str = "$") -> list[str]:
    """Where ``actual`` lacks the sample's keys, nesting or value types (values are ignored).

    Every key of a sample object must be in the actual object with a value of the same JSON
    type; lists compare each actual item with the sample's first item. Numbers are one type.
    """
    problems: list[str] = []
    if isinstance(sample, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {type(actual).__name__}"]
        for key, value in sample.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += structure_diff(value, actual[key], f"{path}.{key}")
    elif isinstance(sample, list):
        if not isinstance(actual, list):
            return [f"{path}: expected a list, got {type(actual).__name__}"]
        if sample and not actual:
            problems.append(f"{path}: expected items, got an empty list")
        for index, item in enumerate(actual):
            if sample:
                problems += structure_diff(sample[0], item, f"{path}[{index}]")
    elif isinstance(sample, bool) or sample is None:
        if type(actual) is not type(sample):
            problems.append(f"{path}: expected {type(sample).__name__}, got {actual!r}")
    elif isinstance(sample, (int, float)):
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            problems.append(f"{path}: expected a number, got {actual!r}")
    elif isinstance(sample, str) and not isinstance(actual, str):
        problems.append(f"{path}: expected a string, got {actual!r}")
    return problems
