"""The deterministic simulated world: accounts, media, stories, follower curves, daily values.

Nothing is generated up front. Each account day is derived on demand from
``random.Random(seed|account|day|...)`` (cached, bounded), so two years of data cost nothing until
asked for and the same seed always gives the same bytes. The world itself does not depend on the
simulated clock except through ``origin`` (two years before the *initial* now): moving the clock
later reveals more of the same world, it never changes the past.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
from collections.abc import Iterator

from reporter import catalogue
from reporter.sandbox import accounts as accounts_mod
from reporter.sandbox import media as media_mod
from reporter.sandbox import timefmt
from reporter.sandbox.accounts import Account
from reporter.sandbox.media import Media
from reporter.sandbox.values import (
    Earned,
    Values,
    account_day,
    earned,
    earning_hours,
    media_values,
    product_key,
)

HISTORY_DAYS = 730
EARNING_DAYS = 8  # items older than a week earn nothing more (values.earning_hours)
SETTLE = dt.timedelta(hours=48)


class World:
    def __init__(self, seed: int, initial_now: dt.datetime, extra_accounts: int = 0) -> None:
        self.seed = seed
        self.catalogue = catalogue.load()
        self.accounts = accounts_mod.build(seed, extra_accounts)
        self._by_index = {a.index: a for a in self.accounts.values()}
        self.origin = initial_now.astimezone(dt.UTC).date() - dt.timedelta(days=HISTORY_DAYS)
        # Nordlicht converted to a business account three weeks in: older media answers 2108006
        self.converted_on = {a.id: self.origin for a in self.accounts.values()}
        self.converted_on[accounts_mod.FIXED[1].id] = self.origin + dt.timedelta(days=21)
        self._breakdown_values = {n: b.values for n, b in self.catalogue.breakdowns.items()}
        self.day_media = functools.lru_cache(maxsize=50_000)(self._day_media)
        self._settled_day = functools.lru_cache(maxsize=50_000)(self._account_day)
        # an account day reads its items at the day's ends, which the next day reads again
        self._media_values_at = functools.lru_cache(maxsize=100_000)(self._media_values)

    # --- accounts and followers ----------------------------------------------------------------

    def account(self, account_id: str) -> Account | None:
        return self.accounts.get(account_id)

    def followers_on(self, account: Account, day: dt.date) -> int:
        t = (day - self.origin).days
        target = account.followers
        curve = target * (0.78 + 0.22 * t / HISTORY_DAYS) + target * 0.01 * math.sin(t / 20)
        noise = random.Random(f"{self.seed}|{account.index}|{day.toordinal()}|followers")
        return max(0, round(curve + noise.uniform(-1, 1) * target * 0.0004))

    def follows_on(self, account: Account, day: dt.date) -> tuple[int, int]:
        """(follows, unfollows) on a Pacific day; they net to the change in followers."""
        net = self.followers_on(account, day) - self.followers_on(account, day - dt.timedelta(1))
        rng = random.Random(f"{self.seed}|{account.index}|{day.toordinal()}|churn")
        churn = round(account.followers * rng.uniform(0.0004, 0.0012))
        unfollows = churn + max(-net, 0)
        return net + unfollows, unfollows

    def followers_now(self, account: Account, now: dt.datetime) -> int:
        return self.followers_on(account, timefmt.pacific_day(now))

    # --- media ---------------------------------------------------------------------------------

    def _day_media(self, account_index: int, day: dt.date) -> tuple[Media, ...]:
        account = self._by_index[account_index]
        if day < self.origin:
            return ()
        converted = self.converted_on[account.id]
        return tuple(media_mod.day_media(self.seed, account, day, converted))

    def find_media(self, media_id: str, now: dt.datetime) -> Media | None:
        parsed = media_mod.parse_id(media_id)
        if parsed is None or (account := self._by_index.get(parsed.account_index)) is None:
            return None
        if not media_mod.salt_ok(self.seed, account, parsed):
            return None
        for item in self.day_media(account.index, parsed.day):
            if item.seq == parsed.seq and item.timestamp <= now:
                if parsed.child == 0:
                    return item
                if 1 <= parsed.child <= item.children:
                    return media_mod.child_of(self.seed, item, parsed.child)
        return None

    def children(self, album: Media) -> list[Media]:
        return [media_mod.child_of(self.seed, album, n) for n in range(1, album.children + 1)]

    def posts_before(
        self,
        account: Account,
        key: tuple[dt.datetime, int],
        now: dt.datetime,
        floor: dt.datetime | None,
    ) -> Iterator[Media]:
        """Posts and reels (no stories), newest first, positioned strictly before ``key``
        (timestamp, sequence), not after ``now`` and not before ``floor``."""
        day = min(key[0], now).astimezone(dt.UTC).date()
        stop = max(self.origin, floor.astimezone(dt.UTC).date() if floor else self.origin)
        while day >= stop:
            for item in reversed(self.day_media(account.index, day)):
                if item.product == "STORY" or item.timestamp > now:
                    continue
                if (item.timestamp, item.seq) < key and (floor is None or item.timestamp >= floor):
                    yield item
            day -= dt.timedelta(days=1)

    def posts_after(
        self, account: Account, key: tuple[dt.datetime, int], now: dt.datetime
    ) -> Iterator[Media]:
        """Posts and reels, oldest first, positioned strictly after ``key``, not after ``now``."""
        day = max(key[0].astimezone(dt.UTC).date(), self.origin)
        last = now.astimezone(dt.UTC).date()
        while day <= last:
            for item in self.day_media(account.index, day):
                later = key < (item.timestamp, item.seq)
                if item.product != "STORY" and later and item.timestamp <= now:
                    yield item
            day += dt.timedelta(days=1)

    def live_stories(self, account: Account, now: dt.datetime) -> list[Media]:
        window = dt.timedelta(hours=self.catalogue.limits.story_window_hours)
        found: list[Media] = []
        today = now.astimezone(dt.UTC).date()
        for day in (today, today - dt.timedelta(days=1)):
            for item in self.day_media(account.index, day):
                if item.product == "STORY" and now - window < item.timestamp <= now:
                    found.append(item)
        return sorted(found, key=lambda m: m.timestamp, reverse=True)

    def media_count(self, account: Account, now: dt.datetime) -> int:
        last = now.astimezone(dt.UTC).date()
        total = 0
        day = self.origin
        while day <= last:
            items = self.day_media(account.index, day)
            total += sum(1 for m in items if m.product != "STORY" and m.timestamp <= now)
            day += dt.timedelta(days=1)
        return total

    def media_values(self, item: Media, now: dt.datetime) -> Values:
        return self._media_values_at(item, now)

    def _media_values(self, item: Media, now: dt.datetime) -> Values:
        age_hours = (now - item.timestamp).total_seconds() / 3600
        followers = self.followers_on(item.account, timefmt.pacific_day(item.timestamp))
        return media_values(self.seed, item, followers, age_hours)

    # --- account days --------------------------------------------------------------------------

    def _account_day(self, account_index: int, day: dt.date, factor: float) -> Values:
        account = self._by_index[account_index]
        follows, unfollows = self.follows_on(account, day)
        return account_day(
            self.seed,
            f"{account.index}|{day.toordinal()}",
            self.followers_on(account, day),
            follows,
            unfollows,
            account.ad_share,
            account.no_story_replies,
            self._breakdown_values,
            factor,
            self.earned_on(account, day),
        )

    def earned_on(self, account: Account, day: dt.date) -> Earned:
        """What the account's media (posts, reels, stories; not album children) gathered during
        the Pacific ``day``: the account's day includes it, so totals never fall below posts."""
        start, end = timefmt.day_start(day), timefmt.day_end(day)
        increments = []
        first = start.astimezone(dt.UTC).date() - dt.timedelta(days=EARNING_DAYS)
        utc_day = first
        while utc_day <= end.astimezone(dt.UTC).date():
            for item in self.day_media(account.index, utc_day):
                done = item.timestamp + dt.timedelta(hours=earning_hours(item.product))
                if item.timestamp < end and done > start:
                    before = self.media_values(item, max(start, item.timestamp))
                    increments.append((product_key(item), before, self.media_values(item, end)))
            utc_day += dt.timedelta(days=1)
        return earned(increments)

    def best_reach(self, account: Account, days: list[dt.date], now: dt.datetime) -> int:
        """The most one item reached within the Pacific ``days`` (as seen at ``now``): a floor
        for the account's unique reach over them."""
        start = timefmt.day_start(days[0])
        end = min(now, timefmt.day_end(days[-1]))
        best = 0
        utc_day = start.astimezone(dt.UTC).date() - dt.timedelta(days=EARNING_DAYS)
        while utc_day <= end.astimezone(dt.UTC).date():
            for item in self.day_media(account.index, utc_day):
                done = item.timestamp + dt.timedelta(hours=earning_hours(item.product))
                if item.timestamp < end and done > start:
                    before = self.media_values(item, max(start, item.timestamp)).values["reach"]
                    after = self.media_values(item, end).values["reach"]
                    best = max(best, int(after) - int(before))
            utc_day += dt.timedelta(days=1)
        return best

    def day_values(self, account: Account, day: dt.date, now: dt.datetime) -> Values | None:
        """A Pacific day's values, or None before it has ended (not yet available)."""
        end = timefmt.day_end(day)
        if end > now:
            return None
        settled = min(1.0, (now - end) / SETTLE)
        factor = 1.0 if settled >= 1.0 else round(0.6 + 0.4 * settled, 2)
        return self._settled_day(account.index, day, factor)

    def online_followers(self, account: Account, day: dt.date) -> dict[str, int]:
        rng = random.Random(f"{self.seed}|{account.index}|{day.toordinal()}|online")
        followers = self.followers_on(account, day)
        return {
            str(h): round(
                followers
                * (0.12 + 0.1 * math.sin((h - 6) / 24 * 2 * math.pi))
                * rng.uniform(0.9, 1.1)
            )
            for h in range(24)
        }
