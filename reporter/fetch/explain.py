"""A fetch's failures as the user reads them: what happened, where, and what to do next.

One line each, naming the account and the period (or the URL and the setting when the API cannot
be reached at all); Meta's own explanation (``error_user_title`` / ``error_user_msg``) is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from reporter.errors import ReporterError
from reporter.graph.client import GraphError, RateLimited, TokenInvalid, TransportError, Unreachable
from reporter.graph.errors import TokenRefused
from reporter.plan.build import Unit

# Code 10 other than a story's "Not enough viewers" is Meta's "API Permission Denied": the app
# or its token lacks a permission (developers.facebook.com/docs/graph-api/guides/error-handling).
# The insights endpoints need instagram_manage_insights (Facebook login; with instagram_basic,
# pages_read_engagement, pages_show_list: the IG Media insights reference, seeds/001) or
# instagram_business_manage_insights (Instagram login), and for other people's accounts the
# app needs Advanced Access to it through App Review.
PERMISSION_FIX = {
    "facebook": "instagram_manage_insights (with instagram_basic, pages_read_engagement and "
    "pages_show_list)",
    "instagram": "instagram_business_manage_insights (with instagram_business_basic)",
}


class IncompleteFetch(ReporterError):
    """Some calls still failed transiently after the retries: nothing of theirs is stored, the
    unit stays unfinished, and a rerun sends exactly those calls again."""


class ApiUnreachable(ReporterError):
    """Nothing listens at the API's address: the whole fetch stopped."""


# Refusals of the object itself, whatever the metrics: splitting the metric list cannot help.
OBJECT_KINDS = frozenset(
    {"not_enough_viewers", "too_few_followers", "before_conversion", "missing"}
)


def gap_reason(error: GraphError) -> str:
    """The sentence a report's notes give for a metric Meta refused."""
    if error.code == -1 and error.subcode == 2207086:
        # Meta's whole message is "Fatal"; seen for facebook_views (and crossposted_views) on
        # media not shared to Facebook (tests/conformance/defect_errors_fatal.json)
        return (
            f'Meta refused this figure for this media (error -1/2207086, "{error.message}"): '
            "it is given only for media also shared to Facebook."
        )
    return error.reason


def who(unit: Unit) -> str:
    return f"{unit.account.name} ({unit.account.id})"


def permission_text(login: str) -> str:
    needed = PERMISSION_FIX.get(login, PERMISSION_FIX["facebook"])
    return (
        "Meta refused for lack of permission (error 10: the app does not have permission for "
        f"this action); the account's token needs {needed}, "
        "and an app reading other people's accounts needs Advanced Access to it through Meta's "
        "App Review; `reporter tokens` shows what the token has"
    )


def rate_limit_wait(error: RateLimited, now: dt.datetime) -> str:
    """When to run again: the usage headers' estimate when they gave one (codes 4, 17 and 32
    carry none in the body), else an honest "no estimate"."""
    if error.retry_after:
        at = (now + dt.timedelta(seconds=error.retry_after)).strftime("%Y-%m-%d %H:%M UTC")
        minutes = max(1, round(error.retry_after / 60))
        return (
            f"Meta's usage headers estimate access returns in {minutes} min; run the same "
            f"command again after {at} to fetch the rest"
        )
    return (
        "Meta gave no estimate of when access returns (its limits count calls over a rolling "
        "hour); run the same command again in an hour to fetch the rest"
    )


def explain(
    error: ReporterError, unit: Unit, now: dt.datetime, *, setting: str | None = None
) -> ReporterError:
    """The account-level failure as the user should read it. ``setting``: the name of the
    setting the API's address came from (REPORTER_API_BASE_URL), when it came from one."""
    account = unit.account
    if isinstance(error, TokenInvalid):
        code = f"{error.code}/{error.subcode}" if error.subcode else f"{error.code}"
        return TokenRefused(
            f"{who(unit)}: Meta refused the access token in {account.token_env} (error {code}: "
            f"{error}); renew the token and put the new one in {account.token_env}; "
            "the other accounts are not affected"
        )
    if isinstance(error, RateLimited):
        return ReporterError(
            f"{who(unit)} {unit.label}: Meta's rate limit (error {error.code}: {error}); "
            f"stopped cleanly, everything fetched so far is stored; {rate_limit_wait(error, now)}"
        )
    if isinstance(error, Unreachable):
        where = f"check {setting}" if setting else "check the network connection"
        return ApiUnreachable(
            f"cannot connect to the Graph API at {error.url} (connection refused): {where}; "
            "nothing more was fetched"
        )
    if isinstance(error, TransportError):
        return ReporterError(
            f"{who(unit)} {unit.label}: the API gave no usable answer after retries "
            f"({error.message}); what was fetched is stored; run the same command again"
        )
    if isinstance(error, GraphError):
        return ReporterError(f"{who(unit)} {unit.label}: {describe(error, account.login)}")
    return error


def describe(error: GraphError, login: str) -> str:
    """Meta's refusal in one clause: its code, its words and explanation, the fix if known."""
    code = f"{error.code}/{error.subcode}" if error.subcode else f"{error.code}"
    if error.code == 10 and "viewers" not in error.message.lower():
        return f"{permission_text(login)} ({error})"
    return f"Meta refused (error {code}: {error})"


def incomplete(
    unit: Unit, lost: Mapping[str, GraphError], listing: frozenset[str]
) -> IncompleteFetch:
    """The line for a unit some of whose calls got no usable answer after the retries."""
    last = list(lost.values())[-1]
    what = f"{len(lost)} call{'s' if len(lost) != 1 else ''}"
    if listing & lost.keys():
        what += " (the media list among them: its media are not known yet)"
    return IncompleteFetch(
        f"{who(unit)} {unit.label}: {what} got no usable answer after retries (last: "
        f"{last.message}); nothing of theirs is stored; what was fetched is stored, and running "
        "the same command again fetches the rest"
    )
