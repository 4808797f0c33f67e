"""The notes section: what each metric means, what Meta did not answer, and what the data
covers."""

from __future__ import annotations

from reporter.catalogue import Scope
from reporter.dataset import Unavailable
from reporter.derived import Definition
from reporter.render.inputs import Inputs
from reporter.render.model import NoteItem, Notes
from reporter.render.sections import definitions
from reporter.render.sections.formula_words import formula_words
from reporter.render.translations import N_


def build(inputs: Inputs) -> Notes:
    return Notes(
        metrics=tuple(metric_notes(inputs)),
        unavailable=tuple(_unavailable_notes(inputs)),
        data=tuple(_data_notes(inputs)),
    )


def _used_metrics(inputs: Inputs) -> list[tuple[Scope, str]]:
    spec = inputs.spec
    names: list[tuple[Scope, str]] = []
    names += [("account", m) for m in spec.account_metrics.metrics]
    names += [("account", m) for m in spec.account_metrics.time_series]
    names += [("account", m) for m in spec.goals]
    if spec.audience:
        names += [("account", m) for m in spec.audience.metrics]
    if spec.media:
        names += [("media", spec.media.rank_by)]
        for metrics in spec.media.metrics.values():
            names += [("media", m) for m in metrics]
    return list(dict.fromkeys(names))


def metric_notes(inputs: Inputs) -> list[NoteItem]:
    """One definition per figure the report shows; a per-post metric of the same name as an
    account metric (views, reach, likes) is the same figure counted per post, said once."""
    _ = inputs.fmt.gettext
    items = []
    titles: set[str] = set()
    for scope, name in _used_metrics(inputs):
        definition = inputs.definition(scope, name)
        if definition is not None:
            items.append(_derived_note(inputs, definition))
            continue
        metric = inputs.metric(scope, name)
        if metric is None or (scope == "media" and metric.title in titles):
            continue
        titles.add(metric.title)
        flags = []
        if metric.unit == "milliseconds":
            flags.append(_("shown as a duration"))
        if metric.hourly:
            flags.append(_("followers online in each hour: never added up over hours"))
        elif not metric.additive:
            flags.append(_("unique accounts: never added up over days or posts"))
        if metric.estimated:
            flags.append(_("estimated by Meta"))
        text = _(metric.description) + (f" ({'; '.join(flags)}.)" if flags else "")
        title = inputs.title(scope, name)
        title = _("{title} (per post)").format(title=title) if scope == "media" else title
        items.append(NoteItem(title, text))
    return items


_UNIT_WORDS = {
    "percent": N_("shown as a percentage"),
    "duration": N_("in seconds, shown as a duration"),
    "count": N_("a count"),
    "number": N_("a number"),
}


def _derived_note(inputs: Inputs, definition: Definition) -> NoteItem:
    """A derived metric's meaning and how it is worked out, in words (no metric ids)."""
    _ = inputs.fmt.gettext
    text = f"{_(definition.description)} " if definition.description else ""
    text += _("Worked out as {formula} ({unit}).").format(
        formula=formula_words(inputs, definition), unit=_(_UNIT_WORDS[definition.unit])
    )
    title = _(definition.title)
    if definition.scope == "media":
        title = _("{title} (per post)").format(title=title)
    return NoteItem(title, text)


def _unavailable_notes(inputs: Inputs) -> list[NoteItem]:
    """Account-level gaps one by one; media-level gaps grouped by metric and reason."""
    items: list[NoteItem] = []
    media_ids = {m.id for m in inputs.current.media}
    grouped: dict[tuple[str, str], int] = {}
    _ = inputs.fmt.gettext
    for gap in inputs.current.unavailable:
        reason = _reason(inputs, gap)
        if gap.object_id in media_ids:
            key = (gap.metric, reason)
            grouped[key] = grouped.get(key, 0) + 1
        else:
            items.append(NoteItem(inputs.title("account", gap.metric), reason))
    for (metric, reason), count in sorted(grouped.items()):
        what = inputs.fmt.ngettext("{count} post", "{count} posts", count).format(count=count)
        items.append(NoteItem(f"{inputs.title('media', metric)}, {what}", reason))
    if inputs.previous is not None and inputs.comparison_label:
        for gap in inputs.previous.unavailable:
            if gap.object_id == inputs.previous.account.id:
                title = f"{inputs.title('account', gap.metric)}, {inputs.comparison_label}"
                reason = _reason(inputs, gap)
                items.append(NoteItem(title, reason))
    return items


def _reason(inputs: Inputs, gap: Unavailable) -> str:
    """Meta's words and ours (English); in another language ours alone when we have them (Meta
    answers in English), else Meta's through the catalogue."""
    _ = inputs.fmt.gettext
    ours = definitions.explain(gap, inputs.catalogue.limits, _)
    if inputs.fmt.locale.language == "en":
        return f"{gap.reason} {ours}".strip()
    return ours or inputs.fmt.reason(gap.reason)


def _days_note(inputs: Inputs) -> str:
    """Which days the figures cover: Meta's days end at midnight Pacific time."""
    fmt, ds = inputs.fmt, inputs.current
    _ = fmt.gettext
    tz = inputs.spec.report.timezone
    posts = _("posts are those published {days} ({timezone} time)").format(
        days=fmt.month_day_interval(ds.since, ds.until), timezone=tz
    )
    covered = ds.meta_days()
    if covered is None:
        return _("The period is resolved in {timezone}; {posts}.").format(timezone=tz, posts=posts)
    days = fmt.month_day_interval(*covered)
    return _(
        "Account figures cover the Pacific-time days {days} (Meta's day ends at midnight "
        "Pacific time, and a day in the charts is a Pacific day); {posts}."
    ).format(days=days, posts=posts)


def _data_notes(inputs: Inputs) -> list[NoteItem]:
    fmt, ds = inputs.fmt, inputs.current
    _ = fmt.gettext
    settle = inputs.catalogue.limits.settle_hours
    items = [
        NoteItem(
            _("Data"),
            _("Figures as Instagram reported them on {moment}.").format(
                moment=fmt.datetime(ds.fetched_at)
            ),
        ),
        NoteItem(
            _("Delay"),
            _(
                "Meta may revise figures for up to {hours} hours; the last days of a period can "
                "still change after a report is made."
            ).format(hours=settle),
        ),
        NoteItem(_("Days"), _days_note(inputs)),
        NoteItem(_("Timezone"), definitions.timezone_words(inputs.spec.report.timezone, _)),
        NoteItem(_("Organic and paid"), _(definitions.ORGANIC_AND_PAID)),
        NoteItem(
            _("Reach"),
            _(
                "Accounts reached counts each account once, so it is never added up over days "
                "or posts. Meta counts it over at most 30 days: for a longer period the card "
                "says which days it covers."
            ),
        ),
    ]
    if inputs.snapshot:
        items.append(
            NoteItem(
                _("Snapshot"),
                _(
                    "The figures are those of {snapshot}, kept with the report: a copy made "
                    "later shows the same figures unless it is made anew from fresh data."
                ).format(snapshot=inputs.snapshot),
            )
        )
    items += [NoteItem(_("Fetch"), _(note)) for note in ds.notes]
    return items
