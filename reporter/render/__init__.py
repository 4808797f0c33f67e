"""Rendering: a dataset (and its comparison) → a self-contained HTML report, its PDF and a CSV.

``render_report`` is the verb; ``build_html`` the pure part. WeasyPrint is imported only when a
PDF is written (``reporter.render.pdf``); charts are SVG written by ``reporter.render.charts``.
"""

from __future__ import annotations

from reporter.render.report import Rendered, build_html, render_report

__all__ = ["Rendered", "build_html", "render_report"]
