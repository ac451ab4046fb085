"""``GET /api/v1/c/<slug>/stats?from=&to=``: the ``yishi stats`` document over HTTP.

The same pure :func:`yishi.stats.compute` as the command line, over the records
the service already keeps, computed once per log position and period.
"""

from __future__ import annotations

import datetime as dt

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yishi.clock import DEFAULT_ZONE, SystemClock
from yishi.stats import Span, compute
from yishi.web.api import PREFIX, _json, error
from yishi.web.service import Service
from yishi.web.state import WebState


def _day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    if len(text) != 10:
        raise ValueError(text)
    return dt.date.fromisoformat(text)


async def stats(request: Request) -> Response:
    web: WebState = request.app.state.web
    slug = request.path_params["community"]
    service = web.services.get(slug)
    if service is None:
        return error(404, "web_unknown_community", community=slug)
    days: dict[str, dt.date | None] = {}
    for name in ("from", "to"):
        value = request.query_params.get(name)
        try:
            days[name] = _day(value)
        except ValueError:
            return error(422, "stats_bad_date", field=name, option=name, value=value)
    try:
        year = service.engine.now().year
    except RuntimeError:  # an engine a host built without a clock
        year = SystemClock(_zone(service)).year
    first = days["from"] or dt.date((days["to"] or dt.date(year, 1, 1)).year, 1, 1)
    last = days["to"] or dt.date((days["from"] or dt.date(year, 1, 1)).year, 12, 31)
    if first > last:
        return error(
            422, "stats_reversed", field="from", first=first.isoformat(), last=last.isoformat()
        )
    span = Span(first, last)

    def view(s: Service) -> bytes:
        events = (stored.event for stored in s.records)
        return _json(compute(events, s.engine.rulesets, span))

    body = await run_in_threadpool(service.cached, ("stats", first, last), view)
    return Response(body, media_type="application/json")


def _zone(service: Service) -> str:
    rulesets = list(service.engine.rulesets.values())
    return rulesets[0].timezone if rulesets else DEFAULT_ZONE


ROUTES = [Route(PREFIX + "/stats", stats)]
