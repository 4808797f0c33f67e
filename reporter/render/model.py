"""The report's view model: plain frozen values the templates show and the CSV writes.

Every figure carries its display text (formatted for the locale) and, where it is a table cell,
its raw value for the CSV. Charts are already SVG (``Markup``); everything else is plain text
that autoescaping makes inert.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup

Trend = Literal["up", "down", "flat", "none"]


@dataclass(frozen=True)
class Cell:
    text: str
    raw: str | float | None = None  # what the CSV holds; None: same as text
    numeric: bool = False
    detail: str = ""  # a second, smaller line under the text (a caption excerpt)
    link: str = ""  # the text links here (a post's permalink, checked by inert.post_link)

    @property
    def csv(self) -> str | float:
        return self.text if self.raw is None else self.raw


@dataclass(frozen=True)
class Table:
    key: str  # stable id for the CSV: "top_media", "media_REELS", "breakdown_reach_follow_type"
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    footer: tuple[Cell, ...] = ()
    numeric: tuple[bool, ...] = ()  # per column: right-aligned figures
    hidden: tuple[bool, ...] = ()  # per column: in the CSV only (ids, full captions)
    top: tuple[tuple[Cell, ...], ...] | None = None  # the rows the report shows, when not all
    note: str = ""  # a line under the table: what the rows shown are, where the rest are

    def shown(self, index: int) -> bool:
        return not (index < len(self.hidden) and self.hidden[index])

    @property
    def visible(self) -> tuple[tuple[Cell, ...], ...]:
        """The rows the report shows; the CSV has every row."""
        return self.rows if self.top is None else self.top


@dataclass(frozen=True)
class Chart:
    title: str
    svg: Markup
    caption: str = ""
    wide: bool = False  # the whole width, its table under it (a heatmap), not beside it


@dataclass(frozen=True)
class Kpi:
    metric: str
    title: str
    value: str  # compact display (12.3K) or n/a
    full_value: str  # full figure for the tooltip / notes
    available: bool
    reason: str = ""  # why n/a
    coverage: str = ""  # "Oct 1 – 30 (30 of 31 days)" when not the whole period
    previous: str = ""  # the comparison value, compact
    delta: str = ""  # +1,234
    delta_percent: str = ""  # +12.3%
    trend: Trend = "none"
    comparison_note: str = ""  # why no comparison


@dataclass(frozen=True)
class Highlight:
    kind: str  # largest_change | best_media | followers | activity
    text: str


@dataclass(frozen=True)
class Block:
    """One breakdown, demographic or trend: a chart and the table behind it."""

    key: str
    title: str
    chart: Chart | None
    table: Table | None
    note: str = ""
    unavailable: str = ""  # the reason when there is nothing to show


@dataclass(frozen=True)
class MediaCard:
    id: str
    rank: int
    product_type: str  # display: Reel, Post, Carousel, Story
    date: str
    caption: str
    thumbnail: str  # a data: URI (the picture or the placeholder)
    has_picture: bool
    permalink: str | None
    metrics: tuple[tuple[str, str], ...]  # (title, value)
    rank_value: str
    link: str = ""  # the permalink when it may be a link (inert.post_link)


@dataclass(frozen=True)
class NoteItem:
    title: str
    text: str


@dataclass(frozen=True)
class Notes:
    metrics: tuple[NoteItem, ...]
    unavailable: tuple[NoteItem, ...]
    data: tuple[NoteItem, ...]  # delay, day boundaries, fetch time, timezone, API version
