"""The summary page: a KPI card per account metric and highlights computed from the data.

Highlights are sentences built from figures in the dataset (largest change, best post, follower
growth, publishing activity); when the data for one is missing, it is left out, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reporter.dataset import Dataset, meta_days, totals
from reporter.render.model import Cell, Highlight, Kpi, Table, Trend
from reporter.render.sections import goals
from reporter.render.sections.content import count_words
from reporter.render.sections.trends import label

if TYPE_CHECKING:
    from reporter.render.inputs import Inputs


@dataclass(frozen=True)
class Summary:
    kpis: tuple[Kpi, ...]
    highlights: tuple[Highlight, ...]
    comparison: str | None
    fetched: str = ""  # when the data was fetched: a report says how fresh its figures are
    table: Table | None = None  # the KPI figures, raw, for the CSV (the cards show them)
    brief: tuple[str, ...] = ()  # the executive summary: the period in three to five sentences


@dataclass(frozen=True)
class _Figure:
    metric: str
    current: totals.Total
    previous: totals.Total | None


def build(inputs: Inputs) -> Summary:
    figures = [_figure(inputs, name) for name in inputs.spec.account_metrics.metrics]
    kpis = tuple(_kpi(inputs, f) for f in figures)
    fetched = inputs.fmt.datetime(inputs.current.fetched_at)
    highlights = tuple(_highlights(inputs, figures))
    table = kpi_table(inputs, [(f.metric, f.current, f.previous) for f in figures], kpis)
    brief = _brief(inputs, highlights, goals.build(inputs) if inputs.spec.goals else ())
    return Summary(kpis, highlights, inputs.comparison_label, fetched, table, brief)


GOOD = ("reached", "kept", "on_track")


def _brief(
    inputs: Inputs, highlights: tuple[Highlight, ...], targets: tuple[goals.Goal, ...]
) -> tuple[str, ...]:
    """The executive summary: the largest move, the best post, followers, goals, activity (at
    most five sentences, each built from the data)."""
    order = ("largest_change", "best_media", "followers")
    sentences = [h.text for kind in order for h in highlights if h.kind == kind]
    known = [g for g in targets if g.status != "unknown"]
    if known:
        good = [g for g in known if g.status in GOOD]
        _ = inputs.fmt.gettext
        if len(good) == len(known):
            if len(known) == 1:
                sentences.append(_("The goal is met or on track."))
            elif len(known) == 2:
                sentences.append(_("Both goals are met or on track."))
            else:
                sentences.append(
                    _("All {count} goals are met or on track.").format(count=len(known))
                )
        else:
            rest = "; ".join(f"{g.title} {g.status_text}" for g in known if g.status not in GOOD)
            sentences.append(
                _("Goals: {good} of {total} met or on track; {rest}.").format(
                    good=len(good), total=len(known), rest=rest
                )
            )
    sentences += [h.text for h in highlights if h.kind == "activity"]
    return tuple(sentences[:5])


def kpi_table(
    inputs: Inputs,
    figures: list[tuple[str, totals.Total, totals.Total | None]],
    kpis: tuple[Kpi, ...],
) -> Table:
    """The KPI cards as rows: the period's value, the comparison's, the change (raw numbers in
    the CSV: a percentage is a fraction, 0.082 for +8.2 %), and which days a total covers."""
    rows = []
    for (metric, current, previous), kpi in zip(figures, kpis, strict=True):
        definition = inputs.definition("account", metric)
        if definition is not None and definition.kind == "best_time":  # a weekday, not a number
            rows.append((Cell(kpi.title), Cell(kpi.full_value), Cell(kpi.comparison_note),
                         Cell(""), Cell(""), Cell(kpi.coverage)))  # fmt: skip
            continue
        before = previous.value if previous is not None else None
        delta, ratio = change(current.value, before)
        rows.append(
            (
                Cell(kpi.title),
                Cell(kpi.full_value, _raw(current.value), numeric=True),
                Cell(kpi.previous, _raw(before), numeric=True),
                Cell(kpi.delta, _raw(delta), numeric=True),
                Cell(kpi.delta_percent, _raw(ratio), numeric=True),
                Cell(kpi.coverage or kpi.reason),
            )
        )
    period, _ = inputs.period_label, inputs.fmt.gettext
    columns = ("", period, inputs.comparison_label or _("comparison"), _("change"),
               _("change (fraction)"), _("note"))  # fmt: skip
    return Table("kpis", _("Summary"), columns, tuple(rows))


_SAMPLE = re.compile(r"^(\d+)(?: of (\d+))? (post|posts|reel|reels|story|stories)$")
_SAMPLE_TYPES = {"post": "FEED", "reel": "REELS", "story": "STORY"}


def sample_words(inputs: Inputs, sample: str) -> str:
    """The derived stage's "12 posts" / "11 of 12 reels" (derived/evaluate.py) in the report's
    language; any other text through the catalogue as it is."""
    found = _SAMPLE.match(sample)
    if found is None:
        return inputs.fmt.gettext(sample)
    noun = found.group(3)
    product = _SAMPLE_TYPES.get(noun.rstrip("s").replace("storie", "story"), "FEED")
    whole = int(found.group(2) or found.group(1))
    what = count_words(inputs, product, whole)
    if found.group(2) is None:
        return what
    return inputs.fmt.gettext("{part} of {whole}").format(
        part=inputs.fmt.number(int(found.group(1))), whole=what
    )


def _raw(value: float | None) -> float | str:
    return "" if value is None else value


def _figure(inputs: Inputs, name: str) -> _Figure:
    current = inputs.account_total(inputs.current, name)
    previous = inputs.account_total(inputs.previous, name) if inputs.previous is not None else None
    return _Figure(name, current, previous)


def change(current: float | None, previous: float | None) -> tuple[float | None, float | None]:
    """(absolute, relative) change; relative is None unless both values are ≥ 0 and the previous
    one > 0 (a net follower growth going from −40 to 29 is no percentage)."""
    if current is None or previous is None:
        return None, None
    delta = current - previous
    return delta, (delta / previous if previous > 0 and current >= 0 else None)


def _trend(delta: float | None) -> Trend:
    if delta is None:
        return "none"
    return "up" if delta > 0 else "down" if delta < 0 else "flat"


def _kpi(inputs: Inputs, figure: _Figure) -> Kpi:
    fmt, unit = inputs.fmt, inputs.unit("account", figure.metric)
    _ = fmt.gettext
    title = inputs.title("account", figure.metric)
    cur = figure.current
    if cur.value is None:
        return Kpi(figure.metric, title, fmt.na, fmt.na, False, reason=fmt.reason(cur.reason))
    definition = inputs.definition("account", figure.metric)
    if definition is not None and definition.kind == "best_time":
        return _best_time_kpi(inputs, figure.metric, title)
    sample = inputs.derived_value(inputs.current, figure.metric).sample if definition else ""
    coverage = (
        _("from {sample}").format(sample=sample_words(inputs, sample))
        if sample
        else _coverage(inputs, cur.coverage)
    )
    kpi = Kpi(
        figure.metric,
        title,
        fmt.value(cur.value, unit, compact=True),
        fmt.value(cur.value, unit),
        True,
        coverage=coverage,
    )
    if cur.source == "parts":
        kpi = _parts_kpi(inputs, figure.metric, kpi)
    prev = figure.previous
    if prev is None:
        note = _("No comparison period.") if inputs.comparison is None else _("No comparison data.")
        return _replace(kpi, comparison_note=note)
    if prev.value is None:
        note = f"{inputs.comparison_label}: {fmt.na}. {fmt.reason(prev.reason)}".strip()
        return _replace(kpi, comparison_note=note)
    delta, ratio = change(cur.value, prev.value)
    return _replace(
        kpi,
        previous=fmt.value(prev.value, unit, compact=True),
        delta=_signed(inputs, delta, unit) if ratio is not None or not prev.value else "",
        delta_percent=(
            fmt.signed_percent(ratio)
            if ratio is not None
            else _("new")
            if not prev.value
            else _signed(inputs, delta, unit)
        ),
        trend=_trend(delta),
        comparison_note=_coverage(inputs, prev.coverage, comparison=True),
    )


def _parts_kpi(inputs: Inputs, name: str, kpi: Kpi) -> Kpi:
    """Follows and unfollows: the net change as the figure, both counts beside it, never their
    sum ("Follows 377, Unfollows 334, net +43")."""
    metric = inputs.metric("account", name)
    assert metric is not None and metric.required_breakdown
    total, parts = inputs.account_parts(inputs.current, name)
    fmt = inputs.fmt
    words = [
        f"{label(inputs, metric.required_breakdown, part, name)} {fmt.number(parts.get(part, 0))}"
        for part in metric.net
    ]
    text = (
        ", ".join(words) + ", " + fmt.gettext("net {change}").format(change=fmt.signed(total.value))
    )
    coverage = f"{text}. {kpi.coverage}" if kpi.coverage else text
    return _replace(kpi, value=fmt.signed(total.value), full_value=text, coverage=coverage)


def _signed(inputs: Inputs, delta: float | None, unit: str) -> str:
    """A change in the metric's unit: +1,234; a rate's change in percentage points."""
    if delta is None or unit not in ("ratio", "number", "seconds"):
        return inputs.fmt.signed(delta)
    sign = "+" if delta > 0 else "−" if delta < 0 else ""
    if unit == "ratio":
        points = inputs.fmt.number(abs(delta) * 100, digits=1)
        return sign + inputs.fmt.gettext("{points} pts").format(points=points)
    return sign + inputs.fmt.value(abs(delta), unit)


def best_time_text(inputs: Inputs, ds: Dataset, name: str) -> tuple[str, str]:
    """(slot, sample) of a best-weekday or best-hour metric, in the report's language."""
    got = inputs.derived_value(ds, name)
    if got.value is None:
        return inputs.fmt.na, inputs.fmt.reason(got.reason)
    definition = inputs.derived[name]
    slot = int(got.value)
    text = inputs.fmt.weekday(slot) if definition.group == "weekday" else inputs.fmt.hour(slot)
    return text, sample_words(inputs, got.sample) if got.sample else ""


