"""The public board (公开栏) served live: the static site of publish/site.py, rendered
from the log once per position and kept in memory; ETag is the log's head."""

from __future__ import annotations

import mimetypes

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from yishi.web.api import error, lang_of
from yishi.web.state import WebState


async def board_file(request: Request) -> Response:
    web: WebState = request.app.state.web
    slug = request.path_params["community"]
    service = web.services.get(slug)
    if service is None:
        return error(404, "web_unknown_community", community=slug)
    path = request.path_params.get("path") or "index.html"
    lang = lang_of(request)
    hit = service.peek_board(lang)  # the usual case: no thread, no lock, no I/O
    tag, files = hit if hit is not None else await run_in_threadpool(service.board, lang)
    tag = f'{tag[:-1]}-{lang}"'
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag})
    body = files.get(path)
    if body is None:
        return error(404, "web_not_found", id=path)
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if path.endswith(".atom"):
        kind = "application/atom+xml"
    if kind.startswith("text/") or kind.endswith(("json", "xml")):
        kind += "; charset=utf-8"
    return Response(body, media_type=kind, headers={"ETag": tag, "Cache-Control": "no-cache"})


async def board_root(request: Request) -> Response:
    return RedirectResponse(
        request.url_for("board", community=request.path_params["community"], path="index.html"), 308
    )


ROUTES = [
    Route("/c/{community}/board", board_root),
    Route("/c/{community}/board/{path:path}", board_file, name="board"),
]
