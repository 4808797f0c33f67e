"""How values become columns (revision 0004): the one place the store's compact forms are made
and read back. The write path (units.py) and the readers (datasets.py, archive.py) call these,
and so does migration 0004 to bring older rows to them.

- A document (a raw answer, an archived dataset, a rendered text file) is zlib of its compact
  UTF-8 JSON or bytes: a tenth of the text for datasets and CSV, about a quarter for Meta's
  answers (``python bench/bench_store_size.py`` prints what each table takes).
- A time of an observation is whole seconds since 1970 UTC: Meta's ``end_time`` and the windows
  asked for are whole seconds in UTC, 4 to 6 bytes in place of 25 characters of ISO 8601.
- A call's key (its URL, about 200 characters) is stored once, in ``calls``; the rows it brought
  name it by the call's integer id. What a value measures (metric, period, metric type,
  breakdown: a few dozen combinations, 30 characters a row) likewise, in ``metrics``, and the
  account or media it is of, in ``objects``.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Mapping
from typing import Any

from reporter.dataset import Observation, Unavailable

_LEVEL = 6  # zlib's default: level 9 saves under 2 % more here and costs twice the time


def pack(data: bytes) -> bytes:
    return zlib.compress(data, _LEVEL)


def unpack(data: bytes) -> bytes:
    return zlib.decompress(data)


def pack_json(value: Any) -> bytes:
    """A JSON value, compact (no spaces, characters as they are), compressed."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return pack(text.encode("utf-8"))


def unpack_json(data: bytes) -> Any:
    return json.loads(unpack(bytes(data)))


def pack_text(text: str) -> bytes:
    return pack(text.encode("utf-8"))


def unpack_text(data: bytes) -> str:
    return unpack(bytes(data)).decode("utf-8")


def seconds(when: dt.datetime | None) -> int | None:
    """An aware time of whole seconds → seconds since 1970 UTC (None stays None)."""
    if when is None:
        return None
    if when.tzinfo is None or when.microsecond:
        raise ValueError(f"a stored time must be aware and whole seconds: {when!r}")
    return int(when.timestamp())


def utc(value: int | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value, dt.UTC)


MetricKey = tuple[str, str, str, str]


def metric_key(o: Observation) -> MetricKey:
    """What ``o`` measures: its row in ``metrics``."""
    return (o.metric, o.period, o.metric_type, o.breakdown)


def metric_row(key: MetricKey) -> dict[str, str]:
    return dict(zip(("metric", "period", "metric_type", "breakdown"), key, strict=True))


def observation_row(o: Observation, call_id: int, object_id: int, metric_id: int) -> dict[str, Any]:
    return {
        "call_id": call_id, "object": object_id, "metric_id": metric_id, "value": o.value,
        "end_time": seconds(o.end_time), "since": seconds(o.since), "until": seconds(o.until),
        "dimensions": json.dumps(o.dimensions, separators=(",", ":")),
    }  # fmt: skip


def observation(row: Mapping[str, Any]) -> Observation:
    """An observation from its row joined with its object's and its metric's."""
    return Observation(
        object_id=row["object_id"],
        metric=row["metric"],
        period=row["period"],
        value=row["value"],
        end_time=utc(row["end_time"]),
        since=utc(row["since"]),
        until=utc(row["until"]),
        dimensions=tuple((str(k), str(v)) for k, v in json.loads(row["dimensions"])),
        metric_type=row["metric_type"],
        breakdown=row["breakdown"],
    )


def unavailable_row(u: Unavailable, call_id: int) -> dict[str, Any]:
    return {"call_id": call_id, "object_id": u.object_id, "metric": u.metric, "reason": u.reason,
            "code": u.code, "kind": u.kind}  # fmt: skip


def snapshot_row(call_id: int, asked_at: dt.datetime, outcome: str, body: Any) -> dict[str, Any]:
    return {"call_id": call_id, "asked_at": asked_at.isoformat(), "outcome": outcome,
            "body": pack_json(body)}  # fmt: skip
