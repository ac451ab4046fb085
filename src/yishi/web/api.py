"""The JSON API: one POST per command, GETs for the queries. The engine decides; this
module only translates HTTP into commands and refusals into responses."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yishi.domain import commands as cmd
from yishi.domain.errors import Refusal
from yishi.domain.evidence import Evidence
from yishi.i18n import message
from yishi.publish.code import normalise_code
from yishi.web import queries
from yishi.web.auth import Identity, client_of, identify
from yishi.web.person_fields import ids_named, without_ids
from yishi.web.policy import PUBLIC, refuse
from yishi.web.schema import COMMANDS, FieldErrors, body_fields, from_json
from yishi.web.state import WebState
from yishi.web.words import localized

security = logging.getLogger("yishi.web.security")

# Refusals that say "not you" rather than "not now".
FORBIDDEN_CODES = {"not_authorized", "not_a_recorder"}
MAX_LIMIT = 200
# Refusals that quote no value but are plainly about one field.
IMPLIED_FIELDS = {
    "title_required": "title",
    "reason_required": "reason",
    "approval_required": "approval",
    "notice_too_short": "date",
}


def lang_of(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in ("zh", "en"):
        return asked
    if asked:  # an unknown language: the reader's own, not an error on a page they follow
        return "zh"
    accept = request.headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "zh"


def error(
    status: int, code: str, *, field: str | None = None, rule: str = "", **params: Any
) -> JSONResponse:
    body: dict[str, Any] = {
        "code": code,
        "rule": rule,
        "message": {
            lang: message(code, lang, **localized({**params, "field": field or ""}, lang))
            for lang in ("zh", "en")
        },
    }
    if field is not None:
        body["field"] = field
    return JSONResponse({"error": body}, status_code=status)


def refusal_response(refusal: Refusal, command: cmd.Command) -> JSONResponse:
    body = refusal.as_dict()
    field = refusal_field(refusal, command)
    if field is not None:
        body["field"] = field
    # 422 is kept for requests that do not match the document; whatever the engine
    # refuses about a well-formed request (an unknown id included) is a 409.
    if refusal.code in FORBIDDEN_CODES:
        status = 403
    elif refusal.code == "busy":
        status = 503
    else:
        status = 409
    return JSONResponse({"error": body}, status_code=status)


def refusal_field(refusal: Refusal, command: cmd.Command) -> str | None:
    """The request field a refusal is about: a parameter named like a field, else the
    field whose value the refusal quotes."""
    names = [f.name for f in body_fields(type(command))]
    implied = IMPLIED_FIELDS.get(refusal.code)
    if implied in names:
        return implied
    for key in refusal.params:
        if key in names:
            return key
    quoted = {str(v) for v in refusal.params.values() if isinstance(v, str | int)}
    for name in names:
        value = getattr(command, name)
        if isinstance(value, str | int) and str(value) in quoted:
            return name
    if "field" in refusal.params and str(refusal.params["field"]) in names:
        return str(refusal.params["field"])
    return None


async def _body(request: Request, web: WebState) -> tuple[Any, list[tuple[bytes, str, str, str]]]:
    """The command's JSON and any uploaded evidence files (bytes, name, type, note)."""
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        async with request.form(
            max_files=20, max_fields=50, max_part_size=web.config.max_upload
        ) as form:
            raw = form.get("command")
            data = json.loads(raw) if isinstance(raw, str) else {}
            return data, await uploads(form)
    raw_bytes = await request.body()
    return json.loads(raw_bytes or b"null"), []


async def uploads(form: Any) -> list[tuple[bytes, str, str, str]]:
    """The files of a form post, each with the note given beside it, in order."""
    notes = [str(n) for n in form.getlist("note")]
    files = []
    for i, upload in enumerate(form.getlist("evidence")):
        if isinstance(upload, UploadFile):
            content = await upload.read()
            if content:
                note = notes[i] if i < len(notes) else ""
                files.append((content, upload.filename or "file", upload.content_type or "", note))
    return files


def store_evidence(engine: Any, files: list[tuple[bytes, str, str, str]]) -> tuple[Evidence, ...]:
    """Keep the files beside the log, by content. A refused command leaves them unreferenced,
    which verify ignores; the same photo sent again is stored once."""
    store = getattr(engine.store, "evidence", None)
    if store is None:
        raise ValueError("this log keeps no evidence files")
    return tuple(
        store.put_bytes(
            data, name.replace("/", "_").replace("\\", "_")[:200], kind or None, note[:500]
        )
        for data, name, kind, note in files
    )


