"""Building SVG text: every attribute value and every text node escaped, numbers written the
same way every time (two decimals at most), so the same chart gives the same bytes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from markupsafe import Markup

from reporter.render.charts.theme import INK

Value = str | float | None
# Characters XML 1.0 forbids (a caption's stray control byte would break a strict parser).
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def esc(text: str) -> str:
    """Text made inert in an attribute or a text node: ``<script>&"'`` stays those characters."""
    text = _INVALID.sub("", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def start(name: str, attrs: Mapping[str, Value]) -> str:
    """An opening tag; ``None`` attributes are left out."""
    parts = [name]
    for key, value in attrs.items():
        if value is not None:
            parts.append(f'{key}="{esc(value) if isinstance(value, str) else num(value)}"')
    return "<" + " ".join(parts) + ">"


def tag(name: str, attrs: Mapping[str, Value], body: str | None = None) -> str:
    """One element; ``body`` is markup already escaped (``None``: an empty element)."""
    opening = start(name, attrs)
    return opening[:-1] + "/>" if body is None else f"{opening}{body}</{name}>"


def text(
    x: float,
    y: float,
    content: str,
    size: float,
    *,
    anchor: str = "start",
    fill: str = INK,
    weight: str | None = None,
    title: str | None = None,
) -> str:
    """A line of text whose *middle* sits at ``y`` (baselines are placed by hand: WeasyPrint
    does not read ``dominant-baseline``); ``title`` keeps the full text of a shortened label."""
    body = esc(content) + (tag("title", {}, esc(title)) if title and title != content else "")
    attrs: dict[str, Value] = {"x": x, "y": y + 0.35 * size, "font-size": size, "fill": fill}
    attrs["text-anchor"] = None if anchor == "start" else anchor
    attrs["font-weight"] = weight
    return tag("text", attrs, body)


def rect(x: float, y: float, width: float, height: float, fill: str, **extra: Value) -> str:
    attrs: dict[str, Value] = {"x": x, "y": y, "width": max(width, 0.0), "height": max(height, 0)}
    attrs["fill"] = fill
    attrs.update({k.replace("_", "-"): v for k, v in extra.items()})
    return tag("rect", attrs)


def hline(x1: float, x2: float, y: float, stroke: str, width: float = 0.8) -> str:
    return tag(
        "path", {"d": f"M{num(x1)} {num(y)}H{num(x2)}", "stroke": stroke, "stroke-width": width}
    )


def vline(x: float, y1: float, y2: float, stroke: str, width: float = 0.8) -> str:
    return tag(
        "path", {"d": f"M{num(x)} {num(y1)}V{num(y2)}", "stroke": stroke, "stroke-width": width}
    )


def document(
    label: str, width: float, height: float, body: Iterable[str], *, size: float
) -> Markup:
    """The ``<svg>`` root: scales to its container's width, keeps its ratio (the viewBox), and
    names itself to assistive technology (``role="img"``, ``aria-label`` and ``<title>``)."""
    opening = start(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {num(width)} {num(height)}",
            "width": "100%",
            "role": "img",
            "aria-label": label,
            "font-size": size,
        },
    )
    return Markup(opening + tag("title", {}, esc(label)) + "".join(body) + "</svg>")
