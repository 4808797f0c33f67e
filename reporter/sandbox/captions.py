"""Captions with emoji, non-Latin scripts and HTML-looking text, so a renderer's escaping and
fonts are exercised by every report built from the sandbox."""

from __future__ import annotations

import random

OPENERS = (
    "New in today",
    "Behind the scenes",
    "Weekend special",
    "Meet the team",
    "Fresh batch",
    "Thank you for 1k comments",
    "Our favourite spot",
    "Sneak peek",
)
TOPICS = (
    "single-origin Ethiopia, notes of jasmine & peach",
    "the long table in our back room",
    "a rainy morning and a warm cup",
    '50% off everything "vintage" until Sunday',
    "the trail up to the old lighthouse",
    "hand-folded croissants, 27 layers",
)
EMOJI = ("☕", "🥐", "🔥", "✨", "🏔️", "📸", "💛", "👩🏽‍🍳", "🇯🇵", "🌧️")
FOREIGN = (
    "今日の新作ケーキ🍰 ぜひお店へ!",
    "قهوة طازجة كل صباح ☕",
    "Schönes Wochenende! Grüße aus Hamburg 🌊",
    "Новая коллекция уже в магазине",
    "¡Gracias por venir! ñandú & café",
    "오늘도 좋은 하루 되세요",
)
HOSTILE = (
    "<script>alert(1)</script> new menu board",
    'Look closer <img src="file:///etc/passwd"> ✨',
    "Style tip: background: url(http://attacker.example/x.png) & {{ seven * 7 }}",
    "</p><h1>Shouting</h1> & ampersands &amp; entities &lt;b&gt;",
    "A \"quoted\" caption with 'single' quotes and a back\\slash",
)
# The demo world's campaign: posts opened with these carry its hashtag (chosen without drawing
# from the random stream, so every other simulated value stays as it was).
CAMPAIGN_TAG = "#autumnblend"
CAMPAIGN_OPENERS = ("Fresh batch", "Weekend special")
TAGS = ("#coffee", "#specialtycoffee", "#bakery", "#outdoors", "#hamburg", "#パン", "#مقهى")


def caption(rng: random.Random, *, hostile: bool) -> str | None:
    """One caption, or None (Meta omits ``caption`` on media without one)."""
    if hostile:
        return rng.choice(HOSTILE)
    roll = rng.random()
    if roll < 0.06:
        return None
    opener = rng.choice(OPENERS)
    parts = [f"{opener}: {rng.choice(TOPICS)} {rng.choice(EMOJI)}"]
    if roll < 0.35:
        parts.append(rng.choice(FOREIGN))
    if roll > 0.8:
        parts.append("\n\nLine two, after a blank line.")
    tags = rng.sample(TAGS, k=rng.randint(1, 3))
    if opener in CAMPAIGN_OPENERS:
        tags.append(CAMPAIGN_TAG)
    parts.append(" ".join(tags))
    return "\n".join(parts)
