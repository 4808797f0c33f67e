"""Content: the top media by the spec's ranking metric, a table per product type (watch times as
durations, totals only where Meta's semantics allow adding up) and the stories."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reporter.dataset import MediaItem
from reporter.derived.ranking import top_posts
from reporter.render import images
from reporter.render.inert import post_link
from reporter.render.model import Cell, MediaCard, Table
from reporter.render.translations import N_

if TYPE_CHECKING:
    from reporter.render.inputs import Inputs

CAPTION_CHARS = 90  # a card in a two-column grid: two lines
TYPE_NAMES = {
    ("FEED", "IMAGE"): N_("Photo"),
    ("FEED", "VIDEO"): N_("Video"),
    ("FEED", "CAROUSEL_ALBUM"): N_("Carousel"),
    ("REELS", "VIDEO"): N_("Reel"),
    ("STORY", "IMAGE"): N_("Story"),
    ("STORY", "VIDEO"): N_("Story"),
}
SECTION_TITLES = {"FEED": N_("Posts"), "REELS": N_("Reels"), "STORY": N_("Stories")}


def count_words(inputs: Inputs, product_type: str, count: int) -> str:
    """``12 posts``, ``1 reel``, in the report's language."""
    fmt, number = inputs.fmt, inputs.fmt.number(count)
    if product_type == "REELS":
        return fmt.ngettext("{count} reel", "{count} reels", count).format(count=number)
    if product_type == "STORY":
        return fmt.ngettext("{count} story", "{count} stories", count).format(count=number)
    return fmt.ngettext("{count} post", "{count} posts", count).format(count=number)


@dataclass(frozen=True)
class Content:
    rank_title: str
    top: tuple[MediaCard, ...]
    tables: tuple[Table, ...]  # one per product type with media, stories last
    counts: tuple[tuple[str, str], ...]  # (section title, count) for the overview line
    empty: bool
    listing: str = ""  # the counts in words: "5 posts, 3 reels"
    rank_words: str = ""  # the ranking metric's title inside a sentence ("views"; de: "Aufrufe")


def kind(inputs: Inputs, item: MediaItem) -> str:
    name = TYPE_NAMES.get((item.product_type, item.media_type))
    return inputs.fmt.gettext(name) if name else item.product_type.title()