def _best_time_kpi(inputs: Inputs, name: str, title: str) -> Kpi:
    slot, sample = best_time_text(inputs, inputs.current, name)
    kpi = Kpi(name, title, slot, slot, True, coverage=sample)
    if inputs.previous is None:
        return kpi
    before, _ = best_time_text(inputs, inputs.previous, name)
    return _replace(kpi, comparison_note=f"{inputs.comparison_label}: {before}")


def _replace(kpi: Kpi, **changes: object) -> Kpi:
    import dataclasses

    return dataclasses.replace(kpi, **changes)  # type: ignore[arg-type]


def _coverage(inputs: Inputs, coverage: totals.Coverage, *, comparison: bool = False) -> str:
    """Empty when the total covers the whole period; else which days it does cover."""
    if coverage.days is None or coverage.since is None or coverage.until is None:
        return ""
    ds = inputs.current if not comparison else inputs.previous
    if ds is None:
        return ""
    period_days = (ds.until - ds.since).days + 1
    if coverage.days >= period_days:
        return ""
    # Meta's days are Pacific days: name the ones the window counted, not local dates
    first, last = meta_days(coverage.since, coverage.until)
    span = inputs.fmt.month_day_interval(first, last)
    if comparison:
        pattern = inputs.fmt.gettext("comparison {span} only ({days} of {total} days)")
    else:
        pattern = inputs.fmt.gettext("{span} only ({days} of {total} days)")
    return pattern.format(span=span, days=coverage.days, total=period_days)


