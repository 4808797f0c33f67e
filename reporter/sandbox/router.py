"""One Graph API call, from (method, path, parameters, token) to (status, headers, JSON): shared
by plain HTTP requests and batch sub-requests, so both behave identically.

Paths are the same on graph.facebook.com and graph.instagram.com; the version prefix is optional
and, as on Meta, the version governs metric removals together with the date.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from reporter.sandbox import errors, listing, nodes
from reporter.sandbox.counter import Counter
from reporter.sandbox.faults import Faults, Throttled, Usage
from reporter.sandbox.insights_account import account_insights
from reporter.sandbox.insights_media import media_insights
from reporter.sandbox.media import Media
from reporter.sandbox.tokens import Token, TokenStore
from reporter.sandbox.world import World

VERSION = re.compile(r"^/(v\d+\.\d+)(/.*)?$")
TOKEN_ENDPOINTS = ("debug_token", "refresh_access_token")
IGNORED_PARAMS = ("access_token", "pretty", "format", "suppress_http_code", "method")


@dataclass
class Result:
    status: int
    payload: Any
    headers: list[tuple[str, str]] = field(default_factory=list)


def dump(payload: Any) -> str:
    """Meta's JSON: ASCII only (\\u escapes) and escaped slashes."""
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")


def split_version(path: str, default: str) -> tuple[str, str, bool]:
    """``/v25.0/123/insights`` -> ("v25.0", "123/insights", True)."""
    match = VERSION.match(path)
    if match:
        return match.group(1), (match.group(2) or "/").strip("/"), True
    return default, path.strip("/"), False


