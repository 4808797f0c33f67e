"""A grid of shaded cells, rows × columns (weekday × hour for the best time to post): the darker
the cell, the higher its value. A cell without a value is left empty (white, outlined), apart
from every shade of the scale, and never drawn as a zero. Column labels are written every few
columns, as many as fit."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup

from reporter.render.charts import axis, measure, svg
from reporter.render.charts.theme import AXIS, MUTED, Theme

WIDTH = 560.0  # responsive.WIDE
STEPS = 5  # swatches in the scale under the grid
LIGHTEST = 0.12  # the lowest value's share of the primary colour (white reads as empty)
EMPTY = "#FFFFFF"


def heatmap(
    label: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    theme: Theme,
    every: int = 3,
    width: float = WIDTH,
) -> Markup:
    """``values[r][c]`` is row ``r``'s value in column ``c`` (``None``: no value)."""
    size = theme.font_size
    known = [v for row in values for v in row if v is not None]
    lo, hi = min(known, default=0.0), max(known, default=0.0)
    names = [measure.fit(r, width * 0.25, size) for r in rows]
    left = max((measure.width(n, size) for n in names), default=0.0) + 8
    cell_w = (width - left - 2) / max(len(columns), 1)
    cell_h = size * 1.6
    parts: list[str] = []
    for r, (name, full) in enumerate(zip(names, rows, strict=True)):
        y = r * cell_h
        parts.append(svg.text(left - 6, y + cell_h / 2, name, size, anchor="end", title=full))
        for c, column in enumerate(columns):
            value = values[r][c] if c < len(values[r]) else None
            said = "no figure" if value is None else axis.figure(value, theme)
            tip = svg.tag("title", {}, svg.esc(f"{full}, {column}: {said}"))
            x = left + c * cell_w
            if value is None:
                cell = _empty(x, y, cell_w, cell_h)
            else:
                fill = _shade(theme.primary, _share(value, lo, hi))
                cell = svg.rect(x, y, cell_w, cell_h, fill, stroke="#FFFFFF", stroke_width=1)
            parts.append(svg.tag("g", {}, cell + tip))
    grid_bottom = len(rows) * cell_h
    widest = max((measure.width(c, size) for c in columns), default=0.0)
    every = max(every, 1, math.ceil((widest + size * 0.8) / cell_w))
    for c in range(0, len(columns), every):
        half = measure.width(columns[c], size) / 2
        centre = min(max(left + (c + 0.5) * cell_w, half + 1), width - half - 1)
        parts.append(svg.text(centre, grid_bottom + size * 1.0, columns[c], size, anchor="middle"))
    scale_top = grid_bottom + size * 2.2
    empty = len(known) < sum(len(columns) for _ in rows)
    parts += _scale(theme, lo, hi, left, scale_top, size, bool(known), empty)
    height = scale_top + size * 1.4
    return svg.document(label, width, height, parts, size=size)


def _empty(x: float, y: float, w: float, h: float) -> str:
    return svg.rect(x + 1, y + 1, w - 2, h - 2, EMPTY, stroke=AXIS, stroke_width=0.8)


def _scale(
    theme: Theme,
    lo: float,
    hi: float,
    x: float,
    top: float,
    size: float,
    any_value: bool,
    empty: bool,
) -> list[str]:
    """The lowest value, swatches from light to dark, the highest value; then the empty cell's
    swatch when some cells have no value."""
    parts: list[str] = []
    if any_value:
        low = axis.figure(lo, theme)
        parts.append(svg.text(x, top + size / 2, low, size, fill=MUTED))
        start = x + measure.width(low, size) + 5
        for i in range(STEPS):
            shade = _shade(theme.primary, LIGHTEST + (1 - LIGHTEST) * i / (STEPS - 1))
            parts.append(svg.rect(start + i * size * 1.4, top, size * 1.4, size, shade))
        x = start + STEPS * size * 1.4 + 5
        high = axis.figure(hi, theme)
        parts.append(svg.text(x, top + size / 2, high, size, fill=MUTED))
        x += measure.width(high, size) + size * 1.5
    if empty:
        parts.append(_empty(x - 1, top - 1, size * 1.4 + 2, size + 2))
        parts.append(svg.text(x + size * 1.4 + 5, top + size / 2, "no figure", size, fill=MUTED))
    return parts


def _share(value: float, lo: float, hi: float) -> float:
    ratio = 1.0 if hi == lo else (value - lo) / (hi - lo)
    return LIGHTEST + (1 - LIGHTEST) * ratio


def _shade(colour: str, share: float) -> str:
    """``colour`` mixed with white: ``share`` 1 is the colour itself."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 + (c - 255) * share) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in mixed)
