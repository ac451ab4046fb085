"""The board's fast path (yishi.web.board.BoardFastPath): a current page from memory,
ahead of the middleware, with the same bytes and headers as the full stack."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.web_fixtures import client, make_app
from yishi.web.board import BoardFastPath
from yishi.web.config import Community, WebConfig

SAME = (
    "etag",
    "content-type",
    "cache-control",
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
)


def _get(app: Any, path: str, query: bytes = b"", headers: tuple = ()) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"testserver"), *headers],
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def _fast(tmp_path) -> tuple[Any, BoardFastPath, list[str]]:
    app, engine, _ = make_app(tmp_path, frames=("https://portal.example",))
    c = client(app)
    web = app.state.web
    from yishi.web.app import security_headers

    config = WebConfig(
        communities={
            "main": Community(
                slug="main",
                engine=engine,
                name="昌盛路社区",
                frame_ancestors=("https://portal.example",),
            )
        }
    )
    passed: list[str] = []

    async def downstream(scope, receive, send):  # the rest of the app, which must not be needed
        passed.append(scope["path"])
        await send({"type": "http.response.start", "status": 599, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return c, BoardFastPath(downstream, web, security_headers(config)), passed


def test_a_current_page_is_answered_from_memory_with_the_full_stacks_headers(tmp_path):
    c, fast, passed = _fast(tmp_path)
    full = c.get("/c/main/board/index.html")  # renders the board through the whole stack
    assert full.status_code == 200
    sent = _get(fast, "/c/main/board/index.html")
    assert passed == []
    start, body = sent
    assert start["status"] == 200 and body["body"] == full.content
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    for name in SAME:
        assert headers[name] == full.headers[name], name
    assert "https://portal.example" in headers["content-security-policy"]
    etag = headers["etag"].encode()
    again = _get(fast, "/c/main/board/index.html", headers=((b"if-none-match", etag),))
    assert again[0]["status"] == 304 and passed == []
    english = _get(fast, "/c/main/board/index.html", query=b"lang=en")
    assert passed == ["/c/main/board/index.html"]  # not rendered in English yet: the app does it
    assert english[0]["status"] == 599


def test_anything_else_goes_on_to_the_app(tmp_path):
    c, fast, passed = _fast(tmp_path)
    c.get("/c/main/board/index.html")
    _get(fast, "/c/main/board/index.html", headers=((b"origin", b"https://other.example"),))
    _get(fast, "/c/main/board/no-such-page.html")
    _get(fast, "/c/other/board/index.html")
    _get(fast, "/c/main/board/index.html", query=b"lang=en&x=1")
    _get(fast, "/c/main/console")
    assert len(passed) == 5


def test_the_served_board_is_unchanged_through_the_app(tmp_path):
    app, _engine, _ = make_app(tmp_path)
    c = client(app)
    first = c.get("/c/main/board/index.html")
    second = c.get("/c/main/board/index.html")  # from memory now
    assert second.content == first.content
    assert {k: second.headers[k] for k in SAME} == {k: first.headers[k] for k in SAME}
    assert (
        c.get(
            "/c/main/board/index.html", headers={"If-None-Match": first.headers["etag"]}
        ).status_code
        == 304
    )


# -- API reads (yishi.web.fast_reads.ReadFastPath) ------------------------------------


def _reads(tmp_path) -> tuple[Any, Any, list[str]]:
    from yishi.domain import commands as cmd
    from yishi.web.app import security_headers
    from yishi.web.fast_reads import ReadFastPath

    app, engine, _ = make_app(tmp_path)
    engine.execute(cmd.Suggest(actor="c003", suggestion="s1", person="c003", title="停车"))
    engine.execute(
        cmd.MergeSuggestions(actor="k01", matter="m9", suggestions=("s1",), title="停车")
    )
    config = WebConfig(communities={"main": Community(slug="main", engine=engine)})
    passed: list[str] = []

    async def downstream(scope, receive, send):
        passed.append(scope["path"])
        await send({"type": "http.response.start", "status": 599, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    fast = ReadFastPath(downstream, app.state.web, security_headers(config))
    return client(app), fast, passed


def test_a_cached_api_read_is_answered_from_memory_like_the_app(tmp_path):
    c, fast, passed = _reads(tmp_path)
    for path in ("/api/v1/c/main/matters/m9", "/api/v1/c/main/suggestions/s1"):
        full = c.get(path)  # computes and caches the view's JSON
        assert full.status_code == 200
        start, body = _get(fast, path)
        assert passed == [] and start["status"] == 200 and body["body"] == full.content
        headers = {k.decode(): v.decode() for k, v in start["headers"]}
        for name in ("content-type", "content-security-policy", "x-content-type-options"):
            assert headers[name] == full.headers[name], name
    english = _get(fast, "/api/v1/c/main/matters/m9", query=b"lang=en")
    assert english[0]["status"] == 599  # not computed in English yet: the app does it
    c.get("/api/v1/c/main/matters/m9?lang=en")
    assert _get(fast, "/api/v1/c/main/matters/m9", query=b"lang=en")[0]["status"] == 200


def test_other_reads_go_on_to_the_app(tmp_path):
    c, fast, passed = _reads(tmp_path)
    c.get("/api/v1/c/main/matters/m9")
    _get(fast, "/api/v1/c/main/matters/m9", headers=((b"authorization", b"Bearer x"),))
    _get(fast, "/api/v1/c/main/matters/m9", headers=((b"origin", b"https://other.example"),))
    _get(fast, "/api/v1/c/main/matters/m9", query=b"limit=1")
    _get(fast, "/api/v1/c/main/matters/nope")
    _get(fast, "/api/v1/c/main/matters")
    _get(fast, "/api/v1/c/main/matters/m9/timeline")
    assert len(passed) == 6