def endpoint_of(segments: list[str], world: World) -> str:
    if not segments or segments == [""]:
        return "root"
    if segments[0] in TOKEN_ENDPOINTS:
        return segments[0]
    is_user = segments[0] == "me" or segments[0] in world.accounts
    if len(segments) == 1:
        return "user" if is_user else "media"
    edge = segments[1]
    if is_user:
        return {"insights": "user_insights", "media": "media_list", "stories": "stories"}.get(
            edge, "unknown"
        )
    return {"insights": "media_insights", "children": "children"}.get(edge, "unknown")


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self._lock = threading.Lock()
        self._now = now

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def set(self, now: dt.datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("the sandbox clock needs a timezone-aware datetime")
        with self._lock:
            self._now = now.astimezone(dt.UTC)


class Router:
    def __init__(
        self, world: World, tokens: TokenStore, faults: Faults, counter: Counter, clock: Clock
    ) -> None:
        self.world = world
        self.tokens = tokens
        self.faults = faults
        self.counter = counter
        self.clock = clock
        self.base_url = ""
        self.latest = world.catalogue.latest_api_version

    def call(
        self,
        method: str,
        path: str,
        params: Mapping[str, str],
        *,
        token: str | None,
        token_in_url: bool,
        in_batch: bool = False,
    ) -> Result:
        version, rest, _ = split_version("/" + path.lstrip("/"), self.latest)
        segments = rest.split("/") if rest else []
        self.counter.record(endpoint_of(segments, self.world), in_batch=in_batch)
        now = self.clock.now()
        usage: Usage | None = None
        login = "facebook"
        account_id = ""
        trace = f"{self.world.seed}|{method}|{rest}|{sorted(params.items())}"
        try:
            record = self.tokens.check(token, now)
            login, account_id = record.login, record.account_id
            usage = self.faults.admit(record.account_id)
            if method != "GET":
                raise errors.no_such_object(segments[0] if segments else "", method.lower())
            payload = self._dispatch(segments, params, record, version, now, token, token_in_url)
            result = Result(200, payload)
        except Throttled as error:
            usage = error.usage
            result = Result(error.status, error.payload(trace), list(error.extra_headers))
        except errors.GraphError as error:
            result = Result(error.status, error.payload(trace), list(error.extra_headers))
        result.headers += [("facebook-api-version", version)]
        result.headers += self._usage_headers(account_id, usage, login)
        return result

    @staticmethod
    def _usage_headers(account_id: str, usage: Usage | None, login: str) -> list[tuple[str, str]]:
        """Meta sends the usage headers only once usage is noticeable (reference)."""
        if usage is None or (usage.account_pct < 5 and not usage.regain_minutes):
            return []
        pct = min(usage.account_pct, 100)
        business = {
            account_id: [
                {
                    "type": "instagram",
                    "call_count": pct,
                    "total_cputime": pct * 2 // 5,
                    "total_time": pct * 3 // 5,
                    "estimated_time_to_regain_access": usage.regain_minutes,
                }
            ]
        }
        app_pct = min(usage.app_pct, 100)
        # graph.instagram.com names the X-App-Usage fields differently (restfb/restfb#1571)
        app = (
            {"call_volume": app_pct, "cpu_time": app_pct * 2 // 5}
            if login == "instagram"
            else {
                "call_count": app_pct,
                "total_cputime": app_pct * 2 // 5,
                "total_time": app_pct * 3 // 5,
            }
        )
        return [
            ("X-App-Usage", json.dumps(app)),
            ("X-Business-Use-Case-Usage", json.dumps(business)),
        ]

    def _dispatch(
        self,
        segments: list[str],
        raw: Mapping[str, str],
        token: Token,
        version: str,
        now: dt.datetime,
        token_value: str | None,
        token_in_url: bool,
    ) -> Any:
        if not segments:
            raise errors.no_such_object("", "get")
        params = {k: v for k, v in raw.items() if k not in IGNORED_PARAMS}
        if segments[0] in TOKEN_ENDPOINTS:
            return self._token_endpoint(segments[0], params, token, token_value or "", now)
        node_id = token.account_id if segments[0] == "me" else segments[0]
        if len(segments) > 2:
            raise errors.unknown_path("/".join(segments[2:]))
        edge = segments[1] if len(segments) == 2 else None

        def link(query: dict[str, str], path: str = "/".join([node_id, *segments[1:]])) -> str:
            pairs = [("access_token", token_value)] if token_in_url and token_value else []
            return f"{self.base_url}/{version}/{path}?{urlencode(pairs + list(query.items()))}"

        account = self.world.account(node_id)
        if account is not None:
            if account.id != token.account_id:
                raise errors.no_such_object(node_id)
            fields = nodes.parse_fields(params.get("fields"))
            ctx = self._media_context(version, now, token.login)
            render = lambda m: nodes.render_media(m, fields, ctx)  # noqa: E731
            if edge is None:
                return nodes.render_user(
                    account,
                    fields,
                    base_url=self.base_url,
                    followers=self.world.followers_now(account, now),
                    media_count=lambda: self.world.media_count(account, now),
                )
            if edge == "media":
                return listing.media_list(
                    self.world, account, params, now=now, render=render, link=link
                )
            if edge == "stories":
                return listing.stories(self.world, account, now=now, render=render)
            if edge == "insights":
                return account_insights(
                    self.world,
                    account,
                    params,
                    version=version,
                    now=now,
                    login=token.login,
                    link=link,
                )
            raise errors.nonexisting_field(edge, "IGUser")
        item = self.world.find_media(node_id, now)
        if item is None or item.account.id != token.account_id:
            raise errors.no_such_object(node_id)
        if edge == "insights":
            return media_insights(
                self.world, item, params, version=version, now=now, login=token.login
            )
        fields = nodes.parse_fields(params.get("fields"))
        ctx = self._media_context(version, now, token.login)
        if edge is None:
            return nodes.render_media(item, fields, ctx)
        if edge == "children":
            sub = fields or [nodes.Field("id")]
            return listing.children(
                self.world, item, render=lambda m: nodes.render_media(m, sub, ctx)
            )
        raise errors.nonexisting_field(edge, "IGMedia")

    def _token_endpoint(
        self, name: str, params: Mapping[str, str], token: Token, value: str, now: dt.datetime
    ) -> Any:
        if name == "debug_token":
            # graph.facebook.com/debug_token?input_token=...; the caller is the app
            if token.login != "app":
                raise errors.app_token_required()
            if not params.get("input_token"):
                raise errors.param_required("input_token")
            return self.tokens.debug(params["input_token"], now)
        if params.get("grant_type") != "ig_refresh_token":
            raise errors.invalid_param("grant_type must be ig_refresh_token")
        return self.tokens.refresh(value, now)

    def _media_context(self, version: str, now: dt.datetime, login: str) -> nodes.MediaContext:
        world = self.world

        def count(name: str) -> Any:
            return lambda m: int(world.media_values(m, now).get(name))

        def insights(item: Media, params: dict[str, str]) -> dict[str, Any]:
            return media_insights(world, item, params, version=version, now=now, login=login)

        return nodes.MediaContext(
            base_url=self.base_url,
            like_count=count("likes"),
            comments_count=count("comments"),
            children=world.children,
            insights=insights,
        )
