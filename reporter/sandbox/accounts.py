"""The simulated professional accounts. Their ids are fixed (independent of the seed) so that a
committed example spec can name them; generated benchmark accounts are 178414000000001xx."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

Login = Literal["facebook", "instagram"]
ID_BASE = 17841400000000000
EXTRA_BASE = 100  # generated accounts: ID_BASE + 100, + 101, ...
EXTRA_MAX = 100  # ids ID_BASE + 100 .. ID_BASE + 199


@dataclass(frozen=True)
class Account:
    """A professional account. ``followers`` is the audience size at the initial "now"."""

    index: int
    username: str
    name: str
    login: Login
    followers: int
    feed_per_day: tuple[int, int]
    reels_per_day: float
    stories_per_day: tuple[int, int]
    region: str  # EU and JP creators get story replies = 0 (seeds/001)
    biography: str
    website: str
    ad_share: float = 0.0

    @property
    def id(self) -> str:
        return str(ID_BASE + self.index)

    @property
    def no_story_replies(self) -> bool:
        return self.region in ("EU", "JP")


FIXED = (
    Account(
        1,
        "acmecoffee",
        "Acme Coffee Roasters",
        "facebook",
        12_000,
        (1, 2),
        3 / 7,
        (1, 3),
        "US",
        "Small-batch roasts from Portland ☕ Café & online shop",
        "https://acme.example",
    ),
    Account(
        2,
        "nordlicht.studio",
        "Nordlicht Studio",
        "instagram",
        3_000,
        (0, 1),
        2 / 7,
        (0, 2),
        "EU",
        "Fotografie & Design aus Hamburg",
        "https://nordlicht.example",
    ),
    Account(
        3,
        "tinybakery",
        "Tiny Bakery",
        "facebook",
        70,
        (0, 1),
        0.5 / 7,
        (0, 1),
        "JP",
        "小さなパン屋 🥐 Tiny Bakery, Kyoto",
        "https://tiny.example",
    ),
    Account(
        4,
        "globex.outdoor",
        "Globex Outdoor",
        "facebook",
        250_000,
        (6, 9),
        2.0,
        (3, 6),
        "US",
        "Gear for every trail. #GlobexOutdoor",
        "https://globex.example",
        ad_share=0.06,
    ),
)


def extra_account(seed: int, number: int) -> Account:
    rng = random.Random(f"{seed}|extra|{number}")
    index = EXTRA_BASE + number
    return Account(
        index,
        f"sandbox.account.{number:02d}",
        f"Sandbox Account {number:02d}",
        "facebook" if number % 2 == 0 else "instagram",
        rng.randint(1_000, 50_000),
        (rng.randint(0, 1), rng.randint(1, 3)),
        rng.uniform(0.1, 1.0),
        (0, rng.randint(1, 4)),
        rng.choice(("US", "EU", "US", "BR")),
        "A generated account for benchmarks",
        f"https://account{number:02d}.example",
    )


def build(seed: int, extra: int) -> dict[str, Account]:
    if not 0 <= extra <= EXTRA_MAX:
        raise ValueError(f"extra_accounts must be between 0 and {EXTRA_MAX}, got {extra}")
    accounts = list(FIXED) + [extra_account(seed, n) for n in range(extra)]
    return {a.id: a for a in accounts}
