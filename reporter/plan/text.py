"""A ``FetchPlan`` as the lines `reporter plan` prints: every call, and honest counts (what the
media listing returns decides how many media-insight requests follow)."""

from __future__ import annotations

import math

from reporter.plan.build import FetchPlan


def describe(fetch_plan: FetchPlan, hosts: dict[str, str]) -> list[str]:
    """The plan as lines for `reporter plan`: each call, and honest counts."""
    lines: list[str] = []
    known = 0
    calls_known = 0  # Meta counts each call of a batch against its rate limits
    size = fetch_plan.batch_size
    for unit in fetch_plan.units:
        account = unit.account
        lines.append(
            f"{account.name} ({account.id}, {account.login} login) {unit.role} {unit.label}: "
            f"{hosts.get(account.id, '')}"
        )
        for call in unit.calls:
            suffix = "  (follows paging.next)" if call.kind == "media_list" else ""
            lines.append(f"  GET /{call.request.relative_url}{suffix}")
        for item in unit.skipped:
            lines.append(f"  skipped {item.metric}: {item.reason}")
        direct = [c for c in unit.calls if c.kind == "media_list"]
        others = [c for c in unit.calls if c.kind != "media_list"]
        if unit.batched and others:
            requests_now = math.ceil(len(others) / size) + len(direct)
            lines.append(
                f"  = {len(others)} calls sent as {math.ceil(len(others) / size)} batch "
                f"request(s), plus {len(direct)} listing"
            )
        else:
            requests_now = len(unit.calls)
        known += requests_now
        calls_known += len(unit.calls)
        for query in unit.media_queries:
            breakdown = f" breakdown={query.breakdown}" if query.breakdown else ""
            how = f"in batches of {size}" if unit.batched else "one request each"
            lines.append(
                f"  after listing: {query.product_type} media: GET /<media-id>/insights"
                f"?metric={','.join(query.metrics)}{breakdown}, {how}"
            )
    lines.append(
        f"{known} requests ({calls_known} calls against Meta's rate limit, which counts each "
        "call inside a batch) known before the media listing; the listing's further pages and "
        "the media-insight requests (ceil(media / 50) batches per account for Facebook login, "
        "one per media for Instagram login; one call or more per media either way) depend on "
        "what the listing returns"
    )
    return lines
