"""Meta-shaped error payloads: ``{"error": {"message", "type", "code", "error_subcode", ...}}``.

Every error the sandbox answers is built here, so its wording lives in one place. Wording marked
"observed" was seen verbatim by API clients (see ../shared/reference/graph-api.md and the issue
threads cited there); "documented" is Meta's pages (the seeds); "sandbox" is ours, where Meta's
text is not known: clients must branch on code and subcode, never on the wording.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from reporter.sandbox.timefmt import PACIFIC

OAUTH = "OAuthException"
GRAPH_METHOD = "GraphMethodException"


class GraphError(Exception):
    """An error response. ``status`` is the HTTP status Meta uses for it."""

    def __init__(
        self,
        message: str,
        *,
        code: int,
        subcode: int | None = None,
        type_: str = OAUTH,
        status: int = 400,
        transient: bool = False,
        user_title: str | None = None,
        user_msg: str | None = None,
        data: dict[str, Any] | None = None,
        extra_headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.type = type_
        self.status = status
        self.transient = transient
        self.user_title = user_title
        self.user_msg = user_msg
        self.data = data
        self.extra_headers = tuple(extra_headers)

    def payload(self, trace_seed: str) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "type": self.type, "code": self.code}
        if self.data is not None:
            body["error_data"] = self.data
        if self.subcode is not None:
            body["error_subcode"] = self.subcode
        body["is_transient"] = self.transient
        if self.user_title is not None:
            body["error_user_title"] = self.user_title
        if self.user_msg is not None:
            body["error_user_msg"] = self.user_msg
        body["fbtrace_id"] = fbtrace_id(trace_seed)
        return {"error": body}


def fbtrace_id(seed: str) -> str:
    """A Meta-looking trace id, derived from the request so equal requests give equal bytes."""
    digest = hashlib.sha256(seed.encode()).digest()[:9]
    return "A" + base64.b64encode(digest).decode().replace("+", "x").replace("/", "y")


# --- tokens ------------------------------------------------------------------------------------


def token_missing() -> GraphError:  # observed
    return GraphError("An access token is required to request this resource.", code=104)


def token_unparsable() -> GraphError:  # observed
    return GraphError(
        "Invalid OAuth access token - Cannot parse access token",
        code=190,
        extra_headers=[("WWW-Authenticate", 'OAuth "Facebook Platform" "invalid_token"')],
    )


def _pacific(when: dt.datetime) -> str:
    local = when.astimezone(PACIFIC)
    return local.strftime("%A, %d-%b-%y %H:%M:%S ") + (local.tzname() or "PT")


def token_expired(expired_at: dt.datetime, now: dt.datetime) -> GraphError:  # observed
    return GraphError(
        f"Error validating access token: Session has expired on {_pacific(expired_at)}. "
        f"The current time is {_pacific(now)}.",
        code=190,
        subcode=463,
        extra_headers=[("WWW-Authenticate", 'OAuth "Facebook Platform" "invalid_token"')],
    )


def token_too_young() -> GraphError:  # sandbox: Meta documents the rule, not its error
    return GraphError(
        "(#100) A long-lived token can be refreshed only once it is at least 24 hours old",
        code=100,
    )


def app_token_required() -> GraphError:  # observed (logly/mureo#740)
    return GraphError(
        "(#100) You must provide an app access token, or a user access token that is an owner "
        "or developer of the app",
        code=100,
    )


TOKEN_SUBCODE_MESSAGES = {  # Meta's wording for the other 190 subcodes (observed)
    458: "Error validating access token: The user has not authorized application.",
    459: "Error validating access token: You cannot access the app till you log in to "
    "www.facebook.com and follow the instructions given.",
    460: "Error validating access token: The session has been invalidated because the user "
    "changed their password or Facebook has changed the session for security reasons.",
    464: "Error validating access token: Sessions for the user are not allowed because the "
    "user is not a confirmed user.",
    467: "Error validating access token: The session is invalid because the user logged out.",
    492: "Error validating access token: The user is not a member of the Business Manager "
    "that owns this asset.",
}


def token_invalidated(subcode: int) -> GraphError:
    return GraphError(
        TOKEN_SUBCODE_MESSAGES.get(subcode, "Error validating access token."),
        code=190,
        subcode=subcode,
        extra_headers=[("WWW-Authenticate", 'OAuth "Facebook Platform" "invalid_token"')],
    )


# --- objects and paths -------------------------------------------------------------------------


def no_such_object(object_id: str, method: str = "get") -> GraphError:  # observed
    return GraphError(
        f"Unsupported {method} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read the "
        "Graph API documentation at https://developers.facebook.com/docs/graph-api",
        code=100,
        subcode=33,
        type_=GRAPH_METHOD,
    )


def unknown_path(rest: str) -> GraphError:  # observed
    return GraphError(f"Unknown path components: /{rest}", code=2500)


def nonexisting_field(field: str, node_type: str) -> GraphError:  # observed
    return GraphError(
        f"(#100) Tried accessing nonexisting field ({field}) on node type ({node_type})", code=100
    )


def param_required(name: str) -> GraphError:  # sandbox
    return GraphError(f"(#100) The parameter {name} is required", code=100)


def invalid_param(message: str) -> GraphError:
    return GraphError(f"(#100) {message}", code=100)


# --- insights ----------------------------------------------------------------------------------


def metric_must_be_one_of(index: int, allowed: Iterable[str]) -> GraphError:  # observed
    return GraphError(
        f"(#100) metric[{index}] must be one of the following values: {', '.join(allowed)}",
        code=100,
    )


def metric_removed_in_version(metric: str, version: str) -> GraphError:  # observed (impressions)
    major = version.removeprefix("v").split(".")[0]
    return GraphError(
        f"(#100) Starting from version {major} and above, the {metric} metric is no longer "
        "supported for the queried user. Please use other metrics instead.",
        code=100,
    )


def metric_not_for_product_type(metric: str) -> GraphError:  # observed (views on images)
    return GraphError(
        f"(#100) The Media Insights API does not support the {metric} metric for this media "
        "product type.",
        code=100,
    )


def unknown_error() -> GraphError:  # documented: an unsupported breakdown
    return GraphError("An unknown error has occurred.", code=1, status=500)


def range_too_long(max_days: int) -> GraphError:  # observed
    return GraphError(
        f"(#100) There cannot be more than {max_days} days ({max_days * 86400} s) between since "
        "and until",
        code=100,
    )


def needs_total_value(metrics: Iterable[str]) -> GraphError:  # observed
    return GraphError(
        f"(#100) The following metrics ({', '.join(metrics)}) should be specified with parameter "
        "metric_type=total_value",
        code=100,
    )


def incompatible_metric_type(metric: str, metric_type: str) -> GraphError:  # observed
    return GraphError(
        f"(#100) The following metric ({metric}) is incompatible with the metric type "
        f"({metric_type})",
        code=100,
    )


def history_limit(metric: str, days: int) -> GraphError:  # observed (follower_count)
    return GraphError(
        f"(#100) ({metric}) metric only supports querying data for the last {days} days "
        "excluding the current day",
        code=100,
    )


def incompatible_period(metric: str, period: str) -> GraphError:  # sandbox
    return GraphError(f"(#100) Incompatible period ({period}) for the metric ({metric})", code=100)


def timeframe_not_allowed(allowed: Iterable[str]) -> GraphError:  # sandbox, Meta's enum style
    return GraphError(
        f"(#100) timeframe must be one of the following values: {', '.join(allowed)}", code=100
    )


def too_few_followers(metric: str, minimum: int) -> GraphError:  # sandbox
    return GraphError(
        f"(#10) Not enough followers to show insights: the ({metric}) metric needs at least "
        f"{minimum} followers",
        code=10,
        type_=OAUTH,
    )


def not_enough_viewers() -> GraphError:  # documented (seeds/001)
    return GraphError("(#10) Not enough viewers for the media to show insights", code=10)


def album_child_insights() -> GraphError:  # sandbox; documented: no insights inside albums
    return GraphError(
        "(#10) Insights data is not available for media inside an album (carousel children)",
        code=10,
    )


def not_shared_to_facebook() -> GraphError:
    """observed: facebook_views (and crossposted_views on reels) on media not shared to
    Facebook refuses the whole call, naming no metric (code -1, subcode 2207086, "Fatal"; see
    tests/conformance/defect_errors_fatal.json for the sources)."""
    return GraphError("Fatal", code=-1, subcode=2207086)


def posted_before_conversion() -> GraphError:
    # observed (airbytehq/airbyte#1814, keboola/ex-facebook-graph-api#86; tests/conformance/)
    return GraphError(
        "Invalid parameter",
        code=100,
        subcode=2108006,
        data={"blame_field_specs": [[""]]},
        user_title="Media posted before business account conversion",
        user_msg="The media was posted before the most recent time that the user's account was "
        "converted to a business account from a personal account.",
    )


# --- batch -------------------------------------------------------------------------------------


def batch_too_large(limit: int) -> GraphError:  # observed
    return GraphError(
        f"(#100) Too many requests in batch message. Maximum batch size is {limit}", code=100
    )


def batch_unparsable() -> GraphError:  # sandbox
    return GraphError("(#100) The parameter batch must be a JSON array of requests", code=100)


# --- throttling and faults ---------------------------------------------------------------------

# Rate limits as clients recorded them (tests/conformance/errors.json): #4, #17 and #80002 come
# with is_transient true, #17 and #80002 with subcode 2446079; for #32 and #613 neither is recorded.
RATE_LIMIT_TRANSIENT = frozenset({4, 17, 80002})
RATE_LIMIT_SUBCODES = {17: 2446079, 80002: 2446079}
RATE_LIMIT_MESSAGES = {  # observed
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80002: "(#80002) There have been too many calls to this Instagram account. Wait a bit and "
    "try again. For more info, please refer to "
    "https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
}


def transient(code: int) -> GraphError:  # observed: code 1 and 2 with is_transient true
    if code == 2:
        return GraphError(
            "An unexpected error has occurred. Please retry your request later.",
            code=2,
            status=503,
            transient=True,
        )
    return GraphError("An unknown error occurred", code=1, subcode=99, status=500, transient=True)
