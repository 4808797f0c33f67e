"""The report spec as pydantic models: the one definition of what a spec may say.

The field descriptions are the spec reference: `reporter schema` turns them into JSON Schema for
editors, and README.md's reference table is generated from them (a test keeps it in step).
Shape lives here; meaning (is this metric real, does it take that breakdown) is checked against the
catalogue in `checks.py`.
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from reporter.periods import Comparison, TimeframeName
from reporter.words import N_

ProductType = Literal["FEED", "REELS", "STORY"]
OutputFormat = Literal["html", "pdf", "csv"]
Login = Literal["facebook", "instagram"]
# The report's sections after the cover, in the default order; each is also the template block
# that shows it (reporter.render.context.SECTIONS builds them).
SectionName = Literal[
    "summary", "goals", "commentary", "trends", "history", "breakdowns", "audience", "content",
    "campaigns", "notes",
]  # fmt: skip
SECTION_NAMES: tuple[SectionName, ...] = typing.get_args(SectionName)

MetricName = Annotated[str, Field(min_length=1)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DateRange(_Section):
    """An explicit reporting period, both days included."""

    since: dt.date = Field(description="First day of the period (a TOML date: 2026-10-01).")
    until: dt.date = Field(description="Last day of the period, included.")


class Report(_Section):
    title: str = Field(
        N_("Instagram report"),  # the default is translated in the report's language
        min_length=1,
        description="Title on the cover and in the PDF metadata.",
    )
    client: str = Field(min_length=1, description="Client name shown on the cover.")
    timeframe: TimeframeName | DateRange = Field(
        "last_month",
        description=(
            "Reporting period: `last_month`, `this_month`, `last_7_days`, `last_28_days`, "
            "`last_90_days`, `last_quarter`, `this_quarter`, `year_to_date`, `last_year`, or "
            "`{ since = 2026-10-01, until = 2026-10-31 }`; resolved in the "
            "spec's timezone on the day of the run."
        ),
    )
    compare: Comparison = Field(
        "previous_period",
        description=(
            "Comparison period for the deltas: `previous_period` (the same length just before; "
            "the previous month for monthly timeframes), `previous_year`, or `none`."
        ),
    )
    timezone: str = Field(
        "UTC", description="IANA timezone the period is resolved and times shown in."
    )
    locale: str = Field(
        "en_US",
        description=(
            "Locale of the report's and e-mail's words, numbers and dates, e.g. `de_DE` "
            "(words: English, German, French, Spanish; others fall back to English)."
        ),
    )
    api_version: str = Field(
        "v25.0", description="Graph API version the requests pin, e.g. `v25.0`."
    )
    template: str = Field(
        "default",
        description="Report template: `default` or a folder (relative to the spec) of templates.",
    )
    history_months: int = Field(
        6,
        ge=0,
        le=24,
        description=(
            "Months the history section shows, month by month, the report's own last (`12` for "
            "a year; `0` leaves it out). Figures come from the earlier months' reports kept in "
            "the store; a month without one is a gap that says why."
        ),
    )
    sections: list[SectionName] = Field(
        default_factory=lambda: list(SECTION_NAMES),
        min_length=1,
        description=(
            "The sections after the cover, in this order: `summary` (KPI cards and highlights), "
            "`goals`, `commentary`, `trends`, `history` (the last months), `breakdowns`, "
            "`audience`, `content` (top posts and "
            "a table per post type), `campaigns`, `notes` (what the figures mean). Leave one out "
            "to drop it; default: all, in this order."
        ),
    )


class Account(_Section):
    id: str = Field(
        pattern=r"^[0-9]+$", description="Instagram professional account id (IG user id)."
    )
    name: str = Field(min_length=1, description="Display name in the report.")
    login: Login = Field(
        "facebook",
        description=(
            "How the token was obtained: `facebook` (graph.facebook.com) or `instagram` "
            "(graph.instagram.com)."
        ),
    )
    token_env: str = Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description=(
            "NAME of the environment variable holding this account's access token. Never the "
            "token itself."
        ),
    )


class AccountMetrics(_Section):
    metrics: list[MetricName] = Field(
        default_factory=list,
        description="Account metrics shown as totals (KPI cards) with their comparison.",
    )
    breakdowns: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Per metric, the breakdowns to fetch: `{ reach = ["follow_type"] }`.',
    )
    time_series: list[MetricName] = Field(
        default_factory=list,
        description="Account metrics charted day by day (`reach`, `follower_count`).",
    )


class Audience(_Section):
    metrics: list[MetricName] = Field(
        default_factory=lambda: ["follower_demographics"],
        description=(
            "Demographic metrics: `follower_demographics`, `engaged_audience_demographics`."
        ),
    )
    breakdowns: list[str] = Field(
        default_factory=lambda: ["country", "city", "age", "gender"],
        description="Demographic breakdowns: `age`, `city`, `country`, `gender`.",
    )
    timeframe: str | None = Field(
        None,
        description=(
            "Demographic timeframe, required: `this_week` (the last 7 days) or `this_month` (30)."
        ),
    )


class Campaign(_Section):
    """Posts an agency reports on together: a campaign, a launch, a collaboration."""

    name: str = Field(min_length=1, description="The campaign's name, shown in the report.")
    media: list[str] = Field(
        default_factory=list,
        description=(
            "Posts by media id (`17900000000000001`) or permalink "
            "(`https://www.instagram.com/p/…/`)."
        ),
    )
    hashtags: list[str] = Field(
        default_factory=list,
        description='Posts whose caption has one of these hashtags: `["#autumnblend"]`.',
    )
    caption: list[str] = Field(
        default_factory=list,
        description="Posts whose caption contains one of these texts (any case).",
    )
    since: dt.date | None = Field(
        None, description="Only posts published on or after this day (the spec's timezone)."
    )
    until: dt.date | None = Field(
        None, description="Only posts published on or before this day (the spec's timezone)."
    )


class Media(_Section):
    product_types: list[ProductType] = Field(
        default_factory=lambda: list[ProductType](["FEED", "REELS"]),
        description="Media to report: `FEED` (images, videos, carousel albums), `REELS`, `STORY`.",
    )
    metrics: dict[ProductType, list[MetricName]] = Field(
        default_factory=dict,
        description='Per product type, the media metrics: `{ REELS = ["views", "reach"] }`.',
    )
    breakdowns: dict[str, list[str]] = Field(
        default_factory=dict,
        description=(
            'Per media metric, its breakdown: `{ navigation = ["story_navigation_action_type"] }`.'
        ),
    )
    top: int = Field(5, ge=0, le=50, description="How many top media to show (0: none).")
    table_rows: Annotated[int, Field(ge=1)] | Literal["all"] = Field(
        10,
        description=(
            "Rows of each per-post table (posts, reels, stories): the posts ranked highest by "
            '`rank_by`, with a line saying the CSV lists every post (`"csv"` in '
            '`output.formats`); `"all"` shows every post.'
        ),
    )
    rank_by: str = Field("views", description="Media metric the top media are ranked by.")
    campaigns: list[Campaign] = Field(
        default_factory=list,
        description=(
            "Campaigns (`[[media.campaigns]]`): posts chosen by id or permalink, hashtag, "
            "caption text and a date sub-range; each gets its totals in the report. A post "
            "matches when it matches any of `media`, `hashtags`, `caption` (all posts when none "
            "is given) and lies within `since`–`until`."
        ),
    )


class Output(_Section):
    formats: list[OutputFormat] = Field(
        default_factory=lambda: list[OutputFormat](["html", "pdf"]),
        description="Files to write: html, pdf, csv.",
    )
    directory: str = Field(
        "reports/{client}/{account}/{period}",
        description=(
            "Output folder, relative to the output root; placeholders `{client}`, `{account}`, "
            "`{period}` (2026-10 or 2026-10-01..2026-10-15), `{year}`, `{month}`. Two reports of "
            "one run never share a file: `run` stops before fetching when they would."
        ),
    )


class Delivery(_Section):
    to: list[str] = Field(min_length=1, description="Recipients' e-mail addresses.")
    cc: list[str] = Field(default_factory=list, description="Copy recipients.")
    bcc: list[str] = Field(default_factory=list, description="Blind-copy recipients.")
    subject: str = Field(
        N_("{client}: Instagram report {period}"),  # the default in the report's language
        min_length=1,
        description=(
            "E-mail subject; placeholders `{client}`, `{account}`, `{period}` (as the report "
            "writes it: `October 2026`), `{year}`, `{month}`."
        ),
    )
    message: str | None = Field(
        None,
        min_length=1,
        description=(
            "Text of the e-mail: a Jinja template file, relative to the spec, given `client`, "
            "`account`, `period`, `comparison`, `kpis` (each with `title`, `value`, "
            "`delta_percent`) and `kpi.<metric>`; shown above the KPI summary (default: a "
            "short greeting)."
        ),
    )
    review: bool = Field(
        False,
        description=(
            "Hold every report for approval: `reporter run --send` renders it and writes a "
            "review summary next to it; `reporter approve` sends it."
        ),
    )


class Branding(_Section):
    """How the report looks: the agency's logo, colours and font."""

    author: str | None = Field(
        None,
        min_length=1,
        description="Who the report is from (your agency): on the cover and as the PDF author.",
    )
    logo: str | None = Field(
        None,
        min_length=1,
        description=(
            "Logo image file (PNG, JPEG, GIF, WebP or SVG), relative to the spec; embedded in "
            "the report, shown on the cover and in the page header."
        ),
    )
    primary_color: str = Field(
        "#1F3A5F",
        pattern=r"^#[0-9A-Fa-f]{6}$",
        description="Main colour (`#RRGGBB`): headings, KPI figures, the current period in charts.",
    )
    accent_color: str = Field(
        "#D9822B",
        pattern=r"^#[0-9A-Fa-f]{6}$",
        description="Second colour (`#RRGGBB`): rules, highlights and second chart series.",
    )
    font_family: str = Field(
        "DejaVu Sans, sans-serif",
        pattern=r"^[A-Za-z0-9 ,_-]+$",
        description=(
            "CSS font families, comma-separated, most wanted first (`Source Sans 3, sans-serif`); "
            "the fonts must be installed where the PDF is rendered."
        ),
    )


