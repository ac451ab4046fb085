"""Who is asking: tokens, the signed-in session, a portal's signed header, plugins.

Order of trust, first match wins:

1. ``Authorization: Bearer ys_…`` — an API token from the access store.
2. A portal's signed header (``X-Yishi-Actor``, ``X-Yishi-Timestamp``,
   ``X-Yishi-Signature``), when a portal secret is configured; the same three values
   as query parameters ``actor``, ``ts``, ``sig`` for an embedded page.
3. The ``yishi_actor_from_request`` hook: a host application maps its own user.
4. The console session cookie (signed), after a sign-in with a password.

The API accepts only 1–3 for writes: a cookie never authorizes a JSON write, so a
foreign page cannot forge one (no CSRF surface). Form posts carry a synchronizer
token bound to the session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from typing import Any

import attrs
from starlette.requests import Request

from yishi.web.config import WebConfig


@attrs.frozen
class Identity:
    actor: str
    roles: frozenset[str]
    via: str  # token | portal | embed | hook | session


def portal_signature(secret: str, actor: str, timestamp: int | str) -> str:
    """HMAC-SHA256 over ``actor`` and ``timestamp`` joined by a newline, lower-case hex."""
    text = f"{actor}\n{timestamp}".encode()
    return hmac.new(secret.encode(), text, hashlib.sha256).hexdigest()


def check_portal(config: WebConfig, actor: str, timestamp: str, signature: str, now: float) -> bool:
    if config.portal_secret is None or not actor or not timestamp.isdigit():
        return False
    if abs(now - int(timestamp)) > config.portal_skew:
        return False
    expected = portal_signature(config.portal_secret, actor, timestamp)
    return hmac.compare_digest(expected, signature.lower())


def identify(
    request: Request, config: WebConfig, community: str, *, cookies: bool
) -> Identity | None:
    access = config.access
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        actor = access.actor_for_token(header[7:].strip())
        if actor is None:
            return None  # a wrong token is not silently an anonymous request
        return Identity(actor, access.roles(actor, community), "token")
    for source, via, names in (
        (request.headers, "portal", ("x-yishi-actor", "x-yishi-timestamp", "x-yishi-signature")),
        (request.query_params, "embed", ("actor", "ts", "sig")),
    ):
        actor, ts, sig = (source.get(n, "") for n in names)
        if actor and sig:
            if not check_portal(config, actor, ts, sig, config.wall()):
                return None
            return Identity(actor, _portal_roles(config, actor, community), via)
    plugins = getattr(config.communities[community].engine, "plugins", None)
    if plugins is not None:
        found = plugins.pm.hook.yishi_actor_from_request(request=request, community=community)
        if found:
            actor = found if isinstance(found, str) else str(found.get("actor", ""))
            if actor:
                roles = access.roles(actor, community) or frozenset(config.portal_roles)
                return Identity(actor, roles, "hook")
    if cookies:
        actor = request.session.get("actor") if "session" in request.scope else None
        if actor and request.session.get("community") == community:
            return Identity(actor, access.roles(actor, community), "session")
    return None


def _portal_roles(config: WebConfig, actor: str, community: str) -> frozenset[str]:
    return config.access.roles(actor, community) or frozenset(config.portal_roles)


# -- CSRF: a synchronizer token kept in the signed session ------------------------


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return str(token)


def csrf_ok(request: Request, submitted: str | None) -> bool:
    expected = request.session.get("csrf")
    if not expected or not submitted or not hmac.compare_digest(str(expected), submitted):
        return False
    # Defence in depth: a browser that names the origin must name ours.
    origin = request.headers.get("origin")
    if origin and origin != "null":
        own = f"{request.url.scheme}://{request.url.netloc}"
        return origin == own
    return origin != "null"


# -- rate limits on public submissions --------------------------------------------


class TokenBuckets:
    """One token bucket per client: ``rate`` per second, at most ``burst`` saved up."""

    def __init__(self, rate: float, burst: int, clock: Any = time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when allowed now, else the seconds to wait."""
        with self._lock:
            now = self.clock()
            tokens, then = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if len(self._buckets) > 100_000:  # forget idle clients rather than grow forever
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 3600}
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate


def client_of(request: Request, identity: Identity | None) -> str:
    if identity is not None:
        return "actor:" + identity.actor
    return "ip:" + (request.client.host if request.client else "?")
