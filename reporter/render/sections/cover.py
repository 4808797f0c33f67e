"""The cover: title, client, account, period and who prepared the report."""

from __future__ import annotations

from dataclasses import dataclass

from reporter.render import images
from reporter.render.inputs import Inputs
from reporter.render.translations import N_

SAMPLE = N_("Sample report — simulated figures, not your account's data")


@dataclass(frozen=True)
class Cover:
    title: str
    client: str
    account_name: str
    handles: str  # "@acmecoffee", or "@a, @b" on a roll-up
    profile_picture: str
    period: str
    comparison: str | None
    logo: str | None
    author: str | None
    prepared: str
    followers: str | None
    sample: str | None = None  # the sandbox's reports: on the cover and in every page's footer


def build(inputs: Inputs) -> Cover:
    info = inputs.current.account
    picture = images.data_uri(inputs.thumbnails.get("profile"))
    return Cover(
        title=inputs.report_title,
        client=inputs.spec.report.client,
        account_name=inputs.account.name or info.name,
        handles=f"@{info.username}",
        profile_picture=picture or images.AVATAR,
        period=inputs.period_label,
        comparison=inputs.comparison_label,
        logo=inputs.logo,
        author=inputs.branding.author,
        prepared=inputs.fmt.date(inputs.now),
        sample=inputs.fmt.gettext(SAMPLE) if inputs.simulated else None,
        followers=(
            inputs.fmt.number(info.followers_count) if info.followers_count is not None else None
        ),
    )