DerivedUnit = Literal["percent", "count", "duration", "number"]
Scope = Literal["account", "media"]


class DerivedMetric(_Section):
    """A metric computed from others: `[derived.engagement_rate]`."""

    formula: str = Field(
        min_length=1,
        description=(
            "Arithmetic (`+ - * /`, parentheses, numbers) over catalogue metrics, other derived "
            "metrics, `followers` (when fetched) and `days` (of the period); `metric.VALUE` is one "
            "breakdown value (`follows_and_unfollows.FOLLOWER`); `sum`, `avg`, `max`, `min` over "
            "the period's media, optionally of one product type (`avg(reach, REELS)`), and "
            "`count(STORY)`. A division by zero or a missing input shows n/a with the reason."
        ),
    )
    title: str | None = Field(
        None,
        min_length=1,
        description="Name on cards and in tables (default: the key, words capitalised).",
    )
    unit: DerivedUnit = Field(
        "number",
        description=(
            "`percent` (the formula gives a ratio: 0.042 shows as 4.2%), `count` (whole "
            "numbers), `duration` (the formula gives seconds) or `number` (one decimal)."
        ),
    )
    scope: Scope = Field(
        "account",
        description=(
            "`account`: one value per report (KPI cards, goals; media metrics only inside an "
            "aggregate); `media`: one value per post (media.metrics columns, media.rank_by)."
        ),
    )
    description: str = Field(
        "", description="What it means, for the report's notes (the formula is shown too)."
    )


