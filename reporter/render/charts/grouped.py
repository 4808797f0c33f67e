"""Vertical bars per category, one bar per group (age × gender). Groups differ by shade and by
hatch, so they stay apart in greyscale. Category labels wrap onto two lines and are shortened
beyond that, so none runs into its neighbour."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from markupsafe import Markup

from reporter.render.charts import axis, measure, svg
from reporter.render.charts.legend import Item, legend
from reporter.render.charts.theme import AXIS, GRID, Theme

WIDTH = 560.0  # responsive.WIDE
HEIGHT = 210.0
HATCHED = (1, 3)  # the groups drawn with a hatch over their shade


def grouped(
    label: str,
    categories: Sequence[str],
    groups: Sequence[tuple[str, Sequence[float]]],
    *,
    theme: Theme,
    width: float = WIDTH,
) -> Markup:
    size = theme.font_size
    shades = theme.shades
    # One id per drawing (a page has several charts, and each wide chart twice: a browser does
    # not paint a pattern whose first definition is in the hidden drawing); from the content.
    key = hashlib.sha1(repr((label, categories, groups, width)).encode()).hexdigest()[:10]
    pattern = f"hatch-{key}"
    parts = [_hatch(pattern)]
    items = [
        Item(name, shades[i % len(shades)], "box", pattern if i % 4 in HATCHED else None)
        for i, (name, _) in enumerate(groups)
    ]
    markup, used = legend(items, x=0, y=0, room=width, size=size)
    parts.append(markup)
    values = [v for _, vs in groups for v in vs]
    ticks = axis.ticks(min(values, default=0), max(values, default=0), integer=axis.whole(values))
    texts = axis.labels(ticks, theme)
    left = max(measure.width(t, size) for t in texts) + 8
    right = width - 4
    slot = (right - left) / max(len(categories), 1)
    wrapped = [measure.wrap(c, slot - 4, size) for c in categories]
    lines = max((len(w) for w in wrapped), default=1)
    bottom = HEIGHT - size * (1.25 * lines + 0.5)
    y = axis.Scale(ticks[0], ticks[-1], bottom, used + 8 + size / 2)
    for value, text in zip(ticks, texts, strict=True):
        parts.append(svg.hline(left, right, y(value), AXIS if value == 0 else GRID, 0.7))
        parts.append(svg.text(left - 6, y(value), text, size, anchor="end"))
    n = max(len(groups), 1)
    bar = slot * 0.8 / n
    for i, (name, series) in enumerate(groups):
        shade = shades[i % len(shades)]
        for c, value in enumerate(series):
            x = left + slot * (c + 0.5) + (i - (n - 1) / 2) * bar - bar * 0.46
            top, base = sorted((y(value), y(0)))
            said = f"{name}, {categories[c]}: {axis.figure(value, theme)}"
            tip = svg.tag("title", {}, svg.esc(said))
            body = svg.rect(x, top, bar * 0.92, base - top, shade)
            if i % 4 in HATCHED:
                body += svg.rect(x, top, bar * 0.92, base - top, f"url(#{pattern})")
            parts.append(svg.tag("g", {}, body + tip))
    for c, rows in enumerate(wrapped):
        centre = left + slot * (c + 0.5)
        for r, text in enumerate(rows):
            middle = bottom + size * (0.9 + 1.2 * r)
            parts.append(
                svg.text(
                    centre,
                    middle,
                    text,
                    size,
                    anchor="middle",
                    title=categories[c] if r == 0 else None,
                )
            )
    return svg.document(label, width, HEIGHT, parts, size=size)


def _hatch(pattern: str) -> str:
    """Thin white diagonals, drawn over a group's shade."""
    stroke = svg.tag(
        "path",
        {
            "d": "M0 6L6 0M-1.5 1.5L1.5 -1.5M4.5 7.5L7.5 4.5",
            "stroke": "#FFFFFF",
            "stroke-width": 1.1,
        },
    )
    return svg.tag(
        "defs",
        {},
        svg.tag(
            "pattern",
            {"id": pattern, "width": 6, "height": 6, "patternUnits": "userSpaceOnUse"},
            stroke,
        ),
    )
