"""The board in both languages: ``yishi publish`` writes the English board under
``en/`` (or the Chinese one under ``zh/`` for an English board), and every page
links to its own counterpart; the web serves the same layout, and ``?lang=en``
leads to it. Pages never show an internal identifier in either language."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLES
from tests.web_fixtures import client, make_app
from yishi.cli import main


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    db = tmp_path_factory.mktemp("board") / "yishi.db"
    result = CliRunner().invoke(
        main, ["run", str(EXAMPLES / "04_objection_during_disclosure.toml"), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    return db


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.lang = ""

    def handle_starttag(self, tag, attrs):
        found = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = found.get("lang", "")
        if tag == "a" and "hreflang" in found:
            self.links.append(found)


def switch(page: Path) -> tuple[str, dict[str, str]]:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    [link] = parser.links
    return parser.lang, link


def publish(log: Path, out: Path, *args: str) -> None:
    result = CliRunner().invoke(
        main, ["publish", "--to", str(out), "--db", str(log), "--no-pdf", *args]
    )
    assert result.exit_code == 0, result.output


def test_every_page_links_to_its_counterpart_in_the_other_language(tmp_path, log):
    out = tmp_path / "site"
    publish(log, out)
    found = [p.relative_to(out) for p in out.rglob("*.html")]
    pages = sorted(p for p in found if p.parts[0] not in ("en", "print"))
    assert Path("index.html") in pages and Path("verify.html") in pages
    assert any(p.parts[0] == "matters" for p in pages)
    for page in pages:
        lang, link = switch(out / page)
        assert lang == "zh-CN" and link["hreflang"] == "en" and link["lang"] == "en"
        target = ((out / page).parent / link["href"]).resolve()
        assert target == (out / "en" / page).resolve() and target.is_file(), page
        back_lang, back = switch(target)
        assert back_lang == "en" and back["hreflang"] == "zh"
        assert (target.parent / back["href"]).resolve() == (out / page).resolve()
    english = re.sub(r"<[^>]+>", " ", (out / "en" / "index.html").read_text(encoding="utf-8"))
    # the English pages are in English: no Chinese but the names in the record
    assert "Notice board" in english and "公示" not in english and "事项" not in english


def test_an_english_board_has_the_chinese_one_beside_it(tmp_path, log):
    out = tmp_path / "site"
    publish(log, out, "--lang", "en")
    lang, link = switch(out / "index.html")
    assert lang == "en" and link["href"] == "zh/index.html" and link["lang"] == "zh"
    assert switch(out / "zh" / "index.html")[1]["href"] == "../index.html"


def test_the_web_serves_the_english_board_under_en(tmp_path):
    app, _engine, _ = make_app(tmp_path)
    c = client(app)
    zh = c.get("/c/main/board/index.html")
    assert zh.status_code == 200 and 'hreflang="en" href="en/index.html"' in zh.text
    en = c.get("/c/main/board/en/index.html")
    assert en.status_code == 200 and 'lang="en"' in en.text and 'href="../index.html"' in en.text
    assert en.headers["etag"] != zh.headers["etag"]
    moved = c.get("/c/main/board/verify.html?lang=en", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"].endswith(
        "/c/main/board/en/verify.html"
    )
    browser = c.get(
        "/c/main/board/index.html", headers={"Accept-Language": "en-GB"}, follow_redirects=False
    )
    assert browser.status_code == 307
    again = c.get("/c/main/board/en/index.html")  # now from memory (the fast path)
    assert again.content == en.content and again.headers["etag"] == en.headers["etag"]


def test_a_phone_switches_the_board_to_english_and_back(tmp_path):
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    from tests.test_web_browser import PHONE, chromium_path, fits, shot
    from tests.web_server import serving
    from yishi.domain import commands as cmd

    app, engine, _ = make_app(tmp_path)
    engine.execute(cmd.Suggest(actor="c003", suggestion="s1", person="c003", title="晚上乱停车"))
    engine.execute(
        cmd.MergeSuggestions(
            actor="k01", matter="m9", suggestions=("s1",), title="小区停车秩序整治"
        )
    )
    with sync_playwright() as p, serving(app) as base:
        browser = p.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN"
        )
        page.goto(f"{base}/c/main/board/index.html")
        with page.expect_navigation():
            page.click("text=小区停车秩序整治")
        assert page.url.endswith("/board/matters/m9.html")
        # the flowchart is styled from the style sheet: the page's CSP refuses inline styles
        fill = page.eval_on_selector(".chart svg rect.box", "e => getComputedStyle(e).fill")
        assert fill == "rgb(255, 255, 255)", fill
        shot(page, "board-matter-zh")
        with page.expect_navigation():
            page.click("p.lang a")
        assert page.url.endswith("/board/en/matters/m9.html")
        assert page.get_attribute("html", "lang") == "en"
        fits(page)
        text = page.inner_text("main")
        assert "小区停车秩序整治" in text  # the record's own words stay as written
        for ident in ("m9", "s1", "online_intake", "offline_deliberation", "zhihui_yun"):
            assert not re.search(rf"(?<!\w){ident}(?!\w)", text), ident
        shot(page, "board-matter-en")
        with page.expect_navigation():
            page.click("p.lang a")
        assert page.url.endswith("/board/matters/m9.html")
        browser.close()


# 07 posts two notices, so the second updates the board in place (index, verification
# page, feed and the one matter's page, in each language).
@pytest.mark.parametrize("example", ["05_recusal.toml", "07_community_elevator.toml"])
def test_the_board_publisher_writes_the_board_yishi_publish_writes(tmp_path, example):
    """The board publisher, configured as a user does (YISHI_PUBLISHERS), keeps the
    board in both languages up to date notice by notice; the result is the board
    `yishi publish --to` writes from the same SQLite log. Nothing on the board is
    time-dependent; what legitimately differs is named: `yishi publish` also writes the
    printed notices (print/) and links them from the Chinese matter pages, which the
    board publisher leaves to the print publisher; and progress after the last notice
    reaches the plugin's board only with the next notice, so the scenario is one whose
    matter does not move after its last notice."""
    db, plugin, cli = tmp_path / "yishi.db", tmp_path / "plugin", tmp_path / "cli"
    # A process of its own: the CLI reads YISHI_PUBLISHERS once per process.
    env = {**os.environ, "YISHI_PUBLISHERS": f"board={plugin}"}
    run = [sys.executable, "-m", "yishi", "run", str(EXAMPLES / example), "--db", str(db)]
    done = subprocess.run(run, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    publish(db, cli)
    printed = re.compile(r'<p class="print-links">.*?</p>')

    def files(root: Path) -> list[Path]:
        return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())

    made = files(plugin)
    assert len(list((plugin / "notices").iterdir())) == (2 if example.startswith("07") else 1)
    assert made == [p for p in files(cli) if p.parts[0] != "print"]
    assert Path("en/index.html") in made and any(p.parts[:2] == ("en", "matters") for p in made)
    for relative in made:
        theirs = (cli / relative).read_text(encoding="utf-8")
        assert (plugin / relative).read_text(encoding="utf-8") == printed.sub("", theirs), relative
    lang, link = switch(plugin / "index.html")
    assert lang == "zh-CN" and link["href"] == "en/index.html"
    back_lang, back = switch(plugin / "en" / "index.html")
    assert back_lang == "en" and back["href"] == "../index.html"
