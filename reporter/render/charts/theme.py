"""One look for every chart: the brand's primary colour for the current period, a lighter dashed
line for the comparison (readable in greyscale by its dash, not only its shade), a light grid."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

INK = "#2B2F36"
MUTED = "#646B75"
GREY = "#8A8F98"
AXIS = "#C9CDD3"
GRID = "#E6E8EB"
EMPTY = "#F4F5F7"


def _number(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def _compact(value: float) -> str:
    return f"{value:,.0f}"


@dataclass(frozen=True)
class Theme:
    """Colours, the text size (in the viewBox's units: about 10 pt in the PDF for a chart across
    the page, 8 pt for bars beside a table) and the report's number formats
    (``Formatter.compact`` and ``.number``)."""

    primary: str = "#1F3A5F"
    accent: str = "#D9822B"
    font_size: float = 11.0
    tick: Callable[[float], str] = field(default=_compact)  # compact axis figures: 12.3K
    number: Callable[[float, int], str] = field(default=_number)  # a full figure, n decimals

    @property
    def shades(self) -> tuple[str, ...]:
        """Group colours, far apart in lightness so they stay apart in greyscale."""
        return (self.primary, self.accent, "#B8BDC6", "#5E6670")
