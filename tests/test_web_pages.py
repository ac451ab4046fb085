"""The pages as residents and staff use them (without JavaScript), and T18: script through
every field shows as text; every form post refuses a missing or foreign CSRF token."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from tests.web_fixtures import PASSWORD, bearer, client, make_app


class Scan(HTMLParser):
    """What would run in a browser: script elements, event handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "base"):
            self.findings.append(f"<{tag}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.findings.append(f"{tag}[{name}]")
            url = name.lower() in ("href", "src", "action", "formaction", "xlink:href")
            if url and value and re.match(r"\s*(javascript|data|vbscript):", value, re.I):
                self.findings.append(f"{tag}[{name}={value}]")


def executable(html: str) -> list[str]:
    scan = Scan()
    scan.feed(html)
    return scan.findings


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(c, who: str) -> None:
    page = c.get("/c/main/signin")
    r = c.post(
        "/c/main/signin",
        data={"account": who, "password": PASSWORD, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


@pytest.fixture
def site(tmp_path):
    app, engine, access = make_app(tmp_path)
    return app, engine, access


def test_a_resident_suggests_and_follows_it(site):
    app, _engine, _ = site
    c = client(app)
    sign_in(c, "c003")
    form = c.get("/c/main/suggest")
    assert "提建议" in form.text and 'lang="zh-CN"' in form.text
    r = c.post(
        "/c/main/suggest",
        data={"title": "楼道灯坏了", "text": "三单元", "csrf": csrf_of(form.text)},
    )
    assert r.status_code == 200 and "建议已提交" in r.text and "待审查" in r.text
    mine = c.get("/c/main/mine")
    assert "楼道灯坏了" in mine.text


def test_a_refusal_is_shown_next_to_its_field(site):
    app, engine, _ = site
    c = client(app)
    sign_in(c, "c003")
    form = c.get("/c/main/suggest")
    before = engine.position
    r = c.post("/c/main/suggest", data={"title": "", "text": "", "csrf": csrf_of(form.text)})
    assert r.status_code == 409
    assert re.search(r'id="title"[^>]*aria-invalid="true"', r.text)
    assert 'class="field-error" id="err-title"' in r.text and "标题" in r.text
    assert engine.position == before


def test_english_on_request(site):
    app, *_ = site
    c = client(app)
    assert "Make a suggestion" in c.get("/c/main/suggest?lang=en").text


def test_signing_in_needs_the_right_password(site):
    app, *_ = site
    c = client(app)
    page = c.get("/c/main/signin")
    r = c.post(
        "/c/main/signin",
        data={"account": "k01", "password": "wrong password", "csrf": csrf_of(page.text)},
    )
    assert r.status_code == 401 and "账号或密码不正确" in r.text
    sign_in(c, "k01")
    assert c.get("/c/main/console").status_code == 200


def test_staff_enter_a_hand_count_with_a_photo_from_the_console(site):
    app, engine, access = site
    token = access.new_token("k01")
    api = client(app)
    api.post(
        "/api/v1/c/main/commands/suggest",
        json={"suggestion": "s1", "person": "k01", "title": "停车"},
        headers=bearer(token),
    )
    api.post(
        "/api/v1/c/main/commands/merge_suggestions",
        json={"matter": "m9", "suggestions": ["s1"], "title": "停车"},
        headers=bearer(token),
    )
    c = client(app)
    sign_in(c, "k02")
    page = c.get("/c/main/console/convene_meeting?matter=m9")
    assert 'value="m9"' in page.text and "会议日期" in page.text
    r = c.post(
        "/c/main/console/convene_meeting",
        data={
            "matter": "m9",
            "meeting": "g1",
            "date": "2026-09-02",
            "method": "show_of_hands",
            "csrf": csrf_of(page.text),
        },
    )
    # one day's notice: the refusal names the date field and says why in words
    assert r.status_code == 409 and 'id="err-date"' in r.text and "提前 2 日通知" in r.text
    r = c.post(
        "/c/main/console/convene_meeting",
        data={
            "matter": "m9",
            "meeting": "g1",
            "date": "2026-09-05",
            "method": "show_of_hands",
            "csrf": csrf_of(page.text),
        },
    )
    assert r.status_code == 200 and "已记录" in r.text
    engine.clock.at = dt.datetime(2026, 9, 5, 19)
    r = c.post(
        "/c/main/console/check_in",
        # by name, as staff know them: one per line or separated by 、
        data={
            "meeting": "g1",
            "people": "何主任\n{c001}、{c002}\n{c003}".format_map(
                {p: engine.state.people[p].name for p in ("c001", "c002", "c003")}
            ),
            "csrf": csrf_of(page.text),
        },
    )
    assert r.status_code == 200, r.text
    assert engine.state.meetings["g1"].attendance == ["k02", "c001", "c002", "c003"]
    r = c.post(
        "/c/main/console/enter_hand_count",
        data={"meeting": "g1", "yes": "4", "no": "0", "csrf": csrf_of(page.text), "note": "计票单"},
        files={"evidence": ("tally.jpg", b"\xff\xd8 photo", "image/jpeg")},
    )
    assert r.status_code == 200, r.text
    last = engine.store.read_all(engine.position - 1)
    event = next(iter(last)).event
    assert event.evidence[0].name == "tally.jpg" and event.actor == "k02"


# -- T18 -------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(2)</script>",
    "\u202egnp.exe<b onmouseover=alert(3)>",
]


def test_script_through_every_field_shows_as_text(site):
    app, engine, access = site
    api = client(app)
    reg, staff, me = (bearer(access.new_token(a)) for a in ("reg", "k01", "c003"))
    people = [{"id": f"x{i}", "name": p, "adult": True} for i, p in enumerate(PAYLOADS)]
    assert (
        api.post(
            "/api/v1/c/main/commands/set_up_community", json={"people": people}, headers=reg
        ).status_code
        == 201
    )
    for i, p in enumerate(PAYLOADS):
        r = api.post(
            "/api/v1/c/main/commands/suggest",
            json={"suggestion": f"s{i}", "person": "c003", "title": p, "text": p},
            headers=me,
        )
        assert r.status_code == 201, r.json()
    ids = [f"s{i}" for i in range(len(PAYLOADS))]
    assert (
        api.post(
            "/api/v1/c/main/commands/merge_suggestions",
            json={
                "matter": "m1",
                "suggestions": ids[:3],
                "title": PAYLOADS[1],
                "description": PAYLOADS[0],
            },
            headers=staff,
        ).status_code
        == 201
    )
    engine.clock.at = dt.datetime(2026, 9, 1, 10)
    r = api.post(
        "/api/v1/c/main/commands/convene_meeting",
        json={
            "matter": "m1",
            "meeting": "g",
            "date": "2026-09-03",
            "method": "show_of_hands",
            "place": PAYLOADS[2],
        },
        headers=staff,
    )
    assert r.status_code == 201, r.json()
    engine.clock.at = dt.datetime(2026, 9, 3, 19)
    api.post(
        "/api/v1/c/main/commands/check_in",
        json={"meeting": "g", "people": ["k02", "c001", "c002", "c003", "c004"]},
        headers=staff,
    )
    r = api.post(
        "/api/v1/c/main/commands/enter_hand_count",
        data={"command": '{"meeting": "g", "yes": 5, "no": 0}', "note": PAYLOADS[1]},
        files={"evidence": (PAYLOADS[2] + ".jpg", b"photo", "image/jpeg")},
        headers=staff,
    )
    assert r.status_code == 201, r.json()
    api.post("/api/v1/c/main/commands/close_meeting", json={"meeting": "g"}, headers=staff)
    r = api.post(
        "/api/v1/c/main/commands/publish",
        json={"matter": "m1", "disclosure": "d1", "title": PAYLOADS[4], "text": PAYLOADS[3]},
        headers=staff,
    )
    assert r.status_code == 201, r.json()
    r = api.post(
        "/api/v1/c/main/commands/raise_objection",
        json={"disclosure": "d1", "objection": "o1", "person": "c003", "text": PAYLOADS[5]},
        headers=me,
    )
    assert r.status_code == 201, r.json()
    c = client(app)
    sign_in(c, "k01")
    views = [
        "/c/main/",
        "/c/main/s/s0",
        "/c/main/s/s1",
        "/c/main/object/d1",
        "/c/main/rate/m1",
        "/c/main/console",
        "/c/main/mine",
    ]
    views += [f"/c/main/console/propose_matter?title={p}&description={p}" for p in PAYLOADS]
    views += [
        "/c/main/board/index.html",
        "/c/main/board/matters/m1.html",
        "/c/main/board/verify.html",
    ]
    count = 0
    for view in views:
        r = c.get(view)
        assert r.status_code == 200, view
        assert (
            "content-security-policy" in r.headers
            and "script-src 'none'" in r.headers["content-security-policy"]
        )
        assert executable(r.text) == [], view
        count += 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in c.get("/c/main/s/s0").text
    for path in (
        "/api/v1/c/main/board",
        "/api/v1/c/main/disclosures/d1",
        "/api/v1/c/main/matters/m1/timeline",
    ):
        assert c.get(path).headers["content-type"].startswith("application/json")
    assert count == len(views)


FORMS = {
    "/c/main/suggest": {"title": "t", "text": ""},
    "/c/main/object/d1": {"text": "t"},
    "/c/main/rate/m1": {"rating": "满意"},
    "/c/main/console/propose_matter": {"matter": "mx", "title": "t"},
    "/c/main/signout": {},
}


def published(app, engine, access) -> None:
    """Matter m1 decided and its notice d1 posted, open to objections."""
    api = client(app)
    staff, me = bearer(access.new_token("k01")), bearer(access.new_token("c003"))
    api.post(
        "/api/v1/c/main/commands/suggest",
        json={"suggestion": "s1", "person": "c003", "title": "t"},
        headers=me,
    )
    api.post(
        "/api/v1/c/main/commands/merge_suggestions",
        json={"matter": "m1", "suggestions": ["s1"], "title": "t"},
        headers=staff,
    )
    engine.clock.at = dt.datetime(2026, 9, 1, 10)
    api.post(
        "/api/v1/c/main/commands/convene_meeting",
        json={"matter": "m1", "meeting": "g", "date": "2026-09-03", "method": "show_of_hands"},
        headers=staff,
    )
    engine.clock.at = dt.datetime(2026, 9, 3, 19)
    api.post(
        "/api/v1/c/main/commands/check_in",
        json={"meeting": "g", "people": ["k02", "c001", "c002", "c003", "c004"]},
        headers=staff,
    )
    api.post(
        "/api/v1/c/main/commands/enter_hand_count",
        json={"meeting": "g", "yes": 5, "no": 0},
        headers=staff,
    )
    api.post("/api/v1/c/main/commands/close_meeting", json={"meeting": "g"}, headers=staff)
    r = api.post(
        "/api/v1/c/main/commands/publish", json={"matter": "m1", "disclosure": "d1"}, headers=staff
    )
    assert r.status_code == 201, r.json()


def test_every_form_post_refuses_a_missing_or_foreign_csrf_token(site):
    app, engine, access = site
    published(app, engine, access)
    c = client(app)
    sign_in(c, "k01")
    token = csrf_of(c.get("/c/main/suggest").text)
    before = engine.position
    for path, data in FORMS.items():
        assert c.post(path, data=data).status_code == 403, path
        assert c.post(path, data={**data, "csrf": "forged"}).status_code == 403, path
        foreign = c.post(
            path, data={**data, "csrf": token}, headers={"Origin": "https://evil.example"}
        )
        assert foreign.status_code == 403, path
        framed = c.post(path, data={**data, "csrf": token}, headers={"Origin": "null"})
        assert framed.status_code == 403, path
    assert engine.position == before
    assert c.get("/c/main/console").status_code == 200  # signout refused: still signed in
    # the sign-in form itself is protected too (no login CSRF)
    fresh = client(app)
    r = fresh.post("/c/main/signin", data={"account": "k01", "password": PASSWORD})
    assert r.status_code == 403


def test_a_cookie_never_authorizes_a_json_write(site):
    app, engine, _ = site
    c = client(app)
    sign_in(c, "k01")
    before = engine.position
    r = c.post("/api/v1/c/main/commands/propose_matter", json={"matter": "m", "title": "t"})
    assert r.status_code == 401 and engine.position == before


def test_frame_ancestors_per_community(tmp_path):
    app, *_ = make_app(tmp_path, frames=("https://portal.example.cn",))
    c = client(app)
    for path in ("/c/main/board/index.html", "/c/main/", "/c/main/suggest"):
        assert (
            "frame-ancestors 'self' https://portal.example.cn"
            in c.get(path).headers["content-security-policy"]
        )
    for path in ("/c/main/console", "/c/main/signin", "/openapi.json"):
        assert "frame-ancestors 'none'" in c.get(path).headers["content-security-policy"]


def test_cors_only_for_configured_origins(tmp_path):
    app, *_ = make_app(tmp_path, cors_origins=("https://portal.example.cn",))
    c = client(app)
    ok = c.get("/api/v1/c/main/board", headers={"Origin": "https://portal.example.cn"})
    assert ok.headers["access-control-allow-origin"] == "https://portal.example.cn"
    other = c.get("/api/v1/c/main/board", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    pre = c.options(
        "/api/v1/c/main/commands/suggest",
        headers={
            "Origin": "https://portal.example.cn",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,idempotency-key",
        },
    )
    assert pre.status_code == 200 and "access-control-allow-credentials" not in pre.headers
