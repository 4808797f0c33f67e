"""Inline SVG charts, written by the project's own small drawing code (no browser, no display).

Why not matplotlib (the issue on speed, #16): it took about 2.2 s for one report's 17 charts and
its SVG cost WeasyPrint a further second of layout; these functions write the same charts as a
few dozen plain elements in well under a millisecond each. pygal was measured too and mis-renders
in WeasyPrint (its SVG relies on CSS WeasyPrint applies only in part).

Every chart is deterministic (the same data gives the same bytes), has a viewBox and scales with
its container (``width="100%"``), carries ``role="img"`` and its label, and writes its words as
real ``<text>`` (selectable and searchable in the PDF). Every word from the spec or from Meta
passes through ``svg.esc``; long labels are shortened with an ellipsis or wrapped so nothing is
clipped, and the full text stays in a ``<title>``.
"""

from reporter.render.charts.bars import bars
from reporter.render.charts.grouped import grouped
from reporter.render.charts.heatmap import heatmap
from reporter.render.charts.line import line
from reporter.render.charts.responsive import responsive
from reporter.render.charts.theme import Theme

__all__ = ["Theme", "bars", "grouped", "heatmap", "line", "responsive"]
