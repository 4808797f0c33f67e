"""Where pictures may be fetched from: Meta's media CDN over https, or exactly the sandbox.

A ``media_url``, ``thumbnail_url`` or ``profile_picture_url`` is a URL Meta hands us, but it
sits next to text anyone can write, and a fetch runs unattended: a picture is fetched only from
the hosts below, never through a redirect, with its size and its time bounded (client.py).

Meta serves these URLs from its CDN hosts ``scontent*.cdninstagram.com`` and
``scontent*.xx.fbcdn.net``; sources, responses recorded by real clients: Meta's oEmbed
reference ("thumbnail_url": "https://scontent.cdninstagram.com/v/t51.288..."), the Graph API
``/{ig-user-id}/media`` answers in public code ("media_url":
"https://scontent-dfw5-1.cdninstagram.com/o1/v/t2/...", "thumbnail_url":
"https://scontent-lax3-2.cdninstagram.com/v/t51.71878-15/...") and Meta's Graph API answers
for creatives and profile pictures ("https://scontent.xx.fbcdn.net/v/t45.1600-4/...").
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

# Host suffixes of Meta's media CDN (https only); see the module docstring for the sources.
META_CDN: tuple[str, ...] = (".cdninstagram.com", ".fbcdn.net")


@dataclass(frozen=True)
class MediaHosts:
    """The https host suffixes a picture may come from, and exact origins (scheme, host and
    port, e.g. the sandbox's ``http://127.0.0.1:PORT``) allowed as they are."""

    suffixes: tuple[str, ...] = META_CDN
    origins: tuple[str, ...] = ()

    @classmethod
    def only(cls, base_url: str) -> MediaHosts:
        """Exactly one origin (the sandbox's own base URL), nothing else."""
        parts = urlsplit(base_url)
        return cls(suffixes=(), origins=(f"{parts.scheme}://{parts.netloc}".lower(),))

    def allows(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            origin = f"{parts.scheme}://{parts.netloc}".lower()
        except ValueError:
            return False
        if parts.username is not None or parts.password is not None:
            return False
        if origin in self.origins:
            return True
        return parts.scheme == "https" and any(host.endswith(s) for s in self.suffixes)
