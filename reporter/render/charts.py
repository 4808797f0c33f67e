"""Inline SVG charts, drawn with matplotlib's SVG backend (no browser, no display).

Why matplotlib: measured against pygal in bench/bench_render.py's notes and the render issue's
closing note. pygal's SVG relies on CSS that WeasyPrint applies only in part (series lost, guides
black); matplotlib's renders as drawn. Text stays text (``svg.fonttype = none``), so the PDF's
labels are selectable and searchable; mathtext is off so a ``$`` in a city name stays a ``$``.

One theme for every chart: the brand's primary colour for the current period, a lighter dashed
line for the comparison (readable in greyscale by its dash, not only its shade), light grid.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib

matplotlib.use("svg")  # before anything imports pyplot; we never do, Figure is enough

from markupsafe import Markup
from matplotlib.figure import Figure

GREY = "#8A8F98"
INK = "#2B2F36"
_PREAMBLE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_SIZE = re.compile(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"')


@dataclass(frozen=True)
class Theme:
    primary: str = "#1F3A5F"
    accent: str = "#D9822B"
    font_size: float = 8.5
    tick: Callable[[float], str] = field(default=lambda v: f"{v:,.0f}")  # axis values

    @property
    def rc(self) -> Any:  # matplotlib types the keys as a Literal of every rcParam
        return {
            "svg.fonttype": "none",
            "svg.hashsalt": "reporter",  # stable ids: the same data gives the same SVG
            "text.parse_math": False,
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans"],
            "font.size": self.font_size,
            "axes.edgecolor": "#C9CDD3",
            "axes.labelcolor": INK,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "axes.axisbelow": True,
            "grid.color": "#E6E8EB",
            "grid.linewidth": 0.6,
            "xtick.color": INK,
            "ytick.color": INK,
            "xtick.major.size": 0,
            "ytick.major.size": 0,
            "legend.frameon": False,
        }


def _render(fig: Figure, label: str) -> Markup:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = _PREAMBLE.sub("", buffer.getvalue(), count=1)
    svg = _METADATA.sub("", svg, count=1)  # RDF boilerplate naming remote vocabularies
    # Scale with the container: the template sets the width, the viewBox keeps the ratio.
    svg = _SIZE.sub(r"\1", svg, count=1)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(label)}" ', 1)
    return Markup(svg)


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


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
) -> Markup:
    """A daily series with the comparison period's series (aligned by day number) behind it."""
    with matplotlib.rc_context(theme.rc):
        fig = Figure(figsize=(7.2, 2.3))
        ax = fig.add_axes((0.075, 0.17, 0.9, 0.7))
        xs = list(range(len(x_labels)))
        if previous:
            ax.plot(
                list(range(len(previous))),
                _nan(previous),
                color=GREY,
                linewidth=1.3,
                linestyle=(0, (4, 2.5)),
                label=previous_name,
            )
        ax.plot(xs, _nan(current), color=theme.primary, linewidth=2.2, label=current_name)
        ax.set_xticks(xs[::tick_every], [x_labels[i] for i in xs[::tick_every]])
        ax.set_xlim(-0.5, max(len(xs), len(previous or ())) - 0.5)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(lambda v, _pos: theme.tick(v))
        ax.grid(axis="x", visible=False)
        if previous:
            ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, borderaxespad=0.2)
        return _render(fig, label)


def bars(
    label: str,
    names: Sequence[str],
    values: Sequence[float],
    value_labels: Sequence[str],
    *,
    theme: Theme,
    width: float = 3.5,
) -> Markup:
    """Horizontal bars, largest first, each with its value written at its end."""
    with matplotlib.rc_context(theme.rc):
        height = 0.35 + 0.24 * max(len(names), 1)
        fig = Figure(figsize=(width, height))
        # Room for the longest name on the left and a value on the right (DejaVu ≈ 0.6 em).
        char = theme.font_size * 0.6 / 72 / width
        left = min(0.55, 0.03 + char * max((len(_clip(n)) for n in names), default=4))
        ax = fig.add_axes((left, 0.02, 0.86 - left, 0.96))
        ys = list(range(len(names)))[::-1]
        ax.barh(ys, values, color=theme.primary, height=0.62)
        top = max(values, default=0) or 1
        # Names and values as plain text, axes off: matplotlib's tick machinery costs more
        # than the bars (this chart is drawn a dozen times per report).
        ax.set_axis_off()
        ax.axvline(0, color="#C9CDD3", linewidth=0.8)
        for y, name, v, text in zip(ys, names, values, value_labels, strict=True):
            ax.text(-top * 0.03, y, _clip(name), va="center", ha="right", color=INK)
            ax.text(v + top * 0.02, y, text, va="center", color=INK)
        ax.set_xlim(0, top * 1.05)
        ax.set_ylim(-0.6, len(names) - 0.4)
        return _render(fig, label)


def grouped(
    label: str,
    categories: Sequence[str],
    groups: Sequence[tuple[str, Sequence[float]]],
    *,
    theme: Theme,
) -> Markup:
    """Vertical bars per category, one bar per group (age × gender). Groups differ by shade and
    hatch so they stay apart in greyscale."""
    shades = [theme.primary, theme.accent, "#B8BDC6", "#5E6670"]
    hatches = ["", "////", "", ".."]
    with matplotlib.rc_context(theme.rc):
        fig = Figure(figsize=(7.2, 2.4))
        ax = fig.add_axes((0.075, 0.13, 0.9, 0.75))
        n = max(len(groups), 1)
        width = 0.8 / n
        for i, (name, values) in enumerate(groups):
            xs = [c + (i - (n - 1) / 2) * width for c in range(len(categories))]
            ax.bar(
                xs,
                values,
                width=width * 0.92,
                color=shades[i % len(shades)],
                hatch=hatches[i % len(hatches)],
                edgecolor="white",
                linewidth=0.4,
                label=name,
            )
        ax.set_xticks(list(range(len(categories))), list(categories))
        ax.yaxis.set_major_formatter(lambda v, _pos: theme.tick(v))
        ax.grid(axis="x", visible=False)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(groups), borderaxespad=0.2)
        return _render(fig, label)


def _nan(values: Sequence[float | None]) -> list[float]:
    return [float("nan") if v is None else v for v in values]


def _clip(name: str, limit: int = 24) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