class Commentary(_Section):
    """The account manager's notes: one Markdown file per period, next to the spec."""

    file: str = Field(
        "notes/{period}.md",
        min_length=1,
        description=(
            "Markdown file, relative to the spec; placeholders `{period}`, `{year}`, `{month}`, "
            "`{account}`, `{client}`. A missing file means no commentary."
        ),
    )
    required: bool = Field(
        False,
        description=(
            "Warn in `reporter validate` when the period the timeframe resolves to today has "
            "ended and its file is missing."
        ),
    )


class RollupDelivery(_Section):
    """Who receives the roll-up, when not the spec's ``[delivery]`` (a group's head office)."""

    to: list[str] = Field(min_length=1, description="The roll-up's recipients.")
    cc: list[str] = Field(default_factory=list, description="Copy recipients.")
    bcc: list[str] = Field(default_factory=list, description="Blind-copy recipients.")
    subject: str | None = Field(
        None,
        min_length=1,
        description=(
            "E-mail subject (default: `delivery.subject`); `{account}` is the roll-up's name."
        ),
    )
    message: str | None = Field(
        None,
        min_length=1,
        description="Text of the e-mail, as `delivery.message` (default: `delivery.message`).",
    )
    review: bool | None = Field(
        None, description="Hold the roll-up for approval (default: `delivery.review`)."
    )


