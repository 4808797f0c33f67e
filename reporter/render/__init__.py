"""Rendering: a dataset (and its comparison) → a self-contained HTML report, its PDF and a CSV.

``render_report`` is the verb; ``build_html`` the pure part. WeasyPrint is imported only when a
PDF is written (``reporter.render.pdf``); charts are SVG written by ``reporter.render.charts``.
Importing a module of this package (the commentary, the formatter) does not import the renderer:
a run's main process fetches and hands the rendering to worker processes, which import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reporter.render.report import Rendered, build_html, render_report

__all__ = ["Rendered", "build_html", "render_report"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from reporter.render import report

        return getattr(report, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