async def execute(request: Request) -> Response:
    web: WebState = request.app.state.web
    slug = request.path_params["community"]
    name = request.path_params["command"]
    service = web.services.get(slug)
    if service is None:
        return error(404, "web_unknown_community", community=slug)
    cls = COMMANDS.get(name)
    if cls is None:
        return error(404, "unknown_command", command=name)
    identity = identify(request, web.config, slug, cookies=False)
    if identity is None:
        security.info("unauthenticated write %s %s", slug, name)
        response = error(401, "web_sign_in")
        response.headers["WWW-Authenticate"] = 'Bearer realm="yishi"'
        return response
    try:
        data, files = await _body(request, web)
    except (MultiPartException, HTTPException) as exc:  # Starlette wraps the first in the second
        detail = getattr(exc, "message", None) or getattr(exc, "detail", "")
        return error(400, "web_bad_form", detail=str(detail))
    except (ValueError, UnicodeDecodeError):
        return error(400, "web_bad_json", field="$")
    return await run_command(request, web, slug, cls, data, files, identity)


async def run_command(
    request: Request,
    web: WebState,
    slug: str,
    cls: type[cmd.Command],
    data: Any,
    files: list[tuple[bytes, str, str, str]],
    identity: Identity,
) -> JSONResponse:
    status, body, headers = await submit(request, web, slug, cls, data, files, identity)
    return JSONResponse(body, status_code=status, headers=headers)


