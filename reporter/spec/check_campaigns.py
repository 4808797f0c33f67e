"""The campaigns of ``[[media.campaigns]]``: hashtags written as hashtags, media ids that are
ids, permalinks that are Instagram's, a date sub-range that is a range and meets the period."""

from __future__ import annotations

import datetime as dt

from reporter.periods import resolve
from reporter.spec.check_wording import error, q, warning
from reporter.spec.diagnostics import Diagnostic, KeyPath
from reporter.spec.models import Spec
from reporter.spec.selection import HASHTAG, MEDIA_ID, PERMALINK, in_range


def check_campaigns(spec: Spec, today: dt.date) -> list[Diagnostic]:
    if spec.media is None:
        return []
    out: list[Diagnostic] = []
    names: dict[str, int] = {}
    period = resolve(spec.report.timeframe, today)
    for index, campaign in enumerate(spec.media.campaigns):
        path: KeyPath = ("media", "campaigns", index)
        key = campaign.name.strip().casefold()
        if key in names:
            first = f"the first is campaign {names[key] + 1}"
            out.append(error("duplicate-campaign", f"campaign {q(campaign.name)} is named twice",
                             (*path, "name"), first))  # fmt: skip
        names.setdefault(key, index)
        for i, tag in enumerate(campaign.hashtags):
            out += _hashtag(tag, (*path, "hashtags", i))
        for i, ref in enumerate(campaign.media):
            out += _media_ref(ref, (*path, "media", i))
        for i, text in enumerate(campaign.caption):
            if not text.strip():
                out.append(error("empty-caption-text", "an empty caption text matches every post",
                                 (*path, "caption", i), "remove it, or write a word"))  # fmt: skip
        since, until = campaign.since, campaign.until
        if since and until and since > until:
            out.append(error("invalid-range", f"since {since.isoformat()} is after until "
                             f"{until.isoformat()}", (*path, "since")))  # fmt: skip
        elif not in_range(campaign, period.since, period.until):
            out.append(
                warning(
                    "campaign-outside-period",
                    f"campaign {q(campaign.name)} runs outside the period this spec reports "
                    f"today ({period.since.isoformat()} to {period.until.isoformat()}): its "
                    "section would show no posts",
                    (*path, "since" if since and since > period.until else "until"),
                    "check the dates, or report the campaign's period with --period",
                )
            )
    return out


def _hashtag(tag: str, path: KeyPath) -> list[Diagnostic]:
    body = tag.strip()
    if not body.startswith("#"):
        return [error("invalid-hashtag", f"{q(tag)} is not a hashtag", path,
                      f"write {q('#' + body.lstrip('#').split()[0])}" if body else "")]  # fmt: skip
    if HASHTAG.fullmatch(body) is None:
        return [error("invalid-hashtag", f"{q(tag)} is not one hashtag (letters, digits and _ "
                      "after one #)", path)]  # fmt: skip
    return []


def _media_ref(ref: str, path: KeyPath) -> list[Diagnostic]:
    text = ref.strip()
    if MEDIA_ID.match(text) or PERMALINK.match(text):
        return []
    if text.isdigit() or text.startswith(("1", "2", "3", "4", "5", "6", "7", "8", "9")):
        return [error("invalid-media-id", f"{q(ref)} is not a media id", path,
                      "a media id is the post's number, such as 17900000000000001")]  # fmt: skip
    return [error("invalid-media", f"{q(ref)} is neither a media id nor a post's permalink", path,
                  "copy the post's link: https://www.instagram.com/p/…/")]  # fmt: skip
