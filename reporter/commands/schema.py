"""`reporter schema`: the JSON Schema of a report spec, for editors (taplo, Even Better TOML)."""

from __future__ import annotations

from reporter.errors import ExitStatus
from reporter.spec.schema import json_schema
from reporter.world import World


def schema(*, world: World) -> int:
    world.out.write(json_schema() + "\n")
    return int(ExitStatus.OK)