def _highlights(inputs: Inputs, figures: list[_Figure]) -> list[Highlight]:
    items = [
        _largest_change(inputs, figures),
        _best_media(inputs),
        _followers(inputs),
        _activity(inputs),
    ]
    return [h for h in items if h is not None]


def _largest_change(inputs: Inputs, figures: list[_Figure]) -> Highlight | None:
    best: tuple[float, _Figure, float] | None = None
    for f in figures:
        definition = inputs.definition("account", f.metric)
        if f.previous is None or (definition is not None and definition.kind == "best_time"):
            continue
        _, ratio = change(f.current.value, f.previous.value)
        if ratio is not None and (best is None or abs(ratio) > abs(best[0])):
            best = (ratio, f, f.previous.value or 0.0)
    if best is None or inputs.comparison_label is None:
        return None
    ratio, f, previous = best
    unit, fmt = inputs.unit("account", f.metric), inputs.fmt
    if ratio > 0:
        pattern = fmt.gettext(
            "{metric} rose {amount} to {value}, from {previous} in {comparison}: "
            "the largest change this period."
        )
    elif ratio < 0:
        pattern = fmt.gettext(
            "{metric} fell {amount} to {value}, from {previous} in {comparison}: "
            "the largest change this period."
        )
    else:
        pattern = fmt.gettext(
            "{metric} held steady at {value}, from {previous} in {comparison}: "
            "the largest change this period."
        )
    return Highlight(
        "largest_change",
        pattern.format(
            metric=inputs.title("account", f.metric),
            amount=fmt.percent(abs(ratio)),
            value=fmt.value(f.current.value, unit),
            previous=fmt.value(previous, unit),
            comparison=inputs.comparison_label,
        ),
    )


