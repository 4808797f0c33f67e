"""The specs of a run, all validated before anything is fetched: one error anywhere stops the
run (exit 2) with every file's diagnostics, and nothing was fetched or sent."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reporter.errors import UsageError
from reporter.render.write import clash
from reporter.spec.models import Account, Spec
from reporter.spec.validate import InvalidSpec, validate_paths
from reporter.world import World


def valid_specs(paths: Sequence[Path], world: World) -> list[tuple[Path, Spec]]:
    results = validate_paths(paths, now=world.now, catalogue=world.catalogue)
    if any(r.errors for r in results):
        error = InvalidSpec([r for r in results if r.errors])
        error.args = (f"{error}; nothing was fetched or sent",)
        raise error
    # A spec named twice (or reached through a folder and a path) is one spec: sent once.
    unique = {r.path.resolve(): r for r in results if r.spec is not None}
    found = [(r.path, r.spec) for r in unique.values() if r.spec is not None]
    if not found:
        raise UsageError(f"no report spec in {', '.join(map(str, paths))}; nothing to run")
    if clashing := clash(found):
        raise UsageError(f"{clashing}; nothing was fetched or sent")
    return found


def chosen(account: Account, names: Sequence[str]) -> bool:
    """``--account`` names an account by its id or its name (any case); none named: every one."""
    if not names:
        return True
    return account.id in names or account.name.casefold() in {n.casefold() for n in names}


def none_chosen(names: Sequence[str]) -> UsageError:
    return UsageError(f"--account {', '.join(names)}: not an account of the spec")
