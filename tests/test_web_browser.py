"""A whole 智慧云 consultation in a real browser (Playwright driving Debian's Chromium):
residents on a 360×740 phone, staff at the console, a second resident trying what they
must not, and the board embedded in a host portal on another port.

Screenshots land in build/screenshots/web-*.png for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import struct
import zlib

import pytest

from tests.web_fixtures import PASSWORD, SECRET, make_app
from tests.web_server import serving

playwright = pytest.importorskip("playwright.sync_api")
from tests.browser import SCREENSHOTS  # noqa: E402

PHONE = {"width": 360, "height": 740}


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    return found


def png(width: int = 40, height: int = 30) -> bytes:
    """A small real PNG (a grey 'photo of the tally sheet')."""
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )
        yield b
        b.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"web-{name}.png"), full_page=True)


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def submit(page) -> None:
    """Press the form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.click("form button[type=submit]")


def sign_in(page, base: str, who: str) -> None:
    page.goto(f"{base}/c/main/signin")
    page.fill("#account", who)
    page.fill("#password", PASSWORD)
    submit(page)


def console_do(
    page,
    base: str,
    command: str,
    fields: dict,
    query: str = "",
    files=None,
    choices=None,
    ticks=None,
) -> None:
    page.goto(f"{base}/c/main/console/{command}{query}")
    for name, value in fields.items():
        page.fill(f"#f-{name}", value)
    for name, shown in (ticks or {}).items():  # boxes ticked by the names beside them
        for label in shown:
            page.locator(f"#f-{name} label.choice", has_text=label).locator("input").check()
    for name, label in (choices or {}).items():  # a drop-down, chosen by what it shows
        page.select_option(f"#f-{name}", label=label)
    if files:
        page.set_input_files("#f-evidence", files)
        page.fill("input[name=note]", "计票单")
    submit(page)
    assert "已记录" in page.content(), page.content()[-1500:]


