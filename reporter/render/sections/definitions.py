"""The definitions appendix's words: each metric's unit, why a figure is not available (by the
kind the fetch recorded, or Meta's wording for older datasets), organic versus paid, and the
timezone. The notes section (sections/notes.py) puts them in the report."""

from __future__ import annotations

from collections.abc import Callable

from reporter.catalogue import Limits, Metric
from reporter.dataset import META_TIMEZONE, Unavailable
from reporter.render.translations import N_

Gettext = Callable[[str], str]

_UNITS = {
    "count": N_("a count"),
    "milliseconds": N_("a duration (Meta answers in milliseconds)"),
    "percent": N_("a percentage"),
}


def unit_words(metric: Metric, _: Gettext = str) -> str:
    return _(_UNITS[metric.unit]) if metric.unit in _UNITS else metric.unit


def explain(gap: Unavailable, limits: Limits, _: Gettext = str) -> str:
    """Why Meta has no figure, in the reader's words ("" when the reason says it already)."""
    kind, text = gap.kind, gap.reason.lower()
    if kind == "not_enough_viewers" or "not enough viewers" in text:
        return _(
            "Meta shows no insights for a story or post seen by fewer than {count} accounts "
            "(a privacy threshold)."
        ).format(count=limits.story_min_viewers)
    if kind == "too_few_followers" or ("followers" in text and "not enough" in text):
        if "100 followers" in text:
            return ""  # Meta's sentence says it already
        return _("Meta gives this figure only for accounts with at least 100 followers.")
    if kind == "before_conversion" or "2108006" in text:
        return _(
            "The media was published before the account became a business or creator account "
            "(Meta error 2108006): Meta keeps no insights for it."
        )
    if kind == "expired" or "expired" in text:
        return _(
            "Story insights are kept for {hours} hours only; the story's figures were gone "
            "before they were collected (daily collection keeps them)."
        ).format(hours=limits.story_window_hours)
    if ("does not support" in text or "not supported" in text) and "media" in text:
        return _("Meta does not offer this metric for this type of media.")
    if kind == "empty":
        return _("Meta answered without a value (no activity, or not computed for this period).")
    if kind == "permission":
        return _("The access granted to the agency does not cover this figure yet.")
    return ""


ORGANIC_AND_PAID = N_(
    "Likes, comments and views of a post count organic activity only; figures named "
    "“including ads” and the account's reach, accounts engaged and interactions include ads "
    "and boosts. The two kinds are never mixed in one figure."
)


def timezone_words(timezone: str, _: Gettext = str) -> str:
    return _(
        "The report's period and dates are in {timezone} time; Meta's daily account figures "
        "use Pacific-time days ({pacific}), and the Days note says which ones."
    ).format(timezone=timezone, pacific=META_TIMEZONE)
