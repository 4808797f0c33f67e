"""One chart drawn twice: for the page's width (print, and screens wider than 600 px) and for a
phone's. A chart's text scales with its viewBox, so a chart drawn for the page would write its
labels at about 6 px on a 390 px screen; the phone's drawing is narrower in its own units and
keeps them at about 10 px. The stylesheet shows one of the two (``.chart-wide``,
``.chart-narrow``); the PDF only ever has the first."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

WIDE = 560.0
NARROW = 380.0


def responsive(draw: Callable[[float], Markup]) -> Markup:
    """``draw(width)`` at both widths, each in its own box."""
    return Markup(
        f'<div class="chart-wide">{draw(WIDE)}</div><div class="chart-narrow">{draw(NARROW)}</div>'
    )
