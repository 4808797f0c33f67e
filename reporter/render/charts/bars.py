"""Horizontal bars, in the order given (largest first), each with its value written at its end.

Names take at most 45 % of the width and are shortened with an ellipsis beyond it (the full name
stays in the table beside the chart and in the label's ``<title>``). A negative value's bar runs
left of the zero line with its value on its left."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from reporter.render.charts import axis, measure, svg
from reporter.render.charts.theme import AXIS, INK, Theme

NAMES = 0.45  # the share of the width names may take
VALUES = 0.25  # and values


def bars(
    label: str,
    names: Sequence[str],
    values: Sequence[float],
    value_labels: Sequence[str],
    *,
    theme: Theme,
    width: float = 340.0,
) -> Markup:
    size = theme.font_size
    row = size * 1.8
    texts = [measure.fit(axis.minus(t), width * VALUES, size) for t in value_labels]
    shown = [measure.fit(n, width * NAMES, size) for n in names]
    names_room = max((measure.width(n, size) for n in shown), default=0.0) + 6
    value_room = max((measure.width(t, size) for t in texts), default=0.0) + 5
    lo, hi = min(0.0, *values), max(0.0, *values)
    if hi == lo:
        hi = 1.0  # all zero: empty bars on a visible axis
    start = names_room + (value_room if lo < 0 else 0.0)
    end = width - value_room - 2
    x = axis.Scale(lo, hi, start, end)
    height = row * max(len(names), 1) + 4
    parts = [svg.vline(x(0), 1, height - 1, AXIS)]
    for index, (name, full, value, text) in enumerate(
        zip(shown, names, values, texts, strict=True)
    ):
        middle = 2 + row * (index + 0.5)
        parts.append(svg.text(names_room - 6, middle, name, size, anchor="end", title=full))
        left, right = sorted((x(0), x(value)))
        parts.append(svg.rect(left, middle - row * 0.31, right - left, row * 0.62, theme.primary))
        if value < 0:
            parts.append(svg.text(left - 4, middle, text, size, anchor="end", fill=INK))
        else:
            parts.append(svg.text(right + 4, middle, text, size, fill=INK))
    return svg.document(label, width, height, parts, size=size)
