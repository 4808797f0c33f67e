"""What `reporter run --send` does with a report the data-quality rules (deliver/quality.py)
hold: the report line says nothing was sent, and one line per broken rule follows it (shown even
with ``--quiet``: cron mails them)."""

from __future__ import annotations

from collections.abc import Sequence

from reporter.catalogue import Catalogue
from reporter.dataset import Dataset
from reporter.deliver.quality import holds, token_reason
from reporter.fetch.explain import IncompleteFetch
from reporter.graph.errors import TokenInvalid, TokenRefused
from reporter.run.log import Line, RunLog
from reporter.run.report import Report
from reporter.spec.models import Spec


def hold_reasons(
    spec: Spec,
    current: Dataset,
    previous: Dataset | None,
    token_problem: str | None,
    catalogue: Catalogue,
    incomplete: Sequence[str] = (),
) -> list[str]:
    """The broken rules of a report that would be e-mailed (none for a render-only spec)."""
    if spec.delivery is None:
        return []
    return holds(spec, current, previous, catalogue=catalogue, token_problem=token_problem,
                 incomplete=incomplete)  # fmt: skip


def incomplete_fetch(*errors: object) -> list[str]:
    """What the fetches of a report and its comparison say about calls still to fetch."""
    return [str(e) for e in errors if isinstance(e, IncompleteFetch)]


def token_failure(error: object) -> str | None:
    """What a fetch's error says about the token, when the token is what failed."""
    return str(error) if isinstance(error, TokenInvalid | TokenRefused) else None


def token_hold(spec: Spec, problem: str) -> list[str]:
    """A report not fetched because its token failed: held (it waits for a renewed token)."""
    if spec.delivery is None or not spec.quality.hold_on_token_failure:
        return []
    return [token_reason(problem)]


def held_text(report: Report) -> str:
    waiting = [d for d in report.decisions if d.action == "hold"]
    return (
        f"held by the data-quality rules: nothing was sent to {len(waiting)} recipient(s); "
        "the next run sends it once the data is fine"
    )


def log_held(log: RunLog, line: Line, reasons: Sequence[str]) -> None:
    log.report(line)
    for reason in reasons:
        log.note(f"  held: {reason}", always=True)
