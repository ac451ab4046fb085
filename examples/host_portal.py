"""A host portal (智慧社区门户) that embeds a yishi community's board and resident pages.

Run yishi with the shared secret, then this portal on another port:

    YISHI_PORTAL_SECRET=s3cret yishi serve --db yishi-demo/yishi.db --frame-ancestor http://127.0.0.1:8100
    YISHI_PORTAL_SECRET=s3cret python examples/host_portal.py --yishi http://127.0.0.1:8000 --port 8100

The portal has its own users and its own sign-in (here a list to pick from); it maps
each of its users to a yishi person id and signs that id with the shared secret on
its *server*, so the secret never reaches a browser. The page carries a ``<div>``
with the signed values and loads ``embed.js`` from yishi, which puts the iframe in.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import html
import os
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

# The portal's own users, and the yishi person each one is (kept by the portal).
PERSON_OF = {"zhang.san": "c003", "li.si": "c011"}


def sign(secret: str, actor: str, timestamp: int) -> str:
    """HMAC-SHA256 of ``actor + "\\n" + timestamp``, hex — what docs/embedding.md specifies."""
    return hmac.new(secret.encode(), f"{actor}\n{timestamp}".encode(), hashlib.sha256).hexdigest()


def make_app(yishi: str, secret: str, community: str = "main") -> Starlette:
    async def portal(request: Request) -> HTMLResponse:
        user = request.query_params.get("user", "")  # the portal's own session, simplified
        person = PERSON_OF.get(user)
        attributes = (
            f'data-community="{html.escape(community)}" data-page="{"home" if person else "board"}"'
        )
        if person:
            ts = int(time.time())
            attributes += (
                f' data-actor="{person}" data-ts="{ts}" data-sig="{sign(secret, person, ts)}"'
            )
        users = " ".join(f'<a href="?user={u}">{u}</a>' for u in PERSON_OF)
        page = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>智慧社区门户</title></head>
<body style="margin:0;font-family:sans-serif"><header style="background:#1d4ed8;color:#fff;padding:.6rem 1rem">智慧社区门户 · {html.escape(user or "未登录")}</header>
<p style="padding:0 1rem">登录为：{users}</p>
<div class="yishi-embed" {attributes} data-height="900"></div>
<script async src="{html.escape(yishi)}/embed.js"></script>
</body></html>"""
        return HTMLResponse(page)

    return Starlette(routes=[Route("/", portal)])


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--yishi", default="http://127.0.0.1:8000")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--community", default="main")
    args = parser.parse_args()
    secret = os.environ["YISHI_PORTAL_SECRET"]
    uvicorn.run(make_app(args.yishi, secret, args.community), host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