def test_a_whole_consultation_from_a_phone_and_the_console(browser, tmp_path):
    app, engine, _access = make_app(tmp_path)
    clock = engine.clock
    with serving(app) as base:
        phone = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN"
        )
        resident = phone.new_page()
        sign_in(resident, base, "c003")
        fits(resident)
        resident.click("text=我要提建议")
        # an empty title is refused in words next to the field, and nothing is written
        resident.fill("#title", " ")
        before = engine.position
        submit(resident)
        assert resident.locator("#err-title").is_visible() and engine.position == before, (
            resident.content()[-2500:]
        )
        shot(resident, "phone-suggest-refused")
        resident.fill("#title", "晚上小区内乱停车，消防通道被堵")
        resident.fill("#text", "3 号楼东侧，每晚 8 点以后")
        submit(resident)
        assert "建议已提交" in resident.content() and "待审查" in resident.content()
        fits(resident)
        shot(resident, "phone-suggestion-received")
        follow_url = resident.url.split("?")[0]
        suggestion = follow_url.rsplit("/", 1)[1]

        desk = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN")
        staff = desk.new_page()
        sign_in(staff, base, "k02")
        assert "工作台" in staff.content()
        shot(staff, "console")
        clock.at = dt.datetime(2026, 9, 2, 9)
        console_do(
            staff,
            base,
            "merge_suggestions",
            {"title": "小区停车秩序整治"},
            f"?suggestions={suggestion}",
        )
        # the console names the new matter too; no one types its id
        (m9,) = engine.state.matters
        console_do(
            staff,
            base,
            "convene_meeting",
            {"date": "2026-09-04", "place": "社区活动室"},
            f"?matter={m9}",
            choices={"method": "举手表决"},
        )
        # the console names the meeting itself; staff never type an id
        (meeting,) = [m.id for m in engine.state.meetings.values() if m.matter == m9]
        clock.at = dt.datetime(2026, 9, 4, 19)
        console_do(
            staff,
            base,
            "check_in",
            {},
            f"?meeting={meeting}",
            ticks={
                "people": [
                    "何主任",
                    *(engine.state.people[f"c00{n}"].name for n in range(1, 6)),
                ]
            },
        )
        photo = {"name": "计票单.png", "mimeType": "image/png", "buffer": png()}
        console_do(
            staff,
            base,
            "enter_hand_count",
            {"yes": "5", "no": "1"},
            f"?meeting={meeting}",
            files=[photo],
        )
        console_do(staff, base, "close_meeting", {}, f"?meeting={meeting}")
        clock.at = dt.datetime(2026, 9, 5, 9)
        console_do(
            staff,
            base,
            "publish",
            {"text": "东侧空地改建 18 个停车位"},
            f"?matter={m9}",
        )
        shot(staff, "console-after-publish")

        # the resident sees the notice on the phone and objects during its window
        resident.goto(f"{base}/c/main/")
        resident.click("text=我有异议")
        fits(resident)
        resident.fill("#text", "停车位不够，希望再增加")
        submit(resident)
        assert "异议已提交" in resident.content()
        shot(resident, "phone-objection")
        objection = next(iter(engine.state.objections))

        staff.goto(f"{base}/c/main/console/answer_objection?objection={objection}")
        staff.fill("#f-reply", "再增加 4 个车位")
        staff.check("input[name=resolved]")
        submit(staff)
        assert "已记录" in staff.content()
        clock.at = dt.datetime(2026, 9, 22, 9)  # after the 15-day posting (Art. 34)
        console_do(staff, base, "tick", {})
        console_do(
            staff,
            base,
            "record_progress",
            {"text": "道闸安装完成", "percent": "100"},
            f"?matter={m9}",
        )
        console_do(staff, base, "complete_execution", {}, f"?matter={m9}")

        clock.at = dt.datetime(2026, 9, 25, 20)
        for who in ("c003", "c001", "c002", "c004"):
            ctx = browser.new_context(viewport=PHONE, is_mobile=True, locale="zh-CN")
            page = ctx.new_page()
            sign_in(page, base, who)
            page.click("text=满意度评价")
            page.check("input[value=满意]")
            submit(page)
            assert "谢谢" in page.content()
            if who == "c003":
                fits(page)
                shot(page, "phone-rated")
            ctx.close()
        console_do(staff, base, "close_evaluation", {}, f"?matter={m9}")

        resident.goto(follow_url)
        assert "已办结" in resident.content() and "计票单.png" in resident.content()
        fits(resident)
        shot(resident, "phone-follow-completed")
        resident.goto(f"{base}/c/main/board/matters/{m9}.html")
        fits(resident)
        shot(resident, "phone-board-matter")

        # a second resident's session tries the console and staff commands
        other = browser.new_context(viewport=PHONE, is_mobile=True, locale="zh-CN").new_page()
        sign_in(other, base, "c011")
        before = engine.position
        for command in ("propose_matter", "publish", "enter_hand_count", "close_evaluation"):
            response = other.goto(f"{base}/c/main/console/{command}")
            assert response.status == 403 and "请先登录" in other.content()
        assert engine.position == before
        shot(other, "phone-console-refused")
    assert engine.state.matters[m9].status == "completed"


def test_the_board_embedded_in_a_host_portal_on_another_port(browser, tmp_path):
    from examples.host_portal import make_app as make_portal

    from tests.web_server import free_port

    portal_port = free_port()
    portal_origin = f"http://127.0.0.1:{portal_port}"
    app, engine, _ = make_app(tmp_path, frames=(portal_origin,))
    with serving(app) as base, serving(make_portal(base, SECRET), portal_port) as portal:
        page = browser.new_context(viewport=PHONE, is_mobile=True, locale="zh-CN").new_page()
        page.goto(f"{portal}/?user=zhang.san")
        frame = page.frame_locator("iframe")
        frame.locator(f"text=当前用户：{engine.state.people['c003'].name}").wait_for(timeout=15000)
        frame.locator("text=我要提建议").first.click()
        frame.locator("#title").fill("门户里提的建议：垃圾分类点太远")
        before = engine.position
        frame.locator("form button[type=submit]").click()
        frame.locator("text=建议已提交").wait_for(timeout=15000)
        assert engine.position == before + 1
        page.wait_for_timeout(300)
        shot(page, "embedded-in-portal")
        # anonymous visitors of the portal see the public board
        page.goto(portal)
        page.frame_locator("iframe").locator("header.site").wait_for(timeout=15000)
    # a page on a port not named in frame-ancestors cannot frame it
    with serving(app) as base:
        other = browser.new_context().new_page()
        other.set_content(f'<iframe src="{base}/c/main/board/index.html"></iframe>')
        other.wait_for_timeout(1500)
        inner = other.frames[1] if len(other.frames) > 1 else None
        assert inner is None or "公开栏" not in inner.content()
