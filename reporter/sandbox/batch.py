"""Batch requests: ``POST /`` or ``POST /vNN.N/`` with form fields ``batch`` and ``access_token``.

As Meta documents (developers.facebook.com/docs/graph-api/batch-requests): at most 50 operations;
the answer is HTTP 200 with one entry per operation, in order, each ``{"code", "headers": [{"name",
"value"}], "body": "<JSON string>"}``; ``include_headers=false`` drops the headers; a failed
operation carries its own code and error body; an operation unfinished at Meta's timeout comes
back as ``null``. Each operation is one call for the counter and the rate limits.

Meta documents batching on graph.facebook.com only; whether graph.instagram.com accepts it is not
documented (searched Meta's pages and client issue threads, 2026: nothing either way). The sandbox
answers batches on every path prefix alike, for both login kinds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from reporter.sandbox import errors
from reporter.sandbox.router import Result, Router, dump

CONTENT_TYPE = "text/javascript; charset=UTF-8"


def run(router: Router, form: Mapping[str, str], bearer: str | None) -> Result:
    router.counter.record("batch")
    trace = f"{router.world.seed}|batch"
    token = form.get("access_token") or bearer
    try:
        if not token:
            raise errors.token_missing()
        router.tokens.check(token, router.clock.now())
        operations = _parse(form.get("batch", ""), router.world.catalogue.limits.batch_size)
    except errors.GraphError as error:
        return Result(error.status, error.payload(trace), list(error.extra_headers))
    include_headers = form.get("include_headers", "true").lower() != "false"
    answers: list[dict[str, Any] | None] = []
    for operation in operations:
        answers.append(
            _one(router, operation, token, bool(form.get("access_token")), include_headers)
        )
    return Result(200, answers)


def _parse(text: str, limit: int) -> list[Any]:
    if not text:
        raise errors.param_required("batch")
    try:
        operations = json.loads(text)
    except ValueError:
        raise errors.batch_unparsable() from None
    if not isinstance(operations, list):
        raise errors.batch_unparsable()
    if len(operations) > limit:
        raise errors.batch_too_large(limit)
    return operations


def _one(
    router: Router, operation: Any, token: str, token_in_form: bool, include_headers: bool
) -> dict[str, Any] | None:
    fault = router.faults.draw(in_batch=True)
    if fault == "null":
        router.counter.record("unfinished", in_batch=True)
        return None
    if not isinstance(operation, dict) or not isinstance(operation.get("relative_url"), str):
        error = errors.param_required("relative_url")
        return _entry(error.status, error.payload("batch"), [], include_headers)
    url = urlsplit(operation["relative_url"])
    params = dict(parse_qsl(url.query, keep_blank_values=True))
    if isinstance(operation.get("body"), str):
        params.update(parse_qsl(operation["body"], keep_blank_values=True))
    own_token = params.get("access_token")
    method = str(operation.get("method", "GET")).upper()
    if fault == "transient":
        error = errors.transient(2)
        router.counter.record("transient", in_batch=True)
        return _entry(error.status, error.payload(url.path), [], include_headers)
    result = router.call(
        method,
        url.path,
        params,
        token=own_token or token,
        token_in_url=bool(own_token) or token_in_form,
        in_batch=True,
    )
    entry = _entry(result.status, result.payload, result.headers, include_headers)
    if router.faults.draw_corrupt(in_batch=True) == "item_not_json":
        entry["body"] = entry["body"][: len(entry["body"]) // 2]
    return entry


def _entry(
    status: int, payload: Any, headers: list[tuple[str, str]], include_headers: bool
) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": status}
    if include_headers:
        pairs = [("Content-Type", CONTENT_TYPE), *headers]
        entry["headers"] = [{"name": name, "value": value} for name, value in pairs]
    entry["body"] = dump(payload)
    return entry