class Rollup(_Section):
    """A combined report over all the spec's accounts."""

    name: str = Field(
        "All accounts",
        min_length=1,
        description=(
            "Name of the combined report (its `{account}` in file names). Additive metrics are "
            "summed over the accounts; reach and other unique counts are never summed and are "
            "shown per account."
        ),
    )
    delivery: RollupDelivery | None = Field(
        None,
        description=(
            "The roll-up's own recipients; without it `reporter run --send` e-mails the roll-up "
            "to the `[delivery]` recipients, once every account's report of the period is "
            "rendered."
        ),
    )

    def delivery_of(self, spec_delivery: Delivery | None) -> Delivery | None:
        """Who receives the roll-up and how: its own recipients, the rest as ``[delivery]``."""
        own = self.delivery
        if own is None:
            return spec_delivery
        base = spec_delivery or Delivery(to=own.to)
        return Delivery(
            to=own.to,
            cc=own.cc,
            bcc=own.bcc,
            subject=own.subject or base.subject,
            message=own.message or base.message,
            review=base.review if own.review is None else own.review,
        )


class Quality(_Section):
    """Data-quality rules: a report that breaks one is held instead of sent (`reporter run
    --send` exits 1 with one line per rule) and goes out with a later run once the data is fine."""

    hold_on_token_failure: bool = Field(
        True, description="Hold an account's report when its token failed during the fetch."
    )
    max_unavailable_percent: float = Field(
        30,
        ge=0,
        le=100,
        description=(
            "Hold when more than this many percent of the requested account metrics, or of the "
            "requested media metrics (one counts when no post of its type has it), are "
            "unavailable."
        ),
    )
    min_previous_media: int = Field(
        5,
        ge=0,
        description=(
            "Hold when the period has no media at all but the comparison period had at least "
            "this many (0: never)."
        ),
    )
    max_change_percent: float = Field(
        80,
        ge=0,
        description=(
            "Hold when an account metric moves by more than this many percent against the "
            "comparison period (a possible data error; 0: never)."
        ),
    )
    wait_for_settling: bool = Field(
        True,
        description=(
            "Hold when the data was fetched before Meta's 48-hour settling window after the "
            "period closed (a later run fetches the settled figures)."
        ),
    )


class Spec(_Section):
    """A report spec: one TOML file, possibly extending a base file."""

    extends: str | None = Field(
        None,
        description=(
            "Relative path of a base spec this one builds on: tables merge, this file wins."
        ),
    )
    abstract: bool = Field(
        False,
        description=(
            "A partial base spec, checked only through the specs that extend it "
            "(required keys may be missing)."
        ),
    )
    report: Report = Field(description="What the report is, for whom, over which period.")
    accounts: list[Account] = Field(
        min_length=1, description="The Instagram accounts reported on, one report each."
    )
    account_metrics: AccountMetrics = Field(
        default_factory=AccountMetrics, description="Account-level insights."
    )
    audience: Audience | None = Field(None, description="Audience demographics.")
    media: Media | None = Field(None, description="Media (posts, reels, stories) insights.")
    output: Output = Field(default_factory=Output, description="Files written.")
    delivery: Delivery | None = Field(None, description="Who receives the PDF by e-mail.")
    branding: Branding | None = Field(
        None, description="Logo, colours and font of the report (defaults: a neutral navy look)."
    )
    derived: dict[str, DerivedMetric] = Field(
        default_factory=dict,
        description=(
            "Derived metrics by name (`[derived.saves_per_post]`), usable wherever a metric is; "
            "built-ins such as `engagement_rate` need no table (see README)."
        ),
    )
    goals: dict[str, float | str] = Field(
        default_factory=dict,
        description=(
            'Targets per period by metric: `reach = 50000`, `engagement_rate = "4%"`, or a '
            'ceiling `story_exit_rate = "at most 20%"`; the summary shows value, target, share '
            "reached and whether it is on track."
        ),
    )
    commentary: Commentary | None = Field(
        None, description="The account manager's Markdown notes per period, in the summary."
    )
    rollup: Rollup | None = Field(
        None,
        description=(
            "Also render one combined report over all accounts (and e-mail it with "
            "`reporter run --send`)."
        ),
    )
    quality: Quality = Field(
        default_factory=Quality,
        description="Data-quality rules that hold a report instead of sending it.",
    )
