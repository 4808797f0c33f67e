"""Audience demographics: fixed per-account distributions, scaled to the audience at "now".

Only viewers with demographic data count (Meta's limitation), so the parts sum to less than the
follower count; results are the top 45 (catalogue ``demographics_top``).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence

from reporter.sandbox.values import allocate

COUNTRIES = (
    "US",
    "DE",
    "JP",
    "GB",
    "FR",
    "CA",
    "BR",
    "MX",
    "ES",
    "IT",
    "NL",
    "AU",
    "IN",
    "KR",
    "SE",
    "NO",
    "DK",
    "FI",
    "PL",
    "AT",
    "CH",
    "BE",
    "PT",
    "IE",
    "AR",
    "CL",
    "CO",
    "PE",
    "TR",
    "SA",
    "AE",
    "EG",
    "MA",
    "ZA",
    "NG",
    "KE",
    "RU",
    "UA",
    "CZ",
    "HU",
    "RO",
    "GR",
    "IL",
    "TH",
    "VN",
    "ID",
    "PH",
    "MY",
    "SG",
    "NZ",
    "TW",
    "HK",
    "IQ",
    "LA",
)
CITIES = (
    "Portland, Oregon",
    "Seattle, Washington",
    "New York, New York",
    "Los Angeles, California",
    "Hamburg, Hamburg",
    "Berlin, Berlin",
    "Kyoto, Kyoto",
    "Tokyo, Tokyo",
    "Osaka, Osaka",
    "London, England",
    "Paris, Île-de-France",
    "Toronto, Ontario",
    "São Paulo, São Paulo",
    "Mexico City, Distrito Federal",
    "Madrid, Comunidad de Madrid",
    "Milan, Lombardy",
    "Amsterdam, North Holland",
    "Sydney, New South Wales",
    "Mumbai, Maharashtra",
    "Seoul, Seoul",
    "Stockholm, Stockholm County",
    "Oslo, Oslo",
    "Copenhagen, Capital Region",
    "Vienna, Vienna",
    "Zürich, Zürich",
    "Brussels, Brussels",
    "Lisbon, Lisbon",
    "Dublin, Dublin",
    "Buenos Aires, Buenos Aires",
    "Santiago, Santiago Metropolitan",
    "Bogotá, Bogotá",
    "Istanbul, Istanbul Province",
    "Riyadh, Riyadh Region",
    "Dubai, Dubai",
    "Cairo, Cairo",
    "Casablanca, Casablanca-Settat",
    "Cape Town, Western Cape",
    "Lagos, Lagos State",
    "Nairobi, Nairobi",
    "Prague, Prague",
    "Budapest, Budapest",
    "Athens, Attica",
    "Tel Aviv, Tel Aviv District",
    "Bangkok, Bangkok",
    "Ho Chi Minh City, Ho Chi Minh City",
    "Jakarta, Jakarta",
    "Manila, Metro Manila",
    "Singapore, Singapore",
    "Auckland, Auckland",
    "Taipei, Taipei",
    "Chicago, Illinois",
    "Austin, Texas",
)
HOME = {"US": ("US", 0, 0), "EU": ("DE", 4, 5), "JP": ("JP", 6, 7), "BR": ("BR", 12, 12)}


def weights(
    seed: int, account_index: int, region: str, breakdown: str, values: Sequence[str], salt: str
) -> dict[str, float]:
    rng = random.Random(f"{seed}|{account_index}|{breakdown}|{salt}|demographics")
    if breakdown == "country":
        values = COUNTRIES
    elif breakdown == "city":
        values = CITIES
    out = {v: rng.paretovariate(1.6) for v in values}
    home_country, first_city, second_city = HOME.get(region, HOME["US"])
    if breakdown == "country":
        out[home_country] = sum(out.values()) * 0.8
    if breakdown == "city":
        out[CITIES[first_city]] = out[CITIES[second_city]] = sum(out.values()) * 0.3
    if breakdown == "age":
        peak = {"18-24": 2.0, "25-34": 3.0, "35-44": 2.0, "13-17": 0.2, "65+": 0.3}
        out = {v: w * peak.get(v, 1.0) for v, w in out.items()}
    if breakdown == "gender":
        out = {"F": rng.uniform(0.4, 0.6), "M": rng.uniform(0.35, 0.55), "U": 0.04}
    return out


def results(
    seed: int,
    account_index: int,
    region: str,
    breakdowns: Sequence[str],
    values_of: Mapping[str, Sequence[str]],
    audience: int,
    salt: str,
    top: int,
) -> list[tuple[tuple[str, ...], int]]:
    """The top ``top`` (dimension values, count) pairs over the cross product of breakdowns."""
    tables = [
        weights(seed, account_index, region, b, values_of.get(b, ()), salt) for b in breakdowns
    ]
    combined: dict[str, float] = {}
    keys: dict[str, tuple[str, ...]] = {}
    for combo in itertools.product(*(t.items() for t in tables)):
        dims = tuple(k for k, _ in combo)
        weight = 1.0
        for _, w in combo:
            weight *= w
        label = "\x1f".join(dims)
        combined[label] = weight
        keys[label] = dims
    counted = allocate(audience, combined)
    ranked = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [(keys[label], value) for label, value in ranked]
