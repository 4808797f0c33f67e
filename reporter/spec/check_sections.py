"""The report's sections (``report.sections``): each named once, and each with something to show.

Unknown names are shape errors (a ``Literal``, with did-you-mean); here: a section listed twice,
and a section whose spec table is missing, which would show nothing (a warning: the report
still renders)."""

from __future__ import annotations

from collections.abc import Callable

from reporter.spec.check_wording import error, q, warning
from reporter.spec.diagnostics import Diagnostic
from reporter.spec.models import Spec


def _breakdowns(spec: Spec) -> bool:
    return bool(spec.account_metrics.breakdowns or (spec.media and spec.media.breakdowns))


# A section, the key that gives it something to show, and whether the spec has it.
_NEEDS: dict[str, tuple[str, Callable[[Spec], bool]]] = {
    "goals": ("[goals]", lambda spec: bool(spec.goals)),
    "commentary": ("[commentary]", lambda spec: spec.commentary is not None),
    "trends": ("account_metrics.time_series", lambda spec: bool(spec.account_metrics.time_series)),
    "breakdowns": ("account_metrics.breakdowns or media.breakdowns", _breakdowns),
    "audience": ("[audience]", lambda spec: spec.audience is not None),
    "content": ("[media]", lambda spec: spec.media is not None),
    "campaigns": ("[[media.campaigns]]", lambda spec: bool(spec.media and spec.media.campaigns)),
}


def check_sections(spec: Spec) -> list[Diagnostic]:
    explicit = "sections" in spec.report.model_fields_set  # the default list warns of nothing
    out: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(spec.report.sections):
        path = ("report", "sections", index)
        if name in seen:
            twice = f"section {q(name)} is listed twice"
            first = f"the first is report.sections[{seen[name]}]; remove one"
            out.append(error("duplicate-section", twice, path, first))
            continue
        seen[name] = index
        need = _NEEDS.get(name)
        if explicit and need is not None and not need[1](spec):
            out.append(
                warning(
                    "empty-section",
                    f"section {q(name)} would show nothing: the spec has no {need[0]}",
                    path,
                    f"add {need[0]}, or leave {q(name)} out of report.sections",
                )
            )
    return out
