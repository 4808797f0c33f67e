"""The account manager's commentary: the period's Markdown file, rendered and sanitised.

Markdown goes through markdown-it-py (CommonMark) with raw HTML disabled, so ``<script>`` in
the file comes out as text; the HTML it makes then goes through nh3 (the Ammonia sanitiser) with
a short list of text tags. No ``img`` survives (a report fetches no remote or local resource: an
image becomes "[image: its alt text]"), links keep only http(s) and mailto targets, and no
attribute but ``href`` and ``title`` is kept, so no event handler or style either.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from reporter.spec.check_derived import commentary_path
from reporter.spec.models import Spec

if TYPE_CHECKING:
    from collections.abc import Sequence

    from markdown_it.token import Token

    from reporter.render.inputs import Inputs

TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_HEADINGS = {"h1": "h3", "h2": "h4"}  # the report's own h1/h2 frame the section


def to_html(markdown: str) -> Markup:
    """Safe HTML of a Markdown text."""
    import nh3
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    parser.add_render_rule("image", _image_as_text)
    html = parser.render(markdown)
    for big, small in _HEADINGS.items():
        html = html.replace(f"<{big}>", f"<{small}>").replace(f"</{big}>", f"</{small}>")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(clean)  # sanitised just above


def _image_as_text(self: object, tokens: Sequence[Token], idx: int, *_: object) -> str:
    from markdown_it.common.utils import escapeHtml

    alt = tokens[idx].content
    return escapeHtml(f"[image: {alt}]" if alt else "[image]")


def build(inputs: Inputs) -> Markup | None:
    text = inputs.commentary
    if text is None or not text.strip():
        return None
    return to_html(text)


def load_commentary(spec: Spec, spec_path: Path, period: str, account: str) -> str | None:
    """The period's Markdown notes next to the spec; a missing file is no commentary."""
    found = commentary_path(spec, spec_path.parent, period=period, account=account)
    if found is None or not found.is_file():
        return None
    return found.read_text(encoding="utf-8")
