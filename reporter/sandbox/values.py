"""The numbers: lifetime media values and daily account values that hang together.

Components (reach, likes, ...) are drawn as floats from the item's own RNG, scaled by how far the
item has matured at "now", then rounded; composites (total_interactions, profile_activity,
navigation) are sums of rounded parts, and breakdown parts are allocated by largest remainder,
so parts always sum to their total and reach never exceeds views.

Which metrics exist, and for which product types, is the catalogue's business: this module only
knows how to make a plausible number for a metric name, with a generic fallback for names it has
no formula for (a metric added to metrics.toml then works without code).
"""

from __future__ import annotations

import functools
import hashlib
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reporter.sandbox.media import Media


@dataclass(frozen=True)
class Values:
    values: dict[str, int | float]
    # (metric, breakdown) -> {DIMENSION_VALUE: value}; parts sum to values[metric]
    parts: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)

    def get(self, metric: str) -> int | float:
        if metric in self.values:
            return self.values[metric]
        # a metric with no formula: a small stable number, so new catalogue entries work
        digest = hashlib.sha256(metric.encode()).digest()
        base = float(self.values.get("reach", 0))
        return round(base * (digest[0] / 255) * 0.05)


def allocate(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Split ``total`` by ``weights`` into integers that sum exactly to ``total``."""
    keys = [k for k, w in weights.items() if w > 0]
    weight_sum = sum(weights[k] for k in keys)
    if total <= 0 or not keys or weight_sum <= 0:
        return {}
    raw = {k: total * weights[k] / weight_sum for k in keys}
    out = {k: math.floor(v) for k, v in raw.items()}
    left = total - sum(out.values())
    for k in sorted(keys, key=lambda k: (out[k] - raw[k], k))[:left]:
        out[k] += 1
    return {k: v for k, v in out.items() if v > 0}


EARNING_HOURS = {"STORY": 24.0}  # stories live 24 h (seeds/001); posts and reels: a week
EARNING_HOURS_DEFAULT = 7 * 24.0


def earning_hours(product: str) -> float:
    """After this age an item's lifetime values no longer change."""
    return EARNING_HOURS.get(product, EARNING_HOURS_DEFAULT)


def maturity(product: str, age_hours: float) -> float:
    """How much of its lifetime value an item has gathered after ``age_hours``."""
    if age_hours <= 0:
        return 0.0
    if age_hours >= earning_hours(product):
        return 1.0
    scale = 3.0 if product == "STORY" else 18.0
    return 1.0 - math.exp(-age_hours / scale)


ACTION_TYPES = {"BIO_LINK_CLICKED": 4, "CALL": 1, "DIRECTION": 2, "EMAIL": 1, "OTHER": 1, "TEXT": 1}
NAVIGATION = {"TAP_FORWARD": 70, "TAP_BACK": 12, "TAP_EXIT": 10, "SWIPE_FORWARD": 8}


@dataclass(frozen=True)
class _Draws:
    """An item's random draws: its lifetime values before maturity scales them."""

    comp: dict[str, float]
    activity: float
    navigation: float
    ad_boost: float
    watch_time: float
    skip_rate: float


@functools.lru_cache(maxsize=65_536)
def _draws(seed: int, media: Media, followers: int) -> _Draws:
    rng = random.Random(f"{seed}|{media.id}|values")
    u = rng.uniform
    comp: dict[str, float] = {}
    if media.product == "STORY":
        reach = followers * u(0.02, 0.08)
        comp["reach"] = reach
        comp["views"] = reach * u(1.05, 1.4)
        comp["shares"] = reach * u(0.0, 0.02)
        comp["replies"] = 0.0 if media.account.no_story_replies else reach * u(0.0, 0.03)
        comp["link_clicks"] = reach * u(0.0, 0.03)
        comp["follows"] = reach * u(0.0, 0.01)
        comp["profile_visits"] = reach * u(0.01, 0.05)
        navigation = comp["views"] * u(0.8, 1.05)
    else:
        reels = media.product == "REELS"
        reach = followers * (u(0.2, 1.4) if reels else u(0.08, 0.35))
        # Interactions per post: about 0.45-0.55 % of the followers on average (Socialinsider's
        # 2025-26 figures: images 0.45 %, reels 0.50 %, carousels 0.55 %, as quoted at
        # outfame.com/blog/instagram-engagement-rate-statistics), i.e. about 2 % of a post's
        # reach; a reel's reach is mostly non-followers, who interact less per account reached.
        rate = 0.5 if reels else 1.0
        comp["reach"] = reach
        comp["views"] = reach * u(1.3, 2.2)
        comp["likes"] = reach * u(0.008, 0.02) * rate
        comp["comments"] = comp["likes"] * u(0.02, 0.1)
        comp["saved"] = reach * u(0.001, 0.006) * rate
        comp["shares"] = reach * u(0.001, 0.005) * rate
        comp["follows"] = reach * u(0.001, 0.006)
        comp["profile_visits"] = reach * u(0.01, 0.04)
        navigation = 0.0
    comp["reposts"] = comp["shares"] * u(0.0, 0.3)
    comp["facebook_views"] = comp["views"] * u(0.05, 0.3) if media.shared_to_facebook else 0.0
    activity = comp["profile_visits"] * u(0.05, 0.3)
    ad_boost = u(0.0, 0.25)
    watch_time, skip_rate = u(2500, 15000), u(15.0, 65.0)
    return _Draws(comp, activity, navigation, ad_boost, watch_time, skip_rate)


def media_values(seed: int, media: Media, followers: int, age_hours: float) -> Values:
    d = _draws(seed, media, followers)
    f = maturity(media.product, age_hours)
    values: dict[str, int | float] = {k: round(v * f) for k, v in d.comp.items()}
    parts: dict[tuple[str, str], dict[str, int]] = {}
    parts[("profile_activity", "action_type")] = allocate(round(d.activity * f), ACTION_TYPES)
    values["profile_activity"] = sum(parts[("profile_activity", "action_type")].values())
    if media.product == "STORY":
        nav = allocate(round(d.navigation * f), NAVIGATION)
        parts[("navigation", "story_navigation_action_type")] = nav
        values["navigation"] = sum(nav.values())
        values["total_interactions"] = int(values["replies"]) + int(values["shares"])
        values["exits"], values["taps_forward"] = nav.get("TAP_EXIT", 0), nav.get("TAP_FORWARD", 0)
        values["taps_back"] = nav.get("TAP_BACK", 0)
    else:
        keys = ("likes", "comments", "saved", "shares")
        values["total_interactions"] = sum(int(values[k]) for k in keys)
        values["ig_reels_avg_watch_time"] = round(d.watch_time) if values["views"] else 0
        values["ig_reels_video_view_total_time"] = int(values["views"]) * int(
            values["ig_reels_avg_watch_time"]
        )
        values["reels_skip_rate"] = round(d.skip_rate, 1)
        values["crossposted_views"] = values["facebook_views"]
        values["total_likes"] = round(int(values["likes"]) * (1 + d.ad_boost))
        values["total_comments"] = round(int(values["comments"]) * (1 + d.ad_boost / 2))
    views = int(values["views"])
    values["total_views"] = round(views * (1 + d.ad_boost)) + int(values["facebook_views"])
    _legacy(values)
    return Values(values, parts)


def _legacy(values: dict[str, int | float]) -> None:
    """Values of removed metrics, for API versions and dates that still accept them."""
    views = int(values["views"])
    values["impressions"] = round(views * 0.92)
    values["video_views"] = values["plays"] = round(views * 0.85)
    values["clips_replays_count"] = round(views * 0.1)
    values["ig_reels_aggregated_all_plays_count"] = round(views * 0.95)
    engagement = sum(int(values.get(k, 0)) for k in ("likes", "comments", "saved"))
    values["engagement"] = values["video_photo_engagement"] = engagement
    values["carousel_album_engagement"] = engagement
    values["carousel_album_impressions"] = values["impressions"]
    values["carousel_album_reach"] = values["reach"]
    values["carousel_album_saved"] = values.get("saved", 0)
    values["carousel_album_video_views"] = values["video_views"]


# --- account days ------------------------------------------------------------------------------

PRODUCT_WEIGHTS = {"POST": 0.35, "CAROUSEL_CONTAINER": 0.15, "REEL": 0.35, "STORY": 0.15}
NO_STORY = ("likes", "comments", "saves")
CONTACT = {"CALL": 2, "DIRECTION": 3, "EMAIL": 2, "TEXT": 1, "BOOK_NOW": 1, "UNDEFINED": 1}
LEGACY_DAY = {
    "profile_views": 0.04,
    "website_clicks": 0.006,
    "email_contacts": 0.001,
    "phone_call_clicks": 0.001,
    "text_message_clicks": 0.0005,
    "get_directions_clicks": 0.001,
}


ACCOUNT_NAMES = {"saved": "saves"}  # media says saved, the account says saves (seeds/003)
EARNED_METRICS = ("views", "reach", "likes", "comments", "saved", "shares", "replies", "reposts")


def product_key(media: Media) -> str:
    """The account breakdown's ``media_product_type`` value a media item counts under."""
    if media.product == "REELS":
        return "REEL"
    if media.product == "STORY":
        return "STORY"
    return "CAROUSEL_CONTAINER" if media.media_type == "CAROUSEL_ALBUM" else "POST"


@dataclass(frozen=True)
class Earned:
    """What an account's own media gathered during one Pacific day, by product type; account
    metric names (``saves``). ``reach_max`` is the most one item reached that day."""

    by_product: dict[str, dict[str, int]] = field(default_factory=dict)
    reach_max: int = 0

    def total(self, metric: str) -> int:
        return sum(v.get(metric, 0) for v in self.by_product.values())


def earned(increments: Sequence[tuple[str, Values, Values]]) -> Earned:
    """``(product key, values at the day's start, values at its end)`` per item → ``Earned``."""
    by_product: dict[str, dict[str, int]] = {}
    reach_max = 0
    for key, before, after in increments:
        bucket = by_product.setdefault(key, {})
        for metric in EARNED_METRICS:
            if metric in after.values:
                gained = max(0, int(after.values[metric]) - int(before.values.get(metric, 0)))
                name = ACCOUNT_NAMES.get(metric, metric)
                bucket[name] = bucket.get(name, 0) + gained
        reach_max = max(reach_max, int(after.values["reach"]) - int(before.values.get("reach", 0)))
    return Earned(by_product, reach_max)


def account_day(
    seed: int,
    key: str,
    followers: int,
    follows: int,
    unfollows: int,
    ad_share: float,
    no_replies: bool,
    breakdown_values: Mapping[str, Sequence[str]],
    factor: float,
    own: Earned | None = None,
) -> Values:
    """One Pacific day of account values; ``factor`` < 1 for days still settling (48 h).

    The day holds what the account's own media earned that day (``own``: the sums over its
    posts, reels and stories, so a period's totals are never below what its posts show) plus
    activity elsewhere (older content, the profile, ads), drawn here at a smaller scale.
    Unique counts are not sums: reach is at least the best item's reach that day and counts
    the other items' audiences as partly overlapping."""
    own = own or Earned()
    rng = random.Random(f"{seed}|{key}|account-day")
    u = rng.uniform
    weekday = u(0.8, 1.25)
    comp: dict[str, float] = {}
    comp["views"] = followers * u(0.03, 0.08) * weekday
    comp["reach"] = comp["views"] * u(0.45, 0.7)
    comp["likes"] = comp["reach"] * u(0.004, 0.012)
    comp["comments"] = comp["likes"] * u(0.03, 0.1)
    comp["saves"] = comp["reach"] * u(0.0005, 0.002)
    comp["shares"] = comp["reach"] * u(0.0005, 0.002)
    comp["replies"] = 0.0 if no_replies else comp["reach"] * u(0.0, 0.002)
    comp["reposts"] = comp["shares"] * u(0.0, 0.3)
    for name, share in LEGACY_DAY.items():
        comp[name] = comp["reach"] * share * u(0.5, 1.5)
    taps = comp["reach"] * u(0.002, 0.008)
    follower_share = u(0.35, 0.7)
    engaged_share = u(0.55, 0.8)  # accounts engaged per interaction (one account, several)
    overlap = u(0.35, 0.55)  # share of a further item's audience not already counted that day
    weights = {k: w * u(0.6, 1.4) for k, w in PRODUCT_WEIGHTS.items()}
    weights["AD"] = ad_share
    other: dict[str, int] = {k: round(v * factor) for k, v in comp.items()}
    values: dict[str, int | float] = dict(other)
    for metric in ("views", "likes", "comments", "saves", "shares", "replies", "reposts"):
        values[metric] = int(other[metric]) + round(own.total(metric) * factor)
    own_reach = own.reach_max + overlap * (own.total("reach") - own.reach_max)
    values["reach"] = int(other["reach"]) + round(own_reach * factor)
    values["follows"], values["unfollows"] = round(follows * factor), round(unfollows * factor)
    values["follower_count"] = values["follows"]
    values["follows_and_unfollows"] = int(values["follows"]) + int(values["unfollows"])
    sums = ("likes", "comments", "saves", "shares", "replies")
    values["total_interactions"] = sum(int(values[k]) for k in sums)
    values["accounts_engaged"] = round(int(values["total_interactions"]) * engaged_share)
    values["impressions"] = round(int(values["views"]) * 0.95)
    parts: dict[tuple[str, str], dict[str, int]] = {}
    mpt = [v for v in breakdown_values.get("media_product_type", ()) if v in weights]
    for metric in ("views", "reach", "total_interactions", "likes", "comments", "saves", "shares"):
        w = {k: weights[k] for k in mpt if not (metric in NO_STORY and k == "STORY")}
        parts[(metric, "media_product_type")] = _by_product(
            int(values[metric]), metric, own, factor, w
        )
    views, reach = int(values["views"]), int(values["reach"])
    fol = {"FOLLOWER": follower_share, "NON_FOLLOWER": 1 - follower_share}
    parts[("views", "follow_type")] = allocate(views, fol)
    parts[("reach", "follow_type")] = allocate(reach, {**fol, "UNKNOWN": 0.02})
    parts[("follows_and_unfollows", "follow_type")] = {
        k: v
        for k, v in (
            ("FOLLOWER", int(values["follows"])),
            ("NON_FOLLOWER", int(values["unfollows"])),
        )
        if v
    }
    taps_parts = allocate(round(taps * factor), CONTACT)
    parts[("profile_links_taps", "contact_button_type")] = taps_parts
    values["profile_links_taps"] = sum(taps_parts.values())
    return Values(values, parts)


def _by_product(
    total: int, metric: str, own: Earned, factor: float, weights: Mapping[str, float]
) -> dict[str, int]:
    """``total`` by media product type: each type's own share where the day's media earned it
    (interactions: the sum of its parts), the rest by ``weights``; parts sum to ``total``."""
    if metric == "total_interactions":
        per = {k: sum(v.get(m, 0) for m in (*NO_STORY, "shares", "replies"))
               for k, v in own.by_product.items()}  # fmt: skip
    else:
        per = {k: v.get(metric, 0) for k, v in own.by_product.items()}
    mine = {k: round(v * factor) for k, v in per.items() if k in weights and v > 0}
    scale = min(1.0, total / sum(mine.values())) if mine else 1.0
    mine = {k: math.floor(v * scale) for k, v in mine.items()}
    rest = allocate(total - sum(mine.values()), weights)
    out = {k: mine.get(k, 0) + rest.get(k, 0) for k in set(mine) | set(rest)}
    return {k: v for k, v in out.items() if v > 0}
