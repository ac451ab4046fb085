"""API reads of one matter, suggestion or notice straight from memory.

``api.query`` keeps each view's JSON once per log position (``Service.cached``).
A plain ``GET`` whose JSON is current is answered here, ahead of the session,
CORS and routing layers, with the bytes and headers the full stack gives; the
rest (a cross-origin request, credentials, any query but ``lang``, a view not
computed yet or older than the freshness window, an unknown id) goes on to the
application, which answers as it always has. Like ``board.BoardFastPath``.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from yishi.web import queries
from yishi.web.state import WebState

# The path's collection -> the view ``api.query`` caches it under.
VIEWS = {
    "matters": queries.matter_detail.__name__,
    "suggestions": queries.suggestion.__name__,
    "disclosures": queries.disclosure.__name__,
}


class ReadFastPath:
    def __init__(
        self, app: ASGIApp, web: WebState, security: Callable[[str], list[tuple[bytes, bytes]]]
    ) -> None:
        self.app = app
        self.web = web
        self.security = security

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope.get("root_path"):
            body = self._cached(scope)
            if body is not None:
                headers = [
                    (b"content-length", str(len(body)).encode()),
                    (b"content-type", b"application/json"),
                    *self.security(scope["path"]),
                ]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    def _cached(self, scope: Scope) -> bytes | None:
        # /api/v1/c/<slug>/<collection>/<id>
        parts = scope["path"].split("/")
        if len(parts) != 7 or parts[1] != "api" or parts[2] != "v1" or parts[3] != "c":
            return None
        view = VIEWS.get(parts[5])
        service = self.web.services.get(parts[4])
        if view is None or service is None or not parts[6]:
            return None
        headers = dict(scope["headers"])
        if b"origin" in headers or b"authorization" in headers:
            return None
        lang = _lang(scope["query_string"], headers.get(b"accept-language", b""))
        if lang is None:
            return None
        body = service.peek((view, parts[6], lang, "json"))
        return body if isinstance(body, bytes) else None


def _lang(query: bytes, accept: bytes) -> str | None:
    """The language ``api.lang_of`` would choose; None for a query left to the app."""
    if query:
        return query[5:].decode() if query in (b"lang=zh", b"lang=en") else None
    return "en" if accept.lower().startswith(b"en") else "zh"
