"""What an operator configures: communities, secrets, who may frame the board, CORS."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping

import attrs

from yishi.engine import Engine
from yishi.web.access import AccessStore


@attrs.frozen(kw_only=True)
class Community:
    """One community's log, served under ``/c/<slug>/``."""

    slug: str
    engine: Engine
    name: str = ""  # empty: the name the log records, else 本社区
    # Origins allowed to put this community's board in an iframe (CSP frame-ancestors);
    # empty: only this site itself.
    frame_ancestors: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class WebConfig:
    communities: Mapping[str, Community]
    access: AccessStore = attrs.field(factory=AccessStore)
    # Signs session cookies and CSRF tokens. A fresh random key per process unless
    # given: sessions then end on restart, which is safe, never silently shared.
    secret_key: str = attrs.field(factory=lambda: secrets.token_urlsafe(32))
    # Shared with a portal in front (signed-header and embed modes); None: mode off.
    portal_secret: str | None = None
    portal_skew: int = 300  # seconds a portal's signature stays good, either way
    portal_roles: tuple[str, ...] = ("resident",)  # roles of a portal user with no grant
    cors_origins: tuple[str, ...] = ()  # origins whose scripts may call the JSON API
    https_only: bool = False  # Secure cookies; set behind TLS
    rate: float = 0.5  # public submissions per second per client, refilled
    burst: int = 10  # and how many at once
    lang: str = "zh"
    max_upload: int = 20 * 1024 * 1024  # bytes per evidence file
    # Security timing (signature age, rate buckets, cache freshness), never procedure
    # time: deadlines are the engine's clock's. Replaceable in tests.
    wall: Callable[[], float] = time.time
    ticks: Callable[[], float] = time.monotonic

    def community(self, slug: str) -> Community | None:
        return self.communities.get(slug)
