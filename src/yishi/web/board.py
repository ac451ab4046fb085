"""The public board (公开栏) served live: the static site of publish/site.py, rendered
from the log once per position and kept in memory; ETag is the log's head."""

from __future__ import annotations

import functools
import mimetypes
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from yishi.web.api import error, lang_of
from yishi.web.state import WebState


async def board_file(request: Request) -> Response:
    web: WebState = request.app.state.web
    slug = request.path_params["community"]
    service = web.services.get(slug)
    if service is None:
        return error(404, "web_unknown_community", community=slug)
    path = request.path_params.get("path") or "index.html"
    lang, path = board_path(path)
    if lang == "zh" and lang_of(request) == "en":
        # ?lang=en (or an English browser) on a Chinese page: its English counterpart
        return RedirectResponse(request.url_for("board", community=slug, path=f"en/{path}"), 307)
    hit = service.peek_board(lang)  # the usual case: no thread, no lock, no I/O
    tag, files = hit if hit is not None else await run_in_threadpool(service.board, lang)
    tag = f'{tag[:-1]}-{lang}"'
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag})
    body = files.get(path)
    if body is None:
        return error(404, "web_not_found", id=path)
    return Response(
        body, media_type=media_type(path), headers={"ETag": tag, "Cache-Control": "no-cache"}
    )


def board_path(path: str) -> tuple[str, str]:
    """The language and the page of a board path: the English board is under ``en/``."""
    if path.startswith("en/"):
        return "en", path[3:] or "index.html"
    return "zh", path


@functools.lru_cache(maxsize=256)
def media_type(path: str) -> str:
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if path.endswith(".atom"):
        kind = "application/atom+xml"
    if kind.startswith("text/") or kind.endswith(("json", "xml")):
        kind += "; charset=utf-8"
    return kind


class BoardFastPath:
    """The board's pages straight from memory, ahead of the middleware and router.

    The board is rendered once per log position (``Service.board``); most requests
    then ask for bytes already in memory, and the session, CORS and routing layers
    around them cost more than the answer. A plain GET for a current page is
    answered here with the same headers the full stack gives (ETag, Cache-Control,
    and the security headers of ``security(path)``); anything else — a cross-origin
    request, a stale or missing page, a method other than GET — goes on to the app.
    """

    def __init__(
        self, app: ASGIApp, web: WebState, security: Callable[[str], list[tuple[bytes, bytes]]]
    ) -> None:
        self.app = app
        self.web = web
        self.security = security

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope.get("root_path"):
            answered = await self._answer(scope, send)
            if answered:
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, send: Send) -> bool:
        parts = scope["path"].split("/", 4)
        if len(parts) != 5 or parts[1] != "c" or parts[3] != "board" or not parts[4]:
            return False
        service = self.web.services.get(parts[2])
        if service is None:
            return False
        headers = dict(scope["headers"])
        if b"origin" in headers or scope["query_string"]:
            return False  # CORS decides what a cross-origin reader sees; ?lang= redirects
        lang, page = board_path(parts[4])
        if lang == "zh" and headers.get(b"accept-language", b"").lower().startswith(b"en"):
            return False  # an English browser is sent to the English board
        hit = service.peek_board(lang)
        if hit is None:
            return False
        tag, files = hit
        body = files.get(page)
        if body is None:
            return False
        etag = f'{tag[:-1]}-{lang}"'.encode()
        common = [(b"etag", etag), (b"cache-control", b"no-cache"), *self.security(scope["path"])]
        if headers.get(b"if-none-match") == etag:
            await send({"type": "http.response.start", "status": 304, "headers": common})
            await send({"type": "http.response.body", "body": b""})
            return True
        start = [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", media_type(page).encode()),
            *common,
        ]
        await send({"type": "http.response.start", "status": 200, "headers": start})
        await send({"type": "http.response.body", "body": body})
        return True


async def board_root(request: Request) -> Response:
    return RedirectResponse(
        request.url_for("board", community=request.path_params["community"], path="index.html"), 308
    )


ROUTES = [
    Route("/c/{community}/board", board_root),
    Route("/c/{community}/board/{path:path}", board_file, name="board"),
]