def _best_media(inputs: Inputs) -> Highlight | None:
    media = inputs.spec.media
    if media is None:
        return None
    rank_by = media.rank_by
    ranked = [
        (value, item)
        for item in inputs.current.media
        if item.product_type in media.product_types
        and (value := inputs.media_value(item, rank_by)) is not None
    ]
    if not ranked:
        return None
    value, item = max(ranked, key=lambda pair: (pair[0], pair[1].timestamp))
    unit, fmt = inputs.unit("media", rank_by), inputs.fmt
    patterns = {
        "REELS": fmt.gettext("The best reel of the period, published {day}: {value} {metric}."),
        "STORY": fmt.gettext("The best story of the period, published {day}: {value} {metric}."),
    }
    pattern = patterns.get(item.product_type) or fmt.gettext(
        "The best post of the period, published {day}: {value} {metric}."
    )
    return Highlight(
        "best_media",
        # "…: 29,140 views", "…: 13 accounts reached": the metric's title says what it counts
        pattern.format(
            day=fmt.date(item.timestamp),
            value=fmt.value(value, unit),
            metric=fmt.in_sentence(inputs.title("media", rank_by)),
        ),
    )


def _followers(inputs: Inputs) -> Highlight | None:
    series = inputs.current.series(inputs.current.account.id, "follower_count")
    if not series:
        return None
    fmt = inputs.fmt
    _ = fmt.gettext
    gained = sum(o.value for o in series)
    text = fmt.ngettext(
        "{count} account started following the account",
        "{count} accounts started following the account",
        round(gained),
    ).format(count=fmt.number(gained))
    if inputs.previous is not None:
        before = inputs.previous.series(inputs.previous.account.id, "follower_count")
        if before:
            previous = sum(o.value for o in before)
            __, ratio = change(gained, previous)
            was = _("{count} in {comparison}").format(
                count=fmt.number(previous), comparison=inputs.comparison_label
            )
            text += f" ({was}, {fmt.signed_percent(ratio)})" if ratio is not None else f" ({was})"
    count = inputs.current.account.followers_count
    if count is not None:
        text += "; " + _("it had {count} followers when the data was fetched ({day})").format(
            count=fmt.number(count), day=fmt.date(inputs.current.fetched_at)
        )
    return Highlight("followers", text + ".")


def _activity(inputs: Inputs) -> Highlight | None:
    media = inputs.spec.media
    if media is None:
        return None
    parts = []
    _ = inputs.fmt.gettext
    for product_type in media.product_types:
        count = sum(1 for m in inputs.current.media if m.product_type == product_type)
        parts.append(count_words(inputs, product_type, count))
    if not parts:
        return None
    listing = (
        parts[0]
        if len(parts) == 1
        else _("{items} and {last}").format(items=", ".join(parts[:-1]), last=parts[-1])
    )
    if inputs.previous is not None:
        before = sum(1 for m in inputs.previous.media if m.product_type in media.product_types)
        text = _("Published {listing} ({count} in total in {comparison}).").format(
            listing=listing, count=inputs.fmt.number(before), comparison=inputs.comparison_label
        )
    else:
        text = _("Published {listing}.").format(listing=listing)
    return Highlight("activity", text)
