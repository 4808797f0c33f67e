"""Media objects, derived lazily per account and day from ``random.Random(seed|account|day)``.

A media id encodes where it comes from (``18`` + account index + day + sequence + child + salt),
so ``GET /{ig-media-id}`` needs no index: the id is parsed, the day regenerated and the salt
checked, and ids that were never served resolve to Meta's "does not exist" error.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from reporter.sandbox import captions
from reporter.sandbox.accounts import Account

EPOCH = dt.date(2000, 1, 1)
STORY_SEQ = 60  # stories use sequence numbers 60.., posts and reels 0..59


@dataclass(frozen=True)
class Media:
    id: str
    account: Account
    day: dt.date  # UTC day of posting
    seq: int
    child: int  # 0 for a top-level item, 1.. for the items of a carousel album
    product: str  # FEED | REELS | STORY
    media_type: str  # IMAGE | VIDEO | CAROUSEL_ALBUM
    timestamp: dt.datetime
    caption: str | None
    children: int
    shared_to_facebook: bool
    image: str  # "ok" | "missing" (404) | "html" (served as text/html): for placeholder paths
    before_conversion: bool  # posted before the business conversion: insights error 2108006

    @property
    def shortcode(self) -> str:
        digest = hashlib.sha256(self.id.encode()).digest()
        return base64.urlsafe_b64encode(digest).decode()[:11].replace("-", "B").replace("_", "a")

    @property
    def is_video(self) -> bool:
        return self.media_type == "VIDEO"


def _salt(seed: int, account: Account, day_no: int, seq: int, child: int) -> int:
    digest = hashlib.sha256(f"{seed}|{account.index}|{day_no}|{seq}|{child}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 1000


def media_id(seed: int, account: Account, day: dt.date, seq: int, child: int = 0) -> str:
    day_no = (day - EPOCH).days
    salt = _salt(seed, account, day_no, seq, child)
    return f"18{account.index:03d}{day_no:06d}{seq:02d}{child:01d}{salt:03d}"


@dataclass(frozen=True)
class ParsedId:
    account_index: int
    day: dt.date
    seq: int
    child: int
    salt: int


def parse_id(text: str) -> ParsedId | None:
    if len(text) != 17 or not text.isdigit() or not text.startswith("18"):
        return None
    return ParsedId(
        int(text[2:5]),
        EPOCH + dt.timedelta(days=int(text[5:11])),
        int(text[11:13]),
        int(text[13]),
        int(text[14:17]),
    )


def salt_ok(seed: int, account: Account, parsed: ParsedId) -> bool:
    day_no = (parsed.day - EPOCH).days
    return _salt(seed, account, day_no, parsed.seq, parsed.child) == parsed.salt


def _count(rng: random.Random, rate: float) -> int:
    whole = int(rate)
    return whole + (1 if rng.random() < rate - whole else 0)


def day_media(seed: int, account: Account, day: dt.date, converted_on: dt.date) -> list[Media]:
    """Everything ``account`` posted on the UTC ``day``, stories included, oldest first."""
    rng = random.Random(f"{seed}|{account.index}|{day.toordinal()}|day")
    n_feed = rng.randint(*account.feed_per_day)
    n_reels = _count(rng, account.reels_per_day)
    n_stories = rng.randint(*account.stories_per_day)
    products = ["FEED"] * n_feed + ["REELS"] * n_reels
    rng.shuffle(products)
    post_times = sorted(rng.uniform(6 * 3600, 23.5 * 3600) for _ in products)
    story_times = sorted(rng.uniform(0, 86_399) for _ in range(n_stories))
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    day_no = (day - EPOCH).days
    items: list[Media] = []
    for seq, (product, secs) in enumerate(zip(products, post_times, strict=True)):
        items.append(_make(seed, account, day, seq, product, start, secs, day_no, converted_on))
    for i, secs in enumerate(story_times):
        seq = STORY_SEQ + i
        items.append(_make(seed, account, day, seq, "STORY", start, secs, day_no, converted_on))
    items.sort(key=lambda m: (m.timestamp, m.seq))
    return items


def _make(
    seed: int,
    account: Account,
    day: dt.date,
    seq: int,
    product: str,
    start: dt.datetime,
    secs: float,
    day_no: int,
    converted_on: dt.date,
) -> Media:
    rng = random.Random(f"{seed}|{account.index}|{day.toordinal()}|{seq}|item")
    if product == "REELS":
        media_type = "VIDEO"
    elif product == "STORY":
        media_type = "VIDEO" if rng.random() < 0.3 else "IMAGE"
    else:
        roll = rng.random()
        media_type = "IMAGE" if roll < 0.55 else "CAROUSEL_ALBUM" if roll < 0.8 else "VIDEO"
    first = seq in (0, STORY_SEQ)
    image = "ok"
    if first and day_no % 17 == 3:
        image = "missing"
    elif first and day_no % 23 == 5:
        image = "html"
    announcement = seq == 0 and day_no % 7 == 2
    return Media(
        id=media_id(seed, account, day, seq),
        account=account,
        day=day,
        seq=seq,
        child=0,
        product=product,
        media_type=media_type,
        timestamp=start + dt.timedelta(seconds=int(secs)),
        caption=None if product == "STORY" else captions.caption(rng, announcement=announcement),
        children=rng.randint(2, 5) if media_type == "CAROUSEL_ALBUM" else 0,
        shared_to_facebook=rng.random() < 0.35,
        image=image,
        before_conversion=day < converted_on,
    )


def child_of(seed: int, album: Media, number: int) -> Media:
    rng = random.Random(f"{album.id}|child|{number}")
    return Media(
        id=media_id(seed, album.account, album.day, album.seq, number),
        account=album.account,
        day=album.day,
        seq=album.seq,
        child=number,
        product="FEED",
        media_type="VIDEO" if rng.random() < 0.2 else "IMAGE",
        timestamp=album.timestamp,
        caption=None,
        children=0,
        shared_to_facebook=album.shared_to_facebook,
        image="ok",
        before_conversion=album.before_conversion,
    )
