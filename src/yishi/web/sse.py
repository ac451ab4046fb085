"""Server-sent events: "something changed" on a matter or the board, as the log moves.

Each event's id is the log position, so a browser that reconnects (EventSource sends
``Last-Event-ID``) misses nothing. The stream ends after ``timeout`` seconds (default
five minutes) and the client reconnects: no connection lives forever. Writes made
through this process are seen at once; writes by another process on the same log
within a few seconds (the stream refreshes from the store every ``REFRESH`` polls).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from yishi.web.api import error
from yishi.web.service import Service
from yishi.web.state import WebState

POLL = 0.25  # seconds between looks at the position (no I/O: an attribute read)
REFRESH = 12  # polls between reads of the store, for writers in other processes
KEEPALIVE = 15.0  # a comment line so proxies do not drop an idle stream


async def events(request: Request) -> Response:
    web: WebState = request.app.state.web
    slug = request.path_params["community"]
    service = web.services.get(slug)
    if service is None:
        return error(404, "web_unknown_community", community=slug)
    start = request.headers.get("last-event-id") or request.query_params.get("after")
    try:
        timeout = min(3600, max(0, int(request.query_params.get("timeout", "300"))))
        after = int(start) if start is not None else None
    except ValueError:
        return error(422, "web_bad_page", field="timeout")
    matter = request.query_params.get("matter")
    if after is None:
        await run_in_threadpool(service.refresh)
        after = service.position
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(
        _stream(request, service, after, matter, timeout),
        media_type="text/event-stream",
        headers=headers,
    )


async def _stream(
    request: Request, service: Service, after: int, matter: str | None, timeout: float
) -> AsyncIterator[str]:
    ticks = time.monotonic
    yield "retry: 3000\n\n"
    deadline = ticks() + timeout
    polls, quiet = 0, ticks()
    while True:
        if service.position > after:
            after, touched = await run_in_threadpool(service.moved_since, after)
            if matter is None or matter in touched:
                data = {"position": after, "matters": touched}
                yield f"id: {after}\nevent: changed\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
                quiet = ticks()
        if ticks() >= deadline or await request.is_disconnected():
            return
        if ticks() - quiet > KEEPALIVE:
            yield ": keepalive\n\n"
            quiet = ticks()
        await asyncio.sleep(POLL)
        polls += 1
        if polls % REFRESH == 0:
            await run_in_threadpool(service.refresh)
