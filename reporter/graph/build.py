"""Graph API requests as values, built before anything is sent (pure: `plan` prints them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

HOSTS = {"facebook": "https://graph.facebook.com", "instagram": "https://graph.instagram.com"}


@dataclass(frozen=True)
class Request:
    """One Graph API GET: ``path`` without a leading slash, ``params`` in a stable order."""

    path: str
    params: tuple[tuple[str, str], ...] = ()
    method: str = "GET"

    @property
    def relative_url(self) -> str:
        return f"{self.path}?{urlencode(self.params)}" if self.params else self.path


def host_for(login: str, api_base_url: str | None = None) -> str:
    return (api_base_url or HOSTS[login]).rstrip("/")


def make_request(version: str, node: str, edge: str | None = None, **params: str) -> Request:
    path = "/".join(p for p in (version, node, edge) if p)
    return Request(path, tuple((k, v) for k, v in params.items() if v != ""))


def make_profile_request(version: str, account_id: str, fields: Sequence[str]) -> Request:
    return make_request(version, account_id, fields=",".join(fields))


def make_insights_request(
    version: str, object_id: str, metrics: Sequence[str], **params: str
) -> Request:
    return make_request(version, object_id, "insights", metric=",".join(metrics), **params)


def make_edge_request(version: str, account_id: str, edge: str, **params: str) -> Request:
    return make_request(version, account_id, edge, **params)
