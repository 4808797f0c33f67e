"""`reporter sandbox`: serve the local Instagram Graph API simulator on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

from reporter.errors import ExitStatus
from reporter.world import World


def sandbox(
    *, port: int, seed: int, latency_ms: int, fault_rate: float, rate_limit: int, world: World
) -> int:
    from reporter.sandbox.app import serve_forever

    serve_forever(
        port=port,
        seed=seed,
        now=world.now,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        rate_limit=rate_limit,
        out=world.out,
    )
    return int(ExitStatus.OK)
