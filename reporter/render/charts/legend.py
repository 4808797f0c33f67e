"""A legend row above a chart: a swatch and a name per series, wrapped onto more rows when the
names need it; each name shortened to fit the chart's width."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reporter.render.charts import measure, svg

SWATCH = 18.0
GAP = 5.0
SPACING = 16.0


@dataclass(frozen=True)
class Item:
    name: str
    colour: str
    kind: str = "box"  # "line" | "dash" | "box"
    pattern: str | None = None  # the id of a hatch <pattern> drawn over a box


def _swatch(item: Item, x: float, y: float, size: float) -> str:
    if item.kind in ("line", "dash"):
        dash = "4 2.5" if item.kind == "dash" else None
        return svg.tag(
            "path",
            {
                "d": f"M{svg.num(x)} {svg.num(y)}h{svg.num(SWATCH)}",
                "stroke": item.colour,
                "stroke-width": 2.2 if item.kind == "line" else 1.3,
                "stroke-dasharray": dash,
            },
        )
    box = size * 0.8
    parts = [svg.rect(x, y - box / 2, box, box, item.colour)]
    if item.pattern:
        parts.append(svg.rect(x, y - box / 2, box, box, f"url(#{item.pattern})"))
    return "".join(parts)


def _swatch_width(item: Item, size: float) -> float:
    return SWATCH if item.kind in ("line", "dash") else size * 0.8


def legend(
    items: Sequence[Item], *, x: float, y: float, room: float, size: float
) -> tuple[str, float]:
    """The legend's markup starting at (``x``, ``y``) (the top of its first row), and the
    height it takes."""
    row = size * 1.5
    parts: list[str] = []
    left, top = x, y
    for item in items:
        swatch = _swatch_width(item, size)
        name = measure.fit(item.name, room - swatch - GAP, size)
        used = swatch + GAP + measure.width(name, size)
        if left > x and left + used > x + room:
            left, top = x, top + row
        middle = top + row / 2
        parts.append(_swatch(item, left, middle, size))
        parts.append(svg.text(left + swatch + GAP, middle, name, size, title=item.name))
        left += used + SPACING
    return "".join(parts), (top - y + row) if items else 0.0
