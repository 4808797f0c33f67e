"""Hand-built datasets and specs for the render tests and bench/bench_render.py.

Realistic sizes (about 40 media, 31 days of series, demographics, unavailable metrics) and
deterministic for a seed. A 31-day month arrives as Meta delivers it: every window total in two
requests (30 days + 1), so reach cannot be summed and views can.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image

from reporter import catalogue
from reporter.dataset import AccountInfo, Dataset, MediaItem, Observation, Unavailable
from reporter.periods import Period
from reporter.spec.models import Spec

CATALOGUE = catalogue.load()
ACCOUNT_ID = "17841400000000001"
PACIFIC = ZoneInfo("America/Los_Angeles")
OCTOBER = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
SEPTEMBER = Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30))
FETCHED_AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)

WINDOW_METRICS = {
    "views": 1.0,
    "reach": 0.45,
    "accounts_engaged": 0.04,
    "total_interactions": 0.06,
    "likes": 0.045,
    "comments": 0.004,
    "saves": 0.006,
    "shares": 0.005,
    "profile_links_taps": 0.002,
}
COUNTRIES = {"US": 0.42, "DE": 0.12, "GB": 0.09, "CA": 0.07, "JP": 0.06, "FR": 0.05, "BR": 0.04}
CITIES = {
    "Portland, Oregon": 0.18,
    "Seattle, Washington": 0.09,
    "New York, New York": 0.07,
    "Hamburg, Hamburg": 0.05,
    "Tokyo, Tokyo": 0.04,
    "London, England": 0.04,
}
AGES = {"18-24": 0.16, "25-34": 0.38, "35-44": 0.24, "45-54": 0.12, "55-64": 0.07, "65+": 0.03}
GENDERS = {"F": 0.55, "M": 0.41, "U": 0.04}

# Posts and reels: the catalogue's defaults, listed; stories: a spec's own narrower choice.
MEDIA_METRICS = {
    "FEED": list(CATALOGUE.default_media_metrics("FEED")),
    "REELS": list(CATALOGUE.default_media_metrics("REELS")),
    "STORY": ["views", "reach", "replies", "shares", "navigation"],
}


def spec(**overrides: Any) -> Spec:
    """The example spec's shape: every section the default template shows."""
    data: dict[str, Any] = {
        "report": {
            "title": "Monthly Instagram report",
            "client": "Acme Coffee",
            "timezone": "America/Los_Angeles",
            "locale": "en_US",
        },
        "accounts": [{"id": ACCOUNT_ID, "name": "Acme Coffee Roasters", "token_env": "ACME"}],
        "account_metrics": {
            "metrics": [
                "views",
                "reach",
                "accounts_engaged",
                "total_interactions",
                "likes",
                "comments",
                "saves",
                "shares",
                "profile_links_taps",
            ],
            "breakdowns": {
                "reach": ["follow_type", "media_product_type"],
                "views": ["media_product_type"],
                "profile_links_taps": ["contact_button_type"],
            },
            "time_series": ["reach", "follower_count"],
        },
        "audience": {"metrics": ["follower_demographics", "engaged_audience_demographics"]},
        "media": {
            "product_types": ["FEED", "REELS", "STORY"],
            "metrics": MEDIA_METRICS,
            "breakdowns": {"navigation": ["story_navigation_action_type"]},
            "top": 5,
            "rank_by": "views",
        },
        "branding": {"author": "Northwind Social"},
    }
    for dotted, value in overrides.items():
        section, _, key = dotted.partition("__")
        if key:
            data.setdefault(section, {})[key] = value
        else:
            data[section] = value
    return Spec.model_validate(data)


def _pacific_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), PACIFIC).astimezone(dt.UTC)


def _windows(period: Period) -> list[tuple[dt.datetime, dt.datetime]]:
    """Meta's 30-day cap: [since, since+30d) then the rest."""
    start, end = _pacific_midnight(period.since), _pacific_midnight(period.until + dt.timedelta(1))
    windows = []
    while start < end:
        stop = min(end, start + dt.timedelta(days=30))
        windows.append((start, stop))
        start = stop
    return windows


