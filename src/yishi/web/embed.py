"""Embedding a community's board in a portal: ``/embed.js`` turns a marked ``<div>``
into an iframe, passing the host's signed-in user as Polis' embed script does.

    <div class="yishi-embed" data-community="changsheng" data-page="board"
         data-actor="c003" data-ts="1767225600" data-sig="…hex…"></div>
    <script async src="https://yishi.example.org/embed.js"></script>

``data-actor``/``data-ts``/``data-sig`` are optional: the host's server signs
``actor + "\\n" + ts`` with the shared portal secret (docs/embedding.md), and the
framed pages then act for that resident. The framed pages send
``Content-Security-Policy: frame-ancestors`` with the community's allowed origins.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

SCRIPT = r"""/* yishi embed: <div class="yishi-embed" data-community="…"> → an iframe. No cookies, no globals. */
(function () {
  var me = document.currentScript;
  var origin = me ? new URL(me.src, location.href).origin : "";
  var PAGES = {board: "board/index.html", home: "", suggest: "suggest", mine: "mine"};
  function embed(div) {
    if (div.getAttribute("data-yishi-done")) return;
    div.setAttribute("data-yishi-done", "1");
    var community = div.getAttribute("data-community") || "main";
    var page = div.getAttribute("data-page") || "board";
    var path = PAGES.hasOwnProperty(page) ? PAGES[page] : "board/index.html";
    var url = new URL(origin + "/c/" + encodeURIComponent(community) + "/" + path);
    ["actor", "ts", "sig", "lang"].forEach(function (k) {
      var v = div.getAttribute("data-" + k);
      if (v) url.searchParams.set(k, v);
    });
    var frame = document.createElement("iframe");
    frame.src = url.toString();
    frame.title = div.getAttribute("data-title") || "议事公开栏";
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.height = (div.getAttribute("data-height") || "640") + "px";
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.setAttribute("sandbox", "allow-forms allow-same-origin allow-top-navigation-by-user-activation allow-popups");
    div.appendChild(frame);
  }
  function all() {
    var found = document.querySelectorAll("div.yishi-embed, div[data-yishi-community]");
    for (var i = 0; i < found.length; i++) {
      if (!found[i].getAttribute("data-community")) found[i].setAttribute("data-community", found[i].getAttribute("data-yishi-community") || "main");
      embed(found[i]);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all); else all();
})();
"""


async def script(request: Request) -> Response:
    return Response(
        SCRIPT,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "max-age=300", "Access-Control-Allow-Origin": "*"},
    )


ROUTES = [Route("/embed.js", script)]
