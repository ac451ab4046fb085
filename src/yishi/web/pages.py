"""Pages for residents and staff: server-rendered, Chinese first, no JavaScript.

Every form posts to the same checks as the API (``api.submit``); a refusal is shown in
words next to the field it names, or above the form when it names none.
"""

from __future__ import annotations

import secrets
import urllib.parse
from pathlib import Path
from typing import Any

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from yishi.domain import commands as cmd
from yishi.web import queries
from yishi.web.api import lang_of, submit, uploads
from yishi.web.auth import Identity, csrf_ok, csrf_token, identify
from yishi.web.console import console_view, fixed_fields
from yishi.web.console_forms import with_new_id
from yishi.web.forms import fields_of, to_json
from yishi.web.person_fields import Unresolved, to_people
from yishi.web.schema import COMMANDS
from yishi.web.state import WebState
from yishi.web.words import COMMANDS as COMMAND_WORDS
from yishi.web.words import label, words

HERE = Path(__file__).parent
_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("yishi.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
EMBED_PARAMS = ("actor", "ts", "sig")
STAFF_ROLES = {"staff", "registrar"}


class Page:
    """What every page needs: the community, the language, who is asking, the embed carry."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.web: WebState = request.app.state.web
        self.slug: str = request.path_params["community"]
        self.service = self.web.services[self.slug]
        self.lang = lang_of(request)
        self.identity: Identity | None = identify(request, self.web.config, self.slug, cookies=True)
        carry = {k: request.query_params[k] for k in EMBED_PARAMS if k in request.query_params}
        if self.lang == "en":
            carry["lang"] = "en"
        self.carry = carry

    def url(self, path: str, **query: str) -> str:
        params = {**self.carry, **query}
        base = f"{self.request.scope.get('root_path', '')}/c/{self.slug}/{path}"
        return base + ("?" + urllib.parse.urlencode(params) if params else "")

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        w = words(self.lang)
        csrf = csrf_token(self.request) if "session" in self.request.scope else ""
        html = _ENV.get_template(template).render(
            w=w,
            lang=self.lang,
            page=self,
            community=self.service.name,
            identity=self.identity,
            # the person's name, never the account id
            who=self.service.person_name(self.identity.actor) if self.identity else "",
            csrf=csrf,
            root=self.request.scope.get("root_path", ""),
            **context,
        )
        return HTMLResponse(html, status_code=status)

    def checks_form(self, form: FormData) -> bool:
        """A cookie session's form must carry its CSRF token; a portal-signed embed
        carries no cookie, so there is nothing a foreign page could ride on."""
        if self.identity is None or self.identity.via != "session":
            return True
        token = form.get("csrf")
        return csrf_ok(self.request, token if isinstance(token, str) else None)


def _errors(body: dict[str, Any], lang: str) -> tuple[dict[str, str], list[str]]:
    """Refusal messages by field, and those that name no field we show."""
    error = body.get("error", {})
    by_field: dict[str, str] = {}
    general: list[str] = []
    for item in error.get("errors") or [error]:
        text = item["message"]["en" if lang == "en" else "zh"]
        field = item.get("field")
        if field:
            by_field.setdefault(field.split(".")[0], text)
        else:
            general.append(text)
    return by_field, general


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


# -- residents ------------------------------------------------------------------


async def home(request: Request) -> Response:
    page = Page(request)

    def view(s: Any) -> dict[str, Any]:
        board = queries.board(s, page.lang)
        to_rate = [
            m
            for m in queries.matters(s, page.lang)
            if m["status"] == "in_progress" and _stage_kind(s, m["id"]) == "evaluation"
        ]
        return {"board": board, "to_rate": to_rate}

    data = await run_in_threadpool(page.service.cached, ("home", page.lang), view)
    return page.render("home.html.j2", **data)


def _stage_kind(service: Any, matter_id: str) -> str:
    matter = service.engine.state.matters[matter_id]
    ruleset = service.engine.rulesets[matter.procedure]
    for stage in ruleset.stages:
        if stage.id == matter.stage:
            # a plugin's stage kind runs as one of the six built-in behaviours
            return str(stage.kind_spec.behaviour.value)
    return ""


async def suggest(request: Request) -> Response:
    page = Page(request)
    values: dict[str, str] = {"title": "", "text": ""}
    if request.method == "GET":
        return page.render("suggest.html.j2", values=values, errors={}, general=[])
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in ("title", "text")}
    if page.identity is None:
        return page.render(
            "suggest.html.j2",
            401,
            values=values,
            errors={},
            general=[page_word(page, "need_signin")],
        )
    if not page.checks_form(form):
        return page.render("suggest.html.j2", 403, values=values, errors={}, general=[_csrf(page)])
    ident = _new_id("s")
    data = {"suggestion": ident, "person": page.identity.actor, **values}
    status, body, _ = await submit(
        request, page.web, page.slug, cmd.Suggest, data, [], page.identity
    )
    if status == 201:
        return RedirectResponse(page.url(f"s/{ident}", msg="suggest"), 303)
    errors, general = _errors(body, page.lang)
    return page.render("suggest.html.j2", status, values=values, errors=errors, general=general)


def page_word(page: Page, key: str) -> str:
    return words(page.lang)[key]


def _csrf(page: Page) -> str:
    from yishi.i18n import message

    return message("web_csrf", page.lang)


async def mine(request: Request) -> Response:
    page = Page(request)
    if page.identity is None:
        return page.render("mine.html.j2", 401, items=[])
    actor = page.identity.actor
    items = await run_in_threadpool(
        page.service.read, lambda s: queries.suggestions_of(s, actor, page.lang)
    )
    return page.render("mine.html.j2", items=items)


async def follow(request: Request) -> Response:
    page = Page(request)
    ident = request.path_params["suggestion"]

    def view(s: Any) -> dict[str, Any] | None:
        if ident not in s.engine.state.suggestions:
            return None
        found = queries.suggestion(s, ident, page.lang)
        rows = (
            queries.matter_timeline(s, found["matter"]["id"], page.lang) if found["matter"] else []
        )
        return {"s": found, "timeline": rows}

    data = await run_in_threadpool(page.service.cached, ("follow", ident, page.lang), view)
    if data is None:
        return page.render("missing.html.j2", 404, what=ident)
    msg = request.query_params.get("msg")
    note = words(page.lang)["thanks_suggest"].format(id=ident) if msg == "suggest" else ""
    return page.render("follow.html.j2", note=note, **data)


async def object_to(request: Request) -> Response:
    page = Page(request)
    ident = request.path_params["disclosure"]
    doc = await run_in_threadpool(
        page.service.read,
        lambda s: (
            queries.disclosure(s, ident, page.lang) if ident in s.engine.state.disclosures else None
        ),
    )
    if doc is None:
        return page.render("missing.html.j2", 404, what=ident)
    values = {"text": ""}
    if request.method == "GET":
        note = (
            words(page.lang)["thanks_object"].format(id=request.query_params["done"])
            if "done" in request.query_params
            else ""
        )
        return page.render(
            "object.html.j2", doc=doc, values=values, errors={}, general=[], note=note
        )
    form = await request.form()
    values = {"text": str(form.get("text", ""))}
    if page.identity is None:
        return page.render(
            "object.html.j2",
            401,
            doc=doc,
            values=values,
            errors={},
            general=[page_word(page, "need_signin")],
            note="",
        )
    if not page.checks_form(form):
        return page.render(
            "object.html.j2", 403, doc=doc, values=values, errors={}, general=[_csrf(page)], note=""
        )
    objection = _new_id("o")
    data = {"disclosure": ident, "objection": objection, "person": page.identity.actor, **values}
    status, body, _ = await submit(
        request, page.web, page.slug, cmd.RaiseObjection, data, [], page.identity
    )
    if status == 201:
        return RedirectResponse(page.url(f"object/{ident}", done=objection), 303)
    errors, general = _errors(body, page.lang)
    return page.render(
        "object.html.j2", status, doc=doc, values=values, errors=errors, general=general, note=""
    )


async def rate(request: Request) -> Response:
    page = Page(request)
    ident = request.path_params["matter"]
    detail = await run_in_threadpool(
        page.service.read,
        lambda s: (
            queries.matter_detail(s, ident, page.lang) if ident in s.engine.state.matters else None
        ),
    )
    if detail is None:
        return page.render("missing.html.j2", 404, what=ident)
    if request.method == "GET":
        note = words(page.lang)["thanks_rate"] if "done" in request.query_params else ""
        return page.render("rate.html.j2", m=detail, errors={}, general=[], note=note, chosen="")
    form = await request.form()
    chosen = str(form.get("rating", ""))
    if page.identity is None:
        return page.render(
            "rate.html.j2",
            401,
            m=detail,
            errors={},
            general=[page_word(page, "need_signin")],
            note="",
            chosen=chosen,
        )
    if not page.checks_form(form):
        return page.render(
            "rate.html.j2", 403, m=detail, errors={}, general=[_csrf(page)], note="", chosen=chosen
        )
    data = {"matter": ident, "person": page.identity.actor, "rating": chosen}
    status, body, _ = await submit(request, page.web, page.slug, cmd.Rate, data, [], page.identity)
    if status == 201:
        return RedirectResponse(page.url(f"rate/{ident}", done="1"), 303)
    errors, general = _errors(body, page.lang)
    return page.render(
        "rate.html.j2", status, m=detail, errors=errors, general=general, note="", chosen=chosen
    )


# -- sign-in ---------------------------------------------------------------------


async def signin(request: Request) -> Response:
    page = Page(request)
    if request.method == "GET":
        return page.render("signin.html.j2", account="", general=[])
    form = await request.form()
    account = str(form.get("account", ""))[:200]
    if not csrf_ok(request, str(form.get("csrf", ""))):
        return page.render("signin.html.j2", 403, account=account, general=[_csrf(page)])
    password = str(form.get("password", ""))[:1000]
    ok = await run_in_threadpool(page.web.config.access.check_password, account, password)
    if not ok:
        from yishi.i18n import message

        return page.render(
            "signin.html.j2", 401, account=account, general=[message("web_bad_password", page.lang)]
        )
    request.session.clear()  # a fresh session: no fixation across sign-ins
    request.session.update(
        {"actor": account, "community": page.slug, "csrf": secrets.token_urlsafe(24)}
    )
    roles = page.web.config.access.roles(account, page.slug)
    target = "console" if roles & STAFF_ROLES else ""
    return RedirectResponse(page.url(target), 303)


async def signout(request: Request) -> Response:
    page = Page(request)
    form = await request.form()
    if not csrf_ok(request, str(form.get("csrf", ""))):
        return page.render("signin.html.j2", 403, account="", general=[_csrf(page)])
    request.session.clear()
    return RedirectResponse(page.url(""), 303)


# -- the staff console -----------------------------------------------------------


def _staff(page: Page) -> bool:
    return page.identity is not None and bool(page.identity.roles & STAFF_ROLES)


def staff_only(page: Page) -> Response | None:
    """The sign-in page for anyone who is not staff; None for staff."""
    if _staff(page):
        return None
    return page.render(
        "signin.html.j2",
        403 if page.identity else 401,
        account="",
        general=[page_word(page, "need_signin")],
    )


async def console(request: Request) -> Response:
    page = Page(request)
    if not _staff(page):
        return page.render(
            "signin.html.j2",
            403 if page.identity else 401,
            account="",
            general=[page_word(page, "need_signin")],
        )

    roles = frozenset(page.identity.roles) if page.identity is not None else frozenset()
    data = await run_in_threadpool(
        page.service.cached,
        ("console", page.lang, roles),
        lambda s: console_view(s, page.lang, roles),
    )
    done = request.query_params.get("done", "")
    return page.render("console.html.j2", note=words(page.lang)["done"] if done else "", **data)


async def console_command(request: Request) -> Response:
    page = Page(request)
    name = request.path_params["command"]
    cls = COMMANDS.get(name)
    if cls is None:
        return page.render("missing.html.j2", 404, what=name)
    if not _staff(page):
        return page.render(
            "signin.html.j2",
            403 if page.identity else 401,
            account="",
            general=[page_word(page, "need_signin")],
        )
    title = label(COMMAND_WORDS, name, page.lang)

    async def form_page(
        values: dict[str, str],
        status: int = 200,
        errors: dict[str, str] | None = None,
        general: list[str] | None = None,
    ) -> HTMLResponse:
        # in a worker thread: a writer holds the state's lock through its fsync and
        # hooks, and the event loop must not wait for it
        fields = await run_in_threadpool(
            fixed_fields, page.service, fields_of(cls, page.lang, values), name, page.lang
        )
        return page.render(
            "command.html.j2",
            status,
            title=title,
            name=name,
            fields=fields,
            errors=errors or {},
            general=general or [],
        )

    if request.method == "GET":
        skip = (*EMBED_PARAMS, "lang")
        return await form_page({k: v for k, v in request.query_params.items() if k not in skip})
    async with request.form(max_files=20, max_part_size=page.web.config.max_upload) as form:
        # several boxes ticked under one name (those checking in) arrive one per line
        values = {
            k: "\n".join(texts)
            for k in form
            if (texts := [v for v in form.getlist(k) if isinstance(v, str)])
        }
        if not page.checks_form(form):
            return await form_page(values, 403, general=[_csrf(page)])
        files = await uploads(form)
    assert page.identity is not None

    def resolve(s: Any) -> tuple[dict[str, str], list[Unresolved]]:
        # the new meeting's or notice's id is the console's to name, not the person's to type
        named = with_new_id(s.engine.state, name, values)
        # people are chosen by name; the command takes who they are, or nothing is sent
        return to_people(s.engine.state, s.engine.rulesets.__getitem__, name, named)

    sent, unresolved = await run_in_threadpool(page.service.read, resolve)
    if unresolved:
        errors = {u.field: u.text(page.lang) for u in unresolved}
        return await form_page(values, 422, errors=errors)
    status, body, _ = await submit(
        request, page.web, page.slug, cls, to_json(cls, sent), files, page.identity
    )
    if status == 201:
        return RedirectResponse(page.url("console", done=name), 303)
    errors, general = _errors(body, page.lang)  # people named as the forms name them
    return await form_page(values, status, errors, general)


def communities(request: Request) -> Response:
    web: WebState = request.app.state.web
    lang = lang_of(request)
    html = _ENV.get_template("communities.html.j2").render(
        w=words(lang),
        lang=lang,
        items=[(s, c.name) for s, c in web.config.communities.items()],
        root=request.scope.get("root_path", ""),
    )
    return HTMLResponse(html)


async def style(request: Request) -> Response:
    return Response(
        (HERE / "templates" / "web.css").read_bytes(),
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "max-age=3600"},
    )


def _community_known(endpoint: Any) -> Any:
    async def guarded(request: Request) -> Response:
        web: WebState = request.app.state.web
        if request.path_params["community"] not in web.services:
            from yishi.web.api import error

            return error(404, "web_unknown_community", community=request.path_params["community"])
        result: Response = await endpoint(request)
        return result

    return guarded


ROUTES = [
    Route("/assets/web.css", style),
    Route("/c/{community}/", _community_known(home), name="home"),
    Route("/c/{community}/suggest", _community_known(suggest), methods=["GET", "POST"]),
    Route("/c/{community}/mine", _community_known(mine)),
    Route("/c/{community}/s/{suggestion}", _community_known(follow)),
    Route(
        "/c/{community}/object/{disclosure}", _community_known(object_to), methods=["GET", "POST"]
    ),
    Route("/c/{community}/rate/{matter}", _community_known(rate), methods=["GET", "POST"]),
    Route("/c/{community}/signin", _community_known(signin), methods=["GET", "POST"]),
    Route("/c/{community}/signout", _community_known(signout), methods=["POST"]),
    Route("/c/{community}/console", _community_known(console)),
    Route(
        "/c/{community}/console/{command}",
        _community_known(console_command),
        methods=["GET", "POST"],
    ),
]
