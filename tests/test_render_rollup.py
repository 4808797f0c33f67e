"""The roll-up sums what Meta allows adding and never reach (unique accounts)."""

from __future__ import annotations

from support import render as rs

from reporter.dataset import totals
from reporter.render import rollup
from reporter.render.report import make_inputs, render_context
from reporter.spec.models import Spec


def _spec() -> Spec:
    base = rs.spec(
        account_metrics__metrics=["views", "reach", "total_interactions", "engagement_rate"],
        rollup={"name": "Acme group"},
    )
    second = {"id": "17841400000000002", "name": "Acme Berlin", "token_env": "BERLIN"}
    data = base.model_dump()
    data["accounts"].append(second)
    return Spec.model_validate(data)


def test_rollup_sums_views_and_never_reach() -> None:
    spec = _spec()
    datasets = [rs.dataset(seed=1), rs.dataset(seed=2, scale=0.4)]
    reports = [
        make_inputs(
            spec, account, ds, None, catalogue=rs.CATALOGUE, thumbnails={}, now=rs.FETCHED_AT
        )
        for account, ds in zip(spec.accounts, datasets, strict=True)
    ]
    values = rollup.build("Acme group", reports)
    cards = {k.metric: k for k in values["summary"].kpis}
    assert set(cards) == {"views", "total_interactions"}  # no reach card, no rate card
    views = [totals.account_total(ds, "views", additive=True).value or 0 for ds in datasets]
    assert cards["views"].full_value == reports[0].fmt.number(sum(views))
    table = values["rollup"].table
    rows = {row[0].text: row for row in table.rows}
    assert table.columns == ("", "Acme Coffee Roasters", "Acme Berlin", "All 2 accounts")
    assert rows["Accounts reached"][-1].text == "not summed"
    assert rows["Views"][-1].raw == sum(views)
    assert rows["Engagement rate"][-1].text == "—"
    html = render_context(spec, values, reports[0].period_label, "Acme group", None).html
    assert "never summed across accounts" in html
    assert "Acme group: by account" in html
    handles = ", ".join("@" + r.current.account.username for r in reports)
    assert f"({handles})" in html and "@@" not in html  # meta description and cover
    reach = [totals.account_total(ds, "reach", additive=False).value or 0 for ds in datasets]
    assert f"{int(sum(reach)):,}" not in html  # the sum of reach appears nowhere


def test_rollup_csv_has_the_table_by_account() -> None:
    import csv
    import io

    from reporter.render import write

    spec = _spec()
    datasets = [rs.dataset(seed=1), rs.dataset(seed=2, scale=0.4)]
    reports = [
        make_inputs(
            spec, account, ds, None, catalogue=rs.CATALOGUE, thumbnails={}, now=rs.FETCHED_AT
        )
        for account, ds in zip(spec.accounts, datasets, strict=True)
    ]
    values = rollup.build("Acme group", reports)
    rendered = render_context(spec, values, reports[0].period_label, "Acme group", None)
    rows = list(csv.DictReader(io.StringIO(write.tables_csv(rendered.tables).decode("utf-8-sig"))))
    views = sum(totals.account_total(ds, "views", additive=True).value or 0 for ds in datasets)
    total = [r for r in rows if r["row"] == "Views" and r["column"] == "All 2 accounts"]
    assert [float(r["value"]) for r in total] == [views]
    reach = [r for r in rows if r["row"] == "Accounts reached"]
    assert {r["column"] for r in reach} == {"Acme Coffee Roasters", "Acme Berlin", "All 2 accounts"}
    # unique accounts are never summed: the total cell stays empty (a number column)
    assert next(r for r in reach if r["column"] == "All 2 accounts")["value"] == ""


def test_rollup_csv_cells_stay_inert() -> None:
    """Account names become the roll-up's columns: a name like a formula stays text."""
    import csv
    import io

    from reporter.render import write

    data = _spec().model_dump()
    data["accounts"][1]["name"] = '=HYPERLINK("http://x.example","Berlin")'
    spec = Spec.model_validate(data)
    datasets = [rs.dataset(seed=1), rs.dataset(seed=2, scale=0.4)]
    september = rs.dataset(rs.SEPTEMBER, seed=3)
    reports = [
        make_inputs(
            spec, account, ds, september, catalogue=rs.CATALOGUE, thumbnails={}, now=rs.FETCHED_AT
        )
        for account, ds in zip(spec.accounts, datasets, strict=True)
    ]
    values = rollup.build("Acme group", reports)
    rendered = render_context(spec, values, reports[0].period_label, "Acme group", None)
    rows = list(csv.DictReader(io.StringIO(write.tables_csv(rendered.tables).decode("utf-8-sig"))))
    columns = {r["column"] for r in rows if r["table"] == "rollup_accounts"}
    assert '\'=HYPERLINK("http://x.example","Berlin")' in columns
    assert not any(c.startswith("=") for r in rows for c in r.values())
    # The summed cards with their comparison: raw numbers a spreadsheet can add up.
    views = {r["column"]: r["value"] for r in rows if r["table"] == "kpis" and r["row"] == "Views"}
    now = sum(totals.account_total(ds, "views", additive=True).value or 0 for ds in datasets)
    before = 2 * (totals.account_total(september, "views", additive=True).value or 0)
    assert reports[0].comparison_label is not None
    assert float(views[reports[0].period_label]) == now
    assert float(views[reports[0].comparison_label]) == before
    assert float(views["change"]) == now - before


def test_rollup_recipients_are_its_own_or_the_specs() -> None:
    from reporter.spec.models import Delivery, Rollup, RollupDelivery

    spec_delivery = Delivery(to=["anna@client.example"], subject="{client}: {period}", review=True)
    assert Rollup().delivery_of(spec_delivery) == spec_delivery
    assert Rollup().delivery_of(None) is None
    own = Rollup(delivery=RollupDelivery(to=["hq@client.example"], cc=["c@agency.example"]))
    mine = own.delivery_of(spec_delivery)
    assert mine is not None
    assert (mine.to, mine.cc, mine.bcc) == (["hq@client.example"], ["c@agency.example"], [])
    assert (mine.subject, mine.review) == ("{client}: {period}", True), "the rest as [delivery]"
    alone = Rollup(delivery=RollupDelivery(to=["hq@client.example"], review=False))
    only = alone.delivery_of(None)
    assert only is not None and only.subject == Delivery(to=["x@y.example"]).subject
    assert alone.delivery_of(spec_delivery).review is False  # type: ignore[union-attr]
