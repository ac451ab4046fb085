"""The baseline for bench/web.py: a bare Starlette endpoint that answers the same bytes."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def app() -> Starlette:
    body = Path(os.environ["BARE_BODY"]).read_bytes()
    kind = os.environ.get("BARE_TYPE", "text/html; charset=utf-8")

    async def endpoint(request: Request) -> Response:
        return Response(body, media_type=kind)

    return Starlette(routes=[Route("/{path:path}", endpoint)])