def dataset(
    period: Period = OCTOBER,
    *,
    seed: int = 1,
    scale: float = 1.0,
    media_count: int = 40,
    many_unavailable: bool = False,
    username: str = "acmecoffee",
) -> Dataset:
    rng = random.Random(f"{seed}|{period}")
    account = ACCOUNT_ID
    obs: list[Observation] = []
    unavailable: list[Unavailable] = []
    daily_views = 5200 * scale
    windows = _windows(period)
    for metric, share in WINDOW_METRICS.items():
        if many_unavailable and metric not in ("views", "likes"):
            unavailable.append(
                Unavailable(account, metric, "(#10) Not enough data for this account.", 10)
            )
            continue
        for since, until in windows:
            days = round((until - since) / dt.timedelta(days=1))
            value = round(daily_views * share * days * rng.uniform(0.85, 1.15))
            obs.append(Observation(account, metric, "day", value, since=since, until=until))
            if metric in ("reach", "views"):
                parts = {"REEL": 0.5, "POST": 0.3, "STORY": 0.2}
                for part, p in parts.items():
                    dims = (("media_product_type", part),)
                    obs.append(
                        Observation(
                            account,
                            metric,
                            "day",
                            round(value * p),
                            since=since,
                            until=until,
                            dimensions=dims,
                        )
                    )
            if metric == "reach":
                for part, p in {"FOLLOWER": 0.35, "NON_FOLLOWER": 0.65}.items():
                    dims = (("follow_type", part),)
                    obs.append(
                        Observation(
                            account,
                            metric,
                            "day",
                            round(value * p),
                            since=since,
                            until=until,
                            dimensions=dims,
                        )
                    )
            if metric == "profile_links_taps":
                for part, p in {"CALL": 0.2, "DIRECTION": 0.5, "EMAIL": 0.3}.items():
                    dims = (("contact_button_type", part),)
                    obs.append(
                        Observation(
                            account,
                            metric,
                            "day",
                            round(value * p),
                            since=since,
                            until=until,
                            dimensions=dims,
                        )
                    )
    day = period.since
    while day <= period.until:
        end = _pacific_midnight(day + dt.timedelta(days=1))
        reach = round(daily_views * 0.3 * rng.uniform(0.6, 1.4))
        obs.append(
            Observation(account, "reach", "day", reach, end_time=end, metric_type="time_series")
        )
        if not many_unavailable:
            new = round(40 * scale * rng.uniform(0.5, 1.5))
            obs.append(
                Observation(
                    account, "follower_count", "day", new, end_time=end, metric_type="time_series"
                )
            )
        day += dt.timedelta(days=1)
    if many_unavailable:
        unavailable.append(
            Unavailable(
                account,
                "follower_count",
                "Not available for accounts with fewer than 100 followers.",
                100,
                "too_few_followers",
            )
        )
    obs += _demographics(account, scale, many_unavailable, unavailable)
    media = _media(period, rng, media_count, account)
    for item in media:
        obs += _media_values(item, rng, scale, unavailable)
    return Dataset(
        account=AccountInfo(
            account,
            username,
            "Acme Coffee Roasters",
            round(12_000 * scale),
            310,
            1200,
            "https://example.invalid/pic.jpg",
            "Small-batch roasts",
        ),
        since=period.since,
        until=period.until,
        fetched_at=FETCHED_AT,
        media=tuple(media),
        observations=tuple(obs),
        unavailable=tuple(unavailable),
        api_version="v25.0",
        timezone="America/Los_Angeles",
    )


def _demographics(
    account: str, scale: float, missing: bool, unavailable: list[Unavailable]
) -> list[Observation]:
    obs: list[Observation] = []
    if missing:
        for metric in ("follower_demographics", "engaged_audience_demographics"):
            unavailable.append(
                Unavailable(
                    account,
                    metric,
                    "Not available for accounts with fewer than 100 followers.",
                    100,
                    "too_few_followers",
                )
            )
        return obs
    base = 9000 * scale
    tf = ("timeframe", "THIS_MONTH")
    for metric, factor in (("follower_demographics", 1.0), ("engaged_audience_demographics", 0.1)):
        for key, table in (
            ("country", COUNTRIES),
            ("city", CITIES),
            ("age", AGES),
            ("gender", GENDERS),
        ):
            for value, share in table.items():
                obs.append(
                    Observation(
                        account,
                        metric,
                        "lifetime",
                        round(base * factor * share),
                        dimensions=(tf, (key, value)),
                    )
                )
        for age, a in AGES.items():
            for gender, g in GENDERS.items():
                obs.append(
                    Observation(
                        account,
                        metric,
                        "lifetime",
                        round(base * factor * a * g),
                        dimensions=(tf, ("age", age), ("gender", gender)),
                    )
                )
    return obs


