"""`reporter store migrate`: bring the store (REPORTER_STORE, or the sandbox's) to the newest
schema and say from which to which. Any command does this on opening the store; this verb does
it alone, e.g. once before several hosts start on a shared PostgreSQL store."""

from __future__ import annotations

from reporter.errors import ExitStatus
from reporter.fetch.target import store_path
from reporter.store.database import Store
from reporter.world import World


def store_migrate(*, sandbox: bool, world: World) -> int:
    settings = world.settings
    with Store.open(store_path(world, sandbox=sandbox), lock_timeout=settings.lock_timeout) as s:
        done = s.migrated
        if done.changed:
            world.out.write(f"the store {s.name}: migrated from {done.before} to {done.after}\n")
        else:
            world.out.write(f"the store {s.name}: at {done.after}, the newest schema already\n")
    return int(ExitStatus.OK)
