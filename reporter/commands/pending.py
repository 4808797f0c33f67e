"""`reporter pending`: the reports that wait, for approval or held by a data-quality rule."""

from __future__ import annotations

from reporter.fetch.target import store_path
from reporter.run.review import list_pending
from reporter.world import World


def pending(*, sandbox: bool, world: World) -> int:
    return list_pending(
        store_path=store_path(world, sandbox=sandbox), out=world.out, sandbox=sandbox
    )