CAPTIONS = (
    "New single-origin from Huila 🇨🇴 bright, juicy, and on the shelf today. #coffee",
    "Behind the roaster: Maria dials in our Ethiopia Guji. Link in bio for the full story.",
    "Latte art Friday ☕️ tag us in yours!",
    "Cold brew season isn't over if you don't want it to be.",
    "We're hiring baristas in Portland — come pour with us.",
    "Our Holiday Blend is back: cocoa, orange zest and a little cinnamon.",
)


def _media(period: Period, rng: random.Random, count: int, account: str) -> list[MediaItem]:
    items = []
    kinds = [
        ("FEED", "IMAGE"),
        ("FEED", "CAROUSEL_ALBUM"),
        ("FEED", "VIDEO"),
        ("REELS", "VIDEO"),
        ("REELS", "VIDEO"),
        ("STORY", "IMAGE"),
        ("STORY", "VIDEO"),
    ]
    for n in range(count):
        product, media_type = kinds[n % len(kinds)]
        day = period.since + dt.timedelta(days=(n * period.days) // max(count, 1))
        ts = dt.datetime.combine(day, dt.time(15 + n % 6, 7 * n % 60), dt.UTC)
        media_id = f"1790{n:011d}"
        items.append(
            MediaItem(
                media_id,
                account,
                product,
                media_type,
                ts,
                permalink=f"https://www.instagram.com/p/{media_id}/",
                caption=None if product == "STORY" else CAPTIONS[n % len(CAPTIONS)],
                media_url=f"https://example.invalid/{media_id}.jpg",
                like_count=None if product == "STORY" else rng.randint(40, 900),
                comments_count=None if product == "STORY" else rng.randint(0, 60),
            )
        )
    return items


def _media_values(
    item: MediaItem, rng: random.Random, scale: float, unavailable: list[Unavailable]
) -> list[Observation]:
    obs = []
    views = round(rng.uniform(800, 9000) * scale * (2.5 if item.product_type == "REELS" else 1))
    n = int(item.id[-3:])
    for metric in MEDIA_METRICS[item.product_type]:
        if item.product_type == "STORY" and n % 7 == 5 and metric != "navigation":
            unavailable.append(
                Unavailable(
                    item.id,
                    metric,
                    "(#10) Not enough viewers for the media to show insights.",
                    10,
                    "not_enough_viewers",
                )
            )
            continue
        if metric == "views" and item.media_type == "CAROUSEL_ALBUM" and n % 3 == 1:
            unavailable.append(
                Unavailable(
                    item.id, metric, "(#100) The metric views is not supported for this media.", 100
                )
            )
            continue
        value: float
        if metric == "views":
            value = views
        elif metric == "reach":
            value = round(views * 0.7)
        elif metric == "ig_reels_avg_watch_time":
            value = rng.randint(4000, 21000)
        elif metric == "ig_reels_video_view_total_time":
            value = views * rng.randint(4000, 21000)
        elif metric == "navigation":
            parts = {"TAP_FORWARD": 0.6, "TAP_EXIT": 0.25, "TAP_BACK": 0.1, "SWIPE_FORWARD": 0.05}
            for part, p in parts.items():
                obs.append(
                    Observation(
                        item.id,
                        metric,
                        "lifetime",
                        round(views * p),
                        metric_type="lifetime",
                        dimensions=(("story_navigation_action_type", part),),
                    )
                )
            value = views
        else:
            value = round(views * rng.uniform(0.005, 0.05))
        obs.append(Observation(item.id, metric, "lifetime", value, metric_type="lifetime"))
    return obs


def thumbnails(ds: Dataset, *, broken: int = 1, missing: int = 1) -> dict[str, bytes]:
    """Small PNGs per media; the first ``broken`` are garbage, the next ``missing`` absent."""
    out: dict[str, bytes] = {"profile": png((200, 120, 60))}
    palette = [(111, 78, 55), (200, 169, 126), (60, 90, 120), (150, 60, 50), (90, 130, 90)]
    for n, item in enumerate(ds.media):
        if n < broken:
            out[item.id] = b"\x89PNG\r\n\x1a\nthis is not really a png"
        elif n < broken + missing:
            continue
        else:
            out[item.id] = png(palette[n % len(palette)])
    return out


def png(colour: tuple[int, int, int], size: tuple[int, int] = (320, 320)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, colour)
    for x in range(0, size[0], 40):
        for y in range(0, size[1], 40):
            if (x + y) // 40 % 2:
                image.paste(tuple(min(255, c + 30) for c in colour), (x, y, x + 40, y + 40))
    image.save(buffer, format="PNG")
    return buffer.getvalue()
