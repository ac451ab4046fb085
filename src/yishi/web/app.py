"""The ASGI application: ``create_app(engine)`` for a host, ``yishi serve`` on its own."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yishi.engine import Engine
from yishi.web import api, board, embed, pages, sse, stats
from yishi.web.config import Community, WebConfig
from yishi.web.fast_reads import ReadFastPath
from yishi.web.openapi import document
from yishi.web.state import WebState

# Pages carry no script of their own; styles come from this site only.
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"


def create_app(
    engines: Engine | Mapping[str, Engine | Community],
    config: WebConfig | None = None,
    **options: Any,
) -> Starlette:
    """The web application over one engine (community ``main``) or several by slug.

    ``options`` are :class:`WebConfig` fields (``portal_secret``, ``cors_origins`` …)
    used when no ``config`` is given. A host application mounts the result
    (``Mount("/yishi", app=create_app(engine))``) or serves it as it is."""
    if config is None:
        given = {"main": engines} if isinstance(engines, Engine) else dict(engines)
        communities = {
            slug: c if isinstance(c, Community) else Community(slug=slug, engine=c)
            for slug, c in given.items()
        }
        config = WebConfig(communities=communities, **options)
    web = WebState.build(config)

    async def openapi(request: Request) -> Response:
        return JSONResponse(request.app.state.openapi)

    async def root(request: Request) -> Response:
        if len(config.communities) == 1:
            return RedirectResponse(
                request.url_for("home", community=next(iter(config.communities))), 303
            )
        return pages.communities(request)

    routes = [
        Route("/", root),
        Route("/openapi.json", openapi),
        Route("/healthz", lambda r: JSONResponse({"ok": True})),
        Route("/api/v1/c/{community}/events", sse.events),
        *api.ROUTES,
        *stats.ROUTES,
        *embed.ROUTES,
        *board.ROUTES,
        *pages.ROUTES,
    ]
    middleware = [
        # current board pages and API reads from memory, before the layers below (bench/web.py)
        Middleware(board.BoardFastPath, web=web, security=security_headers(config)),
        Middleware(ReadFastPath, web=web, security=security_headers(config)),
        Middleware(SecurityHeaders, config=config),
        Middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"],
            expose_headers=["ETag", "Link", "Retry-After", "Location"],
            allow_credentials=False,  # the API takes tokens, never cookies
        ),
        Middleware(
            SessionMiddleware,
            secret_key=config.secret_key,
            session_cookie="yishi_session",
            max_age=8 * 3600,
            same_site="lax",
            https_only=config.https_only,
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={500: _crash})
    app.state.web = web
    app.state.openapi = document()
    return app


async def _crash(request: Request, exc: Exception) -> Response:
    """A 5xx names an error id for the log, never a stack trace (T20)."""
    import logging
    import secrets

    error_id = secrets.token_hex(6)
    logging.getLogger("yishi.web").exception("error %s on %s", error_id, request.url.path)
    body = {
        "error": {
            "code": "web_internal",
            "rule": "",
            "message": {
                "zh": f"服务器内部错误（编号 {error_id}）",
                "en": f"internal error (id {error_id})",
            },
        }
    }
    return JSONResponse(body, status_code=500)


class SecurityHeaders:
    """CSP on every response; ``frame-ancestors`` from the community's configuration on
    its public and resident pages, ``'none'`` on the console and everything else."""

    def __init__(self, app: ASGIApp, config: WebConfig) -> None:
        self.app = app
        self.headers = security_headers(config)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = self.headers(scope["path"])

        async def send_with(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, send_with)


def security_headers(config: WebConfig) -> Callable[[str], list[tuple[bytes, bytes]]]:
    """The security headers of a response to ``path``."""
    frames: dict[str, str] = {}
    for slug, community in config.communities.items():
        frames[slug] = " ".join(["'self'", *community.frame_ancestors])

    def headers(path: str) -> list[tuple[bytes, bytes]]:
        ancestors = "'none'"
        parts = path.split("/")
        community = len(parts) > 2 and parts[1] == "c" and parts[2] in frames
        private = len(parts) > 3 and parts[3] in ("console", "signin")
        if community and not private:
            ancestors = frames[parts[2]]
        return [
            (b"content-security-policy", f"{CSP}; frame-ancestors {ancestors}".encode()),
            (b"x-content-type-options", b"nosniff"),
            # an embed URL carries a portal signature: never send it to another
            # site ("no-referrer" would also make browsers send Origin: null on
            # our own form posts, which the CSRF check refuses)
            (b"referrer-policy", b"same-origin"),
        ]

    return headers


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