def excerpt(caption: str | None, limit: int = CAPTION_CHARS) -> str:
    """The caption on one line, cut at a word; emoji and every script stay (README: Fonts says
    which fonts draw them, and the run warns when a script has none). The CSV keeps it whole."""
    text = " ".join((caption or "").split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def build(inputs: Inputs) -> Content | None:
    media = inputs.spec.media
    if media is None:
        return None
    items = [m for m in inputs.current.media if m.product_type in media.product_types]
    items.sort(key=lambda m: m.timestamp)
    tables = tuple(
        _table(inputs, product_type, [m for m in items if m.product_type == product_type])
        for product_type in media.product_types
    )
    numbers = [(pt, sum(1 for m in items if m.product_type == pt)) for pt in media.product_types]
    counts = tuple(
        (inputs.fmt.gettext(SECTION_TITLES[pt]), inputs.fmt.number(n)) for pt, n in numbers
    )
    rank_title = inputs.title("media", media.rank_by)
    return Content(
        rank_title=rank_title,
        top=tuple(_top(inputs, items)),
        tables=tuple(t for t in tables if t.rows),
        counts=counts,
        empty=not items,
        listing=", ".join(count_words(inputs, pt, n) for pt, n in numbers),
        rank_words=inputs.fmt.in_sentence(rank_title),
    )


def _value(inputs: Inputs, item: MediaItem, metric: str) -> float | None:
    return inputs.media_value(item, metric)


def _top(inputs: Inputs, items: Sequence[MediaItem]) -> list[MediaCard]:
    media = inputs.spec.media
    assert media is not None
    rank_by, unit = media.rank_by, inputs.unit("media", media.rank_by)
    ranked = top_posts(media, items, lambda m: _value(inputs, m, rank_by))
    card_metrics = inputs.catalogue.card_metrics
    cards = []
    for rank, (value, item) in enumerate(ranked, start=1):
        picture = images.data_uri(inputs.thumbnails.get(item.id))
        wanted = media.metrics.get(item.product_type) or list(card_metrics)  # type: ignore[call-overload]
        shown = [m for m in card_metrics if m in wanted and m != rank_by][:3]
        metrics = tuple(
            (
                inputs.title("media", m),
                inputs.fmt.value(_value(inputs, item, m), inputs.unit("media", m)),
            )
            for m in shown
        )
        cards.append(
            MediaCard(
                id=item.id,
                rank=rank,
                product_type=kind(inputs, item),
                date=inputs.fmt.date(item.timestamp),
                caption=excerpt(item.caption),
                thumbnail=picture or images.PLACEHOLDER,
                has_picture=picture is not None,
                permalink=item.permalink,
                link=post_link(item.permalink),
                metrics=metrics,
                rank_value=inputs.fmt.value(value, unit),
            )
        )
    return cards


def _metrics_for(inputs: Inputs, product_type: str) -> list[str]:
    media = inputs.spec.media
    assert media is not None
    chosen = media.metrics.get(product_type)  # type: ignore[call-overload]
    if chosen:
        return [m for m in chosen if m != "navigation"]
    return list(inputs.catalogue.default_table_metrics(product_type))


def _table(inputs: Inputs, product_type: str, items: list[MediaItem]) -> Table:
    _ = inputs.fmt.gettext
    metrics = _metrics_for(inputs, product_type)
    columns = (_("Post"), _("Type"), _("Caption"), _("Link"),
               *(inputs.title("media", m) for m in metrics))  # fmt: skip
    rows = [_row(inputs, item, metrics) for item in items]
    top, note = top_rows(inputs, items, rows, product_type)
    what = count_words(inputs, product_type, len(items))
    label = (_("Total, all {what}") if top is not None else _("Total, {what}")).format(what=what)
    footer: list[Cell] = [Cell(label), Cell(""), Cell(""), Cell("")]
    for metric in metrics:
        footer.append(_total_cell(inputs, items, metric))
    return Table(
        f"media_{product_type}",
        _(SECTION_TITLES.get(product_type, product_type)),
        columns,
        tuple(rows),
        footer=tuple(footer),
        numeric=(False, False, False, False, *([True] * len(metrics))),
        hidden=(False, True, True, True, *([False] * len(metrics))),
        top=top,
        note=note,
    )


def post_cell(inputs: Inputs, item: MediaItem) -> Cell:
    """A table's first cell for a post: its day and kind, a caption excerpt, its link."""
    fmt = inputs.fmt
    day = fmt.short_date(fmt.local(item.timestamp).date())
    return Cell(
        f"{day} · {kind(inputs, item)}",
        item.timestamp.isoformat(),
        detail=excerpt(item.caption, 70),
        link=post_link(item.permalink),
    )


def _row(inputs: Inputs, item: MediaItem, metrics: Sequence[str]) -> tuple[Cell, ...]:
    fmt = inputs.fmt
    cells = [
        post_cell(inputs, item),
        Cell(kind(inputs, item)),
        Cell(item.caption or "", item.caption or ""),
        Cell(item.permalink or "", item.permalink or ""),
    ]
    for metric in metrics:
        value = _value(inputs, item, metric)
        cells.append(Cell(fmt.value(value, inputs.unit("media", metric)), value, numeric=True))
    return tuple(cells)


def top_rows(
    inputs: Inputs, items: Sequence[MediaItem], rows: Sequence[tuple[Cell, ...]], product_type: str
) -> tuple[tuple[tuple[Cell, ...], ...] | None, str]:
    """The rows a per-post table shows when ``media.table_rows`` is fewer than its posts (one
    row per item, in order): the highest by ``rank_by``, posts without a value last; and the
    line that says so. (None, "") when the table shows every post."""
    media = inputs.spec.media
    assert media is not None
    limit = media.table_rows
    if limit == "all" or len(items) <= limit:
        return None, ""
    rank_by, fmt = media.rank_by, inputs.fmt

    def key(index: int) -> tuple[bool, float, str]:
        value = _value(inputs, items[index], rank_by)
        return (value is None, -(value or 0.0), items[index].timestamp.isoformat())

    chosen = sorted(range(len(items)), key=key)[:limit]
    metric = fmt.in_sentence(inputs.title("media", rank_by))
    note = fmt.gettext("The {what} with the most {metric}.").format(
        what=count_words(inputs, product_type, limit), metric=metric
    )
    if "csv" in inputs.spec.output.formats:
        note += " " + fmt.gettext("Full list of all {what} in the accompanying CSV file.").format(
            what=count_words(inputs, product_type, len(items))
        )
    return tuple(rows[i] for i in chosen), note


def _total_cell(inputs: Inputs, items: Sequence[MediaItem], metric: str) -> Cell:
    """Sums only for additive counts; reach (unique accounts) and averages get a dash."""
    unit = inputs.unit("media", metric)
    if not inputs.additive("media", metric) or unit == "percent":
        return Cell("—", "", numeric=True)
    values = [v for m in items if (v := _value(inputs, m, metric)) is not None]
    if not values:
        return Cell("—", "", numeric=True)
    total = sum(values)
    return Cell(inputs.fmt.value(total, unit), total, numeric=True)
