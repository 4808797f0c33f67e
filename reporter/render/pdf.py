"""HTML → PDF with WeasyPrint: the only module that imports it (half a second on import, so
nothing on the `validate` path comes here).

WeasyPrint 70 takes a ``weasyprint.urls.URLFetcher`` instance (a plain function, as in older
examples, is no longer accepted). Ours allows ``data:`` URLs and files inside the template
folders, and refuses everything else: no network, no ``file:///etc/passwd`` from a caption that
slipped through, no font or image from anywhere the template author did not put it.
PDF metadata comes from the HTML head (title, author, description → subject); the outline comes
from headings via CSS ``bookmark-level``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

# WeasyPrint logs each refused URL and unsupported CSS property as a warning; a report is not
# the place for them, and refused URLs are the point of the fetcher.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
    """Only ``data:`` URLs and ``file:`` URLs resolving inside one of ``roots``."""

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, timeout=5)
        self.roots = tuple(root.resolve() for root in roots)

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return True
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(url2pathname(parts.path)).resolve()
        return any(path.is_relative_to(root) for root in self.roots)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not self.allows(url):
            raise ValueError(f"refused by the report's URL fetcher: {url[:80]}")
        return super().fetch(url, headers)


def write_pdf(html: str, *, roots: Sequence[Path], base_url: Path | None = None) -> bytes:
    """The PDF of ``html``; relative URLs resolve against ``base_url`` (a template folder)."""
    document = weasyprint.HTML(
        string=html,
        base_url=str(base_url) + "/" if base_url is not None else None,
        url_fetcher=ConfinedFetcher(roots),
    )
    data: bytes = document.write_pdf()
    return data


def engine() -> str:
    """The PDF engine and its version, for `reporter doctor`."""
    return f"WeasyPrint {weasyprint.__version__}"
