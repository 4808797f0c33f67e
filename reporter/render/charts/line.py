"""A daily series with the comparison period's series (aligned by day number) behind it.

A day without a value (``None``) is a gap in the line, never a zero; a day alone between gaps is
a dot, so it is not lost."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup

from reporter.render.charts import axis, measure, svg
from reporter.render.charts.legend import Item, legend
from reporter.render.charts.theme import AXIS, GREY, GRID, INK, Theme

WIDTH = 560.0  # responsive.WIDE
HEIGHT = 200.0


def line(
    label: str,
    x_labels: Sequence[str],
    current: Sequence[float | None],
    previous: Sequence[float | None] | None,
    *,
    current_name: str,
    previous_name: str | None,
    theme: Theme,
    tick_every: int = 7,
    width: float = WIDTH,
) -> Markup:
    size = theme.font_size
    parts: list[str] = []
    top = 6.0
    if previous:
        items = [Item(previous_name or "", GREY, "dash"), Item(current_name, theme.primary, "line")]
        markup, used = legend(items, x=0, y=0, room=width, size=size)
        parts.append(markup)
        top = used + 8
    known = [v for v in (*current, *(previous or ())) if v is not None]
    ticks = axis.ticks(min(known, default=0), max(known, default=0), integer=axis.whole(known))
    texts = axis.labels(ticks, theme)
    left = max(measure.width(t, size) for t in texts) + 8
    bottom = HEIGHT - size * 1.8
    right = width - 4
    y = axis.Scale(ticks[0], ticks[-1], bottom, top + size / 2)
    for value, text in zip(ticks, texts, strict=True):
        parts.append(svg.hline(left, right, y(value), AXIS if value == 0 else GRID, 0.7))
        parts.append(svg.text(left - 6, y(value), text, size, anchor="end"))
    slots = max(len(current), len(previous or ()), 1)
    slot = (right - left) / slots

    def x(index: int) -> float:
        return left + (index + 0.5) * slot

    parts += _x_labels(x_labels, x, slot, size, tick_every, (bottom, width))
    if previous:
        parts += _series(previous, x, y, GREY, 1.3, "4 2.5")
    parts += _series(current, x, y, theme.primary, 2.2, None)
    return svg.document(label, width, HEIGHT, parts, size=size)


def _x_labels(
    names: Sequence[str],
    x: Callable[[int], float],
    slot: float,
    size: float,
    every: int,
    place: tuple[float, float],  # the axis's y, the chart's width
) -> list[str]:
    bottom, width = place
    if not names:
        return []
    widest = max(measure.width(n, size) for n in names)
    every = max(every, 1, math.ceil((widest + size) / slot))  # never two labels touching
    out = []
    for index in range(0, len(names), every):
        half = measure.width(names[index], size) / 2
        centre = min(max(x(index), half + 1), width - half - 1)  # inside the chart's box
        out.append(svg.vline(x(index), bottom, bottom + 3, AXIS))
        out.append(
            svg.text(centre, bottom + size * 1.15, names[index], size, anchor="middle", fill=INK)
        )
    return out


def _series(
    values: Sequence[float | None],
    x: Callable[[int], float],
    y: axis.Scale,
    colour: str,
    stroke: float,
    dash: str | None,
) -> list[str]:
    runs: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x(index), y(value)))
    out = []
    paths = [run for run in runs if len(run) > 1]
    if paths:
        d = "".join(
            "M" + "L".join(f"{svg.num(px)} {svg.num(py)}" for px, py in run) for run in paths
        )
        out.append(
            svg.tag(
                "path",
                {
                    "d": d,
                    "fill": "none",
                    "stroke": colour,
                    "stroke-width": stroke,
                    "stroke-dasharray": dash,
                    "stroke-linejoin": "round",
                    "stroke-linecap": "round",
                },
            )
        )
    for run in runs:
        if len(run) == 1:  # a day alone between gaps
            px, py = run[0]
            out.append(
                svg.tag("circle", {"cx": px, "cy": py, "r": stroke * 0.9 + 0.6, "fill": colour})
            )
    return out
