"""``GET /api/v1/c/<slug>/stats?from=&to=``: the ``yishi stats`` document over HTTP.

The same pure count as the command line (:class:`yishi.stats.Tally`, behind
:func:`yishi.stats.compute`), computed once per log position and period, and fed
only the records that came since the last one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yishi.clock import DEFAULT_ZONE, SystemClock
from yishi.stats import Span, Tally
from yishi.web.api import PREFIX, _json, error
from yishi.web.service import Service
from yishi.web.state import WebState


def _day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    if len(text) != 10:
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def period(
    service: Service, given: Mapping[str, str | None]
) -> Span | tuple[str, str, dict[str, str]]:
    """The period asked for (``from``/``to``, defaulting to this year where the
    community is), or (field, message code, its parameters) saying what is wrong."""
    days: dict[str, dt.date | None] = {}
    for name in ("from", "to"):
        value = given.get(name)
        try:
            days[name] = _day(value or None)
        except ValueError:
            return name, "stats_bad_date", {"option": name, "value": value or ""}
    try:
        year = service.engine.now().year
    except RuntimeError:  # an engine a host built without a clock
        year = SystemClock(_zone(service)).year
    first = days["from"] or dt.date((days["to"] or dt.date(year, 1, 1)).year, 1, 1)
    last = days["to"] or dt.date((days["from"] or dt.date(year, 1, 1)).year, 12, 31)
    if first > last:
        return "from", "stats_reversed", {"first": first.isoformat(), "last": last.isoformat()}
    return Span(first, last)


def document(service: Service, span: Span) -> dict[str, Any]:
    """The yishi-stats/1 document, once per log position and period."""

    result: dict[str, Any] = service.computed(
        ("stats", span.first, span.last), lambda s: _counting(s, span)
    )
    return result


def _counting(service: Service, span: Span) -> Callable[[], dict[str, Any]]:
    """Under the lock: what the count needs of the state. The count reads the log
    without it, in pages: only the records after the tally kept for the period,
    if one is kept, its rule sets are the state's still, and the log still holds
    the record it ended at; else the whole log (seconds on a large one)."""
    engine, log = service.engine, service.log
    rulesets, head, digest = engine.rulesets, engine.position, engine.head_hash
    key = ("stats-tally", span.first, span.last)
    start, earlier = 0, None
    kept = service.kept(key)
    if kept is not None:
        position, (at, tally) = kept
        if position <= head and tally.rulesets is rulesets and log.hash_at(position) == at:
            start, earlier = position, tally

    def work() -> dict[str, Any]:
        # a copy: another request may go on from the same kept tally meanwhile
        tally = earlier.copy() if earlier is not None else Tally(rulesets, span)
        tally.feed(s.event for s in log.between(start, head))
        service.keep(key, head, (digest, tally))
        return tally.document()

    return work


async def stats(request: Request) -> Response:
    web: WebState = request.app.state.web
    slug = request.path_params["community"]
    service = web.services.get(slug)
    if service is None:
        return error(404, "web_unknown_community", community=slug)
    span = period(service, request.query_params)
    if not isinstance(span, Span):
        field, code, params = span
        return error(422, code, field=field, **params)
    body = await run_in_threadpool(
        service.computed,
        ("stats-json", span.first, span.last),
        lambda s: lambda: _json(document(s, span)),
    )
    return Response(body, media_type="application/json")


async def stats_page(request: Request) -> Response:
    """The same figures as a table for staff, with the period's fields."""
    from yishi.i18n import message
    from yishi.stats_output import DEFINITIONS, ROWS, cell
    from yishi.web.pages import Page, staff_only

    web: WebState = request.app.state.web
    if request.path_params["community"] not in web.services:
        return error(404, "web_unknown_community", community=request.path_params["community"])
    page = Page(request)
    refused = staff_only(page)
    if refused is not None:
        return refused
    values = {k: request.query_params.get(k, "") for k in ("from", "to")}
    span = period(page.service, values)
    errors: dict[str, str] = {}
    data: dict[str, Any] | None = None
    if isinstance(span, Span):
        data = await run_in_threadpool(document, page.service, span)
    else:
        field, code, params = span
        errors[field] = message(code, page.lang, **params)
    rows: list[list[str]] = []
    columns: list[str] = []
    bodies: list[list[str]] = []
    if data is not None:
        councils = data["councils"]
        figures = [c["figures"] for c in councils] + [data["total"]["figures"]]
        columns = [c["name"][page.lang] for c in councils]
        for group, figure, rate_key, zh, en in ROWS:
            label = en if page.lang == "en" else zh
            rows.append([label, *(cell(f[group], figure, rate_key, page.lang) for f in figures)])
        bodies = [
            [c["name"][page.lang], b["name"][page.lang], *map(str, b["meetings"].values())]
            for c in councils
            for b in c["bodies"]
        ]
    return page.render(
        "stats.html.j2",
        400 if errors else 200,
        values=values,
        errors=errors,
        general=[],
        period=data["period"] if data else None,
        columns=columns,
        rows=rows,
        bodies=bodies,
        definitions=DEFINITIONS[1] if page.lang == "en" else DEFINITIONS[0],
    )


def _zone(service: Service) -> str:
    # the rule sets as declared: ``engine.rulesets`` reads the state, and this runs
    # on the event loop, without the lock (the groups rename bodies, not the zone)
    rulesets = list(service.engine.declared.values())
    return rulesets[0].timezone if rulesets else DEFAULT_ZONE


ROUTES = [Route(PREFIX + "/stats", stats), Route("/c/{community}/stats", stats_page)]
