"""Campaigns (``[[media.campaigns]]``): the posts a campaign chose, and their totals.

Totals add up only what may be added (views, likes, saves: catalogue ``additive``); accounts
reached counts people per post, so one person reached by two posts would count twice: it is
left out of the totals (each post's reach is in the table).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reporter.dataset import MediaItem
from reporter.render.model import Cell, Table
from reporter.render.sections.content import count_words, post_cell, top_rows
from reporter.spec.models import Campaign
from reporter.spec.selection import chosen

if TYPE_CHECKING:
    from reporter.render.inputs import Inputs


@dataclass(frozen=True)
class CampaignView:
    name: str
    heading: str  # "Campaign #autumnblend: 12 posts"
    criteria: str  # what chose the posts, in words
    totals: tuple[tuple[str, str], ...]  # (title, value) of the additive metrics
    table: Table | None  # the campaign's posts (None when it has none this period)


def build(inputs: Inputs) -> tuple[CampaignView, ...]:
    media = inputs.spec.media
    if media is None or not media.campaigns:
        return ()
    wanted = [m for m in inputs.current.media if m.product_type in media.product_types]
    views = []
    for index, campaign in enumerate(media.campaigns):
        posts = sorted(chosen(campaign, wanted, inputs.spec.report.timezone),
                       key=lambda m: m.timestamp)  # fmt: skip
        heading = inputs.fmt.gettext("Campaign {name}: {what}").format(
            name=campaign.name, what=count_words(inputs, "FEED", len(posts))
        )
        metrics = _metrics(inputs, {p.product_type for p in posts})
        totals = []
        for metric in metrics:
            if not inputs.additive("media", metric):
                continue
            values = [v for p in posts if (v := inputs.media_value(p, metric)) is not None]
            if values:
                unit = inputs.unit("media", metric)
                text = inputs.fmt.value(sum(values), unit)
                if len(values) < len(posts):  # Meta gave it for some posts only: say of which
                    text += (
                        " ("
                        + inputs.fmt.gettext("{part} of {whole}").format(
                            part=inputs.fmt.number(len(values)), whole=inputs.fmt.number(len(posts))
                        )
                        + ")"
                    )
                totals.append((inputs.title("media", metric), text))
        views.append(
            CampaignView(
                name=campaign.name,
                heading=heading,
                criteria=_criteria(inputs, campaign),
                totals=tuple(totals),
                table=_table(inputs, f"campaign_{index + 1}", campaign.name, posts, metrics)
                if posts
                else None,
            )
        )
    return tuple(views)


def _metrics(inputs: Inputs, product_types: set[str]) -> list[str]:
    """The metrics every product type of the campaign's posts has (a table of mixed posts and
    reels without columns of n/a), else all of them."""
    media = inputs.spec.media
    assert media is not None
    lists = [
        [
            m
            for m in media.metrics.get(pt) or inputs.catalogue.default_table_metrics(pt)
            if m != "navigation"
        ]
        for pt in media.product_types
        if pt in product_types
    ]
    union = [m for listed in lists for m in listed]
    common = [m for m in dict.fromkeys(union) if all(m in listed for listed in lists)]
    return common or list(dict.fromkeys(union))


def _criteria(inputs: Inputs, campaign: Campaign) -> str:
    fmt = inputs.fmt
    _ = fmt.gettext
    parts = []
    if campaign.hashtags:
        parts.append(_("posts with {tags}").format(tags=", ".join(campaign.hashtags)))
    if campaign.caption:
        words = ", ".join(f"“{c}”" for c in campaign.caption)
        parts.append(_("captions mentioning {words}").format(words=words))
    if campaign.media:
        count = len(campaign.media)
        parts.append(
            fmt.ngettext("{count} chosen post", "{count} chosen posts", count).format(
                count=fmt.number(count)
            )
        )
    text = f" {_('or')} ".join(parts) or _("every post")
    if campaign.since and campaign.until:
        text += ", " + _("published {days}").format(
            days=fmt.interval(campaign.since, campaign.until)
        )
    elif campaign.since:
        text += ", " + _("published from {day}").format(day=fmt.date(campaign.since))
    elif campaign.until:
        text += ", " + _("published until {day}").format(day=fmt.date(campaign.until))
    return text[0].upper() + text[1:] + "."


def _table(
    inputs: Inputs, key: str, name: str, posts: list[MediaItem], metrics: list[str]
) -> Table:
    fmt = inputs.fmt
    rows = []
    for item in posts:
        cells = [
            post_cell(inputs, item),
            Cell(item.caption or "", item.caption or ""),
            Cell(item.permalink or "", item.permalink or ""),
        ]
        for metric in metrics:
            value = inputs.media_value(item, metric)
            cells.append(Cell(fmt.value(value, inputs.unit("media", metric)), value, numeric=True))
        rows.append(tuple(cells))
    top, note = top_rows(inputs, posts, rows, "FEED")
    _ = fmt.gettext
    return Table(
        key,
        _("Campaign {name}").format(name=name),
        (_("Post"), _("Caption"), _("Link"), *(inputs.title("media", m) for m in metrics)),
        tuple(rows),
        numeric=(False, False, False, *([True] * len(metrics))),
        hidden=(False, True, True, *([False] * len(metrics))),
        top=top,
        note=note,
    )
