"""Locale-aware display strings (Babel): full figures for tables, compact ones (12.3K) for cards,
signed changes, percentages, dates, periods, durations and times in the spec's timezone.

One ``Formatter`` per report; it is also handed to templates as ``fmt`` so a user's template can
format what it adds the same way.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers, units

from reporter.periods import Period
from reporter.render.translations import N_, translations

NA = N_("n/a")
NOT_AVAILABLE = N_("This figure is not available for this period.")
MINUS = "\u2212"


class Formatter:
    def __init__(self, locale: str, timezone: str) -> None:
        self.locale = Locale.parse(locale)
        self.tz = ZoneInfo(timezone)
        self._locale_minus = numbers.get_minus_sign_symbol(self.locale)
        self.translations = translations(locale)  # the report's words (English if none)
        self.na = self.gettext(NA)  # a figure Meta did not give: n/a, k. A., n.d., n/d

    # --- words ---------------------------------------------------------------------------------

    def gettext(self, message: str) -> str:
        """A sentence or word in the report's language (English when the catalogue lacks it)."""
        # gettext("") is the catalogue's header, never an empty reason
        return self.translations.gettext(message) if message else message

    def reason(self, text: str | None) -> str:
        """Why a figure is missing, in the report's language. Meta's messages and the formula
        evaluator's details are English; a catalogue that lacks one says so in its own words
        rather than mixing an English sentence into the report (English reports keep them)."""
        if not text:
            return ""
        translated = self.gettext(text)
        if translated != text or self.locale.language == "en":
            return translated
        return self.gettext(NOT_AVAILABLE)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)

    def in_sentence(self, title: str) -> str:
        """A metric's title inside a sentence: "most accounts reached" (en, fr, es), but German
        nouns keep their capital ("die meisten Erreichten Konten" → "Aufrufe" stays "Aufrufe")."""
        return title if self.locale.language == "de" else title.lower()

    # --- numbers -------------------------------------------------------------------------------

    def _minus(self, text: str) -> str:
        """One minus sign in every report: U+2212, as the signed changes write it (Babel gives
        a hyphen-minus for en, and for sv whatever its symbol says)."""
        return text.replace(self._locale_minus, MINUS).replace("-", MINUS)

    def number(self, value: float | None, digits: int = 0) -> str:
        """A full figure for tables: 12,345 (en) or 12.345 (de); −44 with a minus sign."""
        if value is None or math.isnan(value):
            return self.na
        if digits == 0:
            return self._minus(numbers.format_decimal(round(value), locale=self.locale))
        pattern = "#,##0." + "0" * digits
        return self._minus(numbers.format_decimal(value, format=pattern, locale=self.locale))

    def compact(self, value: float | None, *, below: float = 10_000) -> str:
        """A short figure in the locale's compact format (CLDR through Babel): 12.3K (en_US),
        12.3k (en_GB), 12.345 (de: no short form for thousands). From a million up the long
        form, "1.2 million", "1,2 Millionen": CLDR's short "1.2m" (en_GB) reads as metres or
        minutes. Figures under ``below`` stay full (cards: 9,876); chart axes pass 1,000 so that
        one axis never mixes 5,000 and 10k."""
        if value is None or math.isnan(value):
            return self.na
        if abs(value) < below:
            return self.number(value)
        form: Literal["short", "long"] = "long" if abs(value) >= 999_950 else "short"
        text = numbers.format_compact_decimal(
            value, format_type=form, fraction_digits=1, locale=self.locale
        )
        # Locales without a short form for thousands (de: "12345") get the grouped figure.
        return self.number(value) if text.lstrip("-").isdigit() else self._minus(text)

    def signed(self, value: float | None) -> str:
        """A change with its sign: +1,234 / −56."""
        if value is None:
            return self.na
        text = self.number(abs(value))
        if round(value) == 0:
            return text
        return ("+" if value > 0 else "−") + text

    def percent(self, ratio: float | None, digits: int = 1) -> str:
        """A share: 0.123 → 12.3% (en), 12,3 % (de)."""
        if ratio is None or math.isnan(ratio):
            return self.na
        # The locale's own pattern (de: "12,3 %"), with a fixed number of decimals.
        pattern = numbers.parse_pattern(self.locale.percent_formats[None].pattern)
        pattern.frac_prec = (digits, digits)
        return self._minus(str(pattern.apply(ratio, self.locale)))

    def signed_percent(self, ratio: float | None) -> str:
        if ratio is None:
            return self.na
        text = self.percent(abs(ratio))
        if round(abs(ratio) * 1000) == 0:
            return text
        return ("+" if ratio > 0 else "−") + text

    def duration(self, milliseconds: float | None) -> str:
        """A watch time in the unit that reads best: 12.4 sec, 3.5 min, 152.3 hr."""
        if milliseconds is None or math.isnan(milliseconds):
            return self.na
        seconds = milliseconds / 1000
        if seconds < 60:
            value, unit = seconds, "duration-second"
        elif seconds < 3600:
            value, unit = seconds / 60, "duration-minute"
        else:
            value, unit = seconds / 3600, "duration-hour"
        text = units.format_unit(value, unit, length="short", format="#,##0.0", locale=self.locale)
        return self._minus(text)

    def value(self, value: float | None, unit: str, *, compact: bool = False) -> str:
        """A metric's value in its unit: the catalogue's count | milliseconds | percent (0-100),
        or a derived metric's ratio (0.042: 4.2%) | seconds | number (one decimal)."""
        if unit == "milliseconds":
            return self.duration(value)
        if unit == "seconds":
            return self.duration(None if value is None else value * 1000)
        if unit == "percent":
            return self.na if value is None else self.percent(value / 100)
        if unit == "ratio":
            return self.percent(value)
        if unit == "number" and value is not None and abs(value) < 10_000:
            return self.number(value, digits=1)
        return self.compact(value) if compact else self.number(value)

    def weekday(self, index: int) -> str:
        """0 → Monday, in the report's language."""
        return str(dates.get_day_names("wide", locale=self.locale)[index])

    def hour(self, hour: int) -> str:
        """A publishing hour as the locale writes times: 6:00 PM (en_US), 18:00 (de)."""
        return dates.format_time(dt.time(hour, 0), "short", locale=self.locale)

    # --- dates and times -----------------------------------------------------------------------

    def date(self, day: dt.date | dt.datetime, form: str = "medium") -> str:
        if isinstance(day, dt.datetime):
            day = self.local(day).date()
        return dates.format_date(day, form, locale=self.locale)

    def short_date(self, day: dt.date) -> str:
        """Axis labels: Oct 5 (en), 5. Okt. (de)."""
        return dates.format_skeleton("MMMd", day, locale=self.locale)

    def short_month(self, day: dt.date) -> str:
        """Axis labels of months: Oct 2026 (en), Okt. 2026 (de)."""
        return dates.format_skeleton("yMMM", day, locale=self.locale)

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.tz)

    def datetime(self, moment: dt.datetime) -> str:
        """A moment in the spec's timezone, with the zone named: Nov 2, 2026, 9:00 AM EST."""
        local = self.local(moment)
        day = dates.format_date(local.date(), "medium", locale=self.locale)
        time = dates.format_time(local, "short", tzinfo=self.tz, locale=self.locale)
        text = str(self.locale.datetime_formats["medium"]).format(time, day)
        zone = dates.get_timezone_name(local, "short", locale=self.locale, zone_variant=None)
        return f"{text} {zone}" if zone else text

    def period(self, period: Period) -> str:
        """October 2026 for a calendar month, Q3 2026 for a quarter, 2026 for a year, else
        Oct 1 – 15, 2026."""
        if period.is_calendar_month:
            return dates.format_skeleton("yMMMM", period.since, locale=self.locale)
        if period.is_calendar_quarter:
            return dates.format_skeleton("yQQQ", period.since, locale=self.locale)
        if period.is_calendar_year:
            return dates.format_skeleton("y", period.since, locale=self.locale)
        return self.interval(period.since, period.until)

    def interval(self, since: dt.date, until: dt.date) -> str:
        if since == until:
            return self.date(since)
        return dates.format_interval(since, until, "yMMMd", locale=self.locale)

    def month_day_interval(self, since: dt.date, until: dt.date) -> str:
        if since == until:
            return self.short_date(since)
        return dates.format_interval(since, until, "MMMd", locale=self.locale)

    # --- names ---------------------------------------------------------------------------------

    def country(self, code: str) -> str:
        """ISO code → the country's name in the report's language (unknown codes stay codes)."""
        name = self.locale.territories.get(code.upper())
        return str(name) if name else code