async def submit(
    request: Request,
    web: WebState,
    slug: str,
    cls: type[cmd.Command],
    data: Any,
    files: list[tuple[bytes, str, str, str]],
    identity: Identity,
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Check, gate, rate-limit and execute one command: (status, JSON body, headers).
    Shared by the API and the pages, so both refuse in the same words."""
    service = web.services[slug]
    try:
        command = from_json(cls, data, actor=identity.actor)
    except FieldErrors as exc:
        body = exc.errors[0].as_dict()
        errors = [e.as_dict() for e in exc.errors]
        return 422, {"error": {**body, "rule": "", "errors": errors}}, {}
    gate = refuse(command, identity.roles, identity.via)
    if gate is not None:
        code, params = gate
        security.warning(
            "refused %s %s by %r (%s): %s", slug, cls.__name__, identity.actor, identity.via, code
        )
        return _err(403, code, **params)
    if isinstance(command, PUBLIC):
        wait = web.buckets.take(client_of(request, identity))
        if wait:
            seconds = int(wait) + 1
            status, body, _ = _err(429, "web_slow_down", seconds=seconds)
            return status, body, {"Retry-After": str(seconds)}
    key = request.headers.get("idempotency-key")
    if key is not None and not 0 < len(key) <= 200:
        return _err(422, "web_bad_key", field="Idempotency-Key")
    if files:
        try:
            evidence = store_evidence(service.engine, files)
        except ValueError:
            return _err(422, "web_no_evidence_store", field="evidence")
        command = type(command)(**{**_fields(command), "evidence": evidence})
    scoped = f"web:{identity.actor}:{key}" if key else None
    try:
        events = await run_in_threadpool(service.execute, command, scoped)
    except Refusal as refusal:
        security.info(
            "engine refused %s %s by %r: %s", slug, cls.__name__, identity.actor, refusal.code
        )
        response = refusal_response(refusal, command)
        body = json.loads(bytes(response.body))
        body["error"].update(await run_in_threadpool(service.read, lambda s: _people(s, body)))
        return response.status_code, body, {}
    body = {"position": service.position, "events": [e.to_dict() for e in events]}
    return 201, body, {"Location": f"/api/v1/c/{slug}/board"}


def _people(service: Any, body: dict[str, Any]) -> dict[str, Any]:
    """The engine names a person 姓名（id）, for whoever wrote a scenario file. A
    resident, or a portal's user, reads the name alone, told apart as the console's
    forms tell them apart; the ids go to ``people``, for the portal itself."""
    state, said = service.engine.state, body["error"]["message"]
    found: dict[str, Any] = {
        "message": {lang: without_ids(state, text) for lang, text in said.items()}
    }
    ids = ids_named(state, said["zh"])
    return {**found, "people": ids} if ids else found


def _err(
    status: int, code: str, *, field: str | None = None, **params: Any
) -> tuple[int, dict[str, Any], dict[str, str]]:
    response = error(status, code, field=field, **params)
    return status, json.loads(bytes(response.body)), {}


def _fields(command: cmd.Command) -> dict[str, Any]:
    import attrs

    return {f.name: getattr(command, f.name) for f in attrs.fields(type(command))}


# -- queries ----------------------------------------------------------------------


def _json(value: Any) -> bytes:
    """As JSONResponse renders it, once per log position rather than per request."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def _page(request: Request, items: list[Any]) -> Response:
    try:
        limit = int(request.query_params.get("limit", "50"))
        start = int(request.query_params.get("cursor", "0"))
    except ValueError:
        return error(422, "web_bad_page", field="limit")
    if not 1 <= limit <= MAX_LIMIT or start < 0:
        return error(422, "web_bad_page", field="limit")
    chunk = items[start : start + limit]
    following = start + limit if start + limit < len(items) else None
    body = {
        "items": chunk,
        "total": len(items),
        "next": str(following) if following is not None else None,
    }
    response = JSONResponse(body)
    if following is not None:
        url = request.url.include_query_params(cursor=following, limit=limit)
        response.headers["Link"] = f'<{url}>; rel="next"'
    return response


def query(
    view: Callable[..., Any], *, paged: bool = False, etag: bool = False, key: str = ""
) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        web: WebState = request.app.state.web
        slug = request.path_params["community"]
        service = web.services.get(slug)
        if service is None:
            return error(404, "web_unknown_community", community=slug)
        lang = lang_of(request)
        ident = request.path_params.get(key) if key else None

        def run(s: Any) -> Any:
            if ident is not None:
                return view(s, ident, lang)
            return view(s, lang)

        def tagged(s: Any) -> tuple[str, bytes]:
            # the tag of the position the body shows, both read under the lock
            return s.etag, _json(run(s))

        cache_key = (view.__name__, ident, lang)
        if not paged:
            json_key = (*cache_key, "tagged" if etag else "json")
            found = service.peek(json_key)
            if found is None:
                try:
                    found = await run_in_threadpool(
                        service.cached, json_key, tagged if etag else lambda s: _json(run(s))
                    )
                except KeyError:
                    params: dict[str, Any] = {key or "id": ident}
                    return error(404, f"unknown_{key}" if key else "web_not_found", **params)
            if not etag:
                return Response(found, media_type="application/json")
            tag, body = found
            if request.headers.get("if-none-match") == tag:
                return Response(status_code=304, headers={"ETag": tag})
            headers = {"ETag": tag, "Cache-Control": "no-cache"}
            return Response(body, media_type="application/json", headers=headers)
        try:
            result = service.peek(cache_key)
            if result is None:
                result = await run_in_threadpool(service.cached, cache_key, run)
        except KeyError:
            missing: dict[str, Any] = {key or "id": ident}
            return error(404, f"unknown_{key}" if key else "web_not_found", **missing)
        return _page(request, result)

    return endpoint


async def verify(request: Request) -> Response:
    web: WebState = request.app.state.web
    slug = request.path_params["community"]
    service = web.services.get(slug)
    if service is None:
        return error(404, "web_unknown_community", community=slug)
    code = normalise_code(request.query_params.get("code", ""))
    if code is None:
        return error(422, "web_bad_code", field="code")
    found = await run_in_threadpool(service.read, lambda s: queries.verify_code(s, code))
    return JSONResponse({"code": code, "found": found})


async def me(request: Request) -> Response:
    web: WebState = request.app.state.web
    slug = request.path_params["community"]
    if slug not in web.services:
        return error(404, "web_unknown_community", community=slug)
    identity = identify(request, web.config, slug, cookies=False)
    if identity is None:
        return error(401, "web_sign_in")
    return JSONResponse(
        {"actor": identity.actor, "roles": sorted(identity.roles), "via": identity.via}
    )


PREFIX = "/api/v1/c/{community}"

ROUTES = [
    Route(PREFIX + "/commands/{command}", execute, methods=["POST"]),
    Route(PREFIX + "/matters", query(queries.matters, paged=True)),
    Route(PREFIX + "/matters/{matter}", query(queries.matter_detail, key="matter")),
    Route(
        PREFIX + "/matters/{matter}/timeline",
        query(queries.matter_timeline, paged=True, key="matter"),
    ),
    Route(PREFIX + "/suggestions/{suggestion}", query(queries.suggestion, key="suggestion")),
    Route(PREFIX + "/disclosures", query(queries.disclosures, paged=True)),
    Route(PREFIX + "/disclosures/{disclosure}", query(queries.disclosure, key="disclosure")),
    Route(PREFIX + "/board", query(queries.board, etag=True)),
    Route(PREFIX + "/verify", verify),
    Route(PREFIX + "/me", me),
]
