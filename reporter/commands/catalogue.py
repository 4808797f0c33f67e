"""`reporter catalogue [METRIC]`: the metric catalogue as a table or JSON, or one metric
explained."""

from __future__ import annotations

from reporter.catalogue import SCOPES, Scope, closest, show
from reporter.errors import ExitStatus, ReporterError
from reporter.world import World


def catalogue(
    metric: str | None, *, scope: Scope | None, current: bool, output_format: str, world: World
) -> int:
    data = world.catalogue
    scopes = [s for s in SCOPES if scope in (None, s)]
    if metric is None:
        if output_format == "json":
            chosen = [
                m
                for m in data.metrics.values()
                if m.scope in scopes and (not current or m.status == "current")
            ]
            world.out.write(show.as_json(chosen) + "\n")
        else:
            world.out.write(show.table(data, scope, removed=not current) + "\n")
        return int(ExitStatus.OK)
    found = [m for s in scopes if (m := data.get(s, metric)) is not None]
    if not found:
        hint = closest(metric, {m.name for m in data.metrics.values()})
        did_you_mean = f"; did you mean {hint!r}?" if hint else ""
        raise ReporterError(f"unknown metric {metric!r}{did_you_mean}")
    if output_format == "json":
        world.out.write(show.as_json(found) + "\n")
    else:
        world.out.write("\n\n".join(show.explain(m) for m in found) + "\n")
    return int(ExitStatus.OK)
