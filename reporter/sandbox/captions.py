"""The demo world's captions: a coffee roaster's posts, with emoji and a few non-Latin lines, so
every report built from the sandbox reads like a client's and exercises the fonts."""

from __future__ import annotations

import random

# A Hamburg roastery's posts: what a client's own feed reads like, in English with some German
# and a few lines for followers abroad (Japanese, Arabic, Korean), and emoji. Hostile captions
# (HTML, template syntax, control characters) are the tests' business (tests/test_render_safety.py,
# test_control_chars.py), never the demo's. Each tuple keeps its length: the draws from ``rng``
# stay the same, so every other simulated figure does too.
OPENERS = (
    "New on the shelf",
    "Behind the roaster",
    "Weekend special",
    "Meet the team",
    "Fresh batch",
    "Brew tip",
    "From the cupping table",
    "This week at the café",
)
TOPICS = (
    "Ethiopia Guji, washed: notes of jasmine, peach and black tea",
    "Colombia Huila roasted this morning, resting for your filter by Friday",
    "a rainy Hamburg morning and a flat white by the window",
    "15% off all 1 kg bags until Sunday, in the café and online",
    "our V60 recipe: 15 g coffee, 250 g water at 94 °C, 3 minutes",
    "hand-folded cardamom buns to go with your cortado",
)
EMOJI = ("☕", "🥐", "🔥", "✨", "🌱", "📸", "💛", "👩🏽‍🍳", "🫘", "🌧️")
FOREIGN = (
    "東京のポップアップ、今週末まで開催中です ☕",
    "قهوة مختصة محمصة طازجة كل أسبوع",
    "Schönes Wochenende! Wir sehen uns in der Speicherstadt 🌊",
    "Neue Ernte aus Kenia ab Montag im Laden",
    "Danke für euren Besuch beim Tag der offenen Rösterei!",
    "이번 주말 서울 팝업에서 만나요",
)
# Now and then a post of news rather than coffee (where the tests feed hostile text instead).
ANNOUNCEMENTS = (
    "We're hiring: a barista for weekends at the Speicherstadt café. Link in bio ✨",
    "Closed on Monday for the roaster's yearly service; back Tuesday at 8 ☕",
    "Thank you for 5,000 followers! A free cup for everyone who shows this post this week 💛",
    "Our autumn opening hours: Mon–Fri 8–18, Sat–Sun 9–17",
    "Now on the menu: oat milk at no extra charge 🌱",
)
# The demo world's campaign: posts opened with these carry its hashtag (chosen without drawing
# from the random stream, so every other simulated value stays as it was).
CAMPAIGN_TAG = "#autumnblend"
CAMPAIGN_OPENERS = ("Fresh batch", "Weekend special")
TAGS = ("#coffee", "#specialtycoffee", "#coffeeroasters", "#filtercoffee", "#hamburg", "#kaffee",
        "#cafe")  # fmt: skip


def caption(rng: random.Random, *, announcement: bool) -> str | None:
    """One caption, or None (Meta omits ``caption`` on media without one)."""
    if announcement:
        return rng.choice(ANNOUNCEMENTS)
    roll = rng.random()
    if roll < 0.06:
        return None
    opener = rng.choice(OPENERS)
    parts = [f"{opener}: {rng.choice(TOPICS)} {rng.choice(EMOJI)}"]
    if roll < 0.35:
        parts.append(rng.choice(FOREIGN))
    if roll > 0.8:
        parts.append("\n\nOpen daily in the Speicherstadt; beans to order via the link in bio.")
    tags = rng.sample(TAGS, k=rng.randint(1, 3))
    if opener in CAMPAIGN_OPENERS:
        tags.append(CAMPAIGN_TAG)
    parts.append(" ".join(tags))
    return "\n".join(parts)
