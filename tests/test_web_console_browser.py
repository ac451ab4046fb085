"""The narrowed staff console in a real browser (Playwright, Debian's Chromium):
a matter's buttons follow its current stage, on a phone-sized window, with titles
and no internal identifiers. Screenshots: build/screenshots/web-console-stage-*.png."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.test_web_browser import PHONE, browser, fits, shot, sign_in, submit  # noqa: F401
from tests.web_fixtures import NAMES, make_app
from tests.web_server import serving
from yishi.domain import commands as cmd

IDS = ("m9", "s1", "s2", "g1", "d1", "k01", "k02", "offline_deliberation", "zhihui_yun")
PEOPLE = ("c001", "c002", "c003", "c004", "c005", "c006", "c030", "ch001", "ch002", "k02")


def no_ids(page, ids=IDS) -> None:
    """None of ``ids`` shown, and (for people's ids) none carried in a field either."""
    text = page.inner_text("main") if ids is IDS else page.content()
    for ident in ids:
        assert not re.search(rf"(?<!\w){ident}(?!\w)", text), (ident, text)


def test_the_console_follows_the_matters_stage(browser, tmp_path):  # noqa: F811
    app, engine, _ = make_app(tmp_path, names=NAMES)
    engine.execute(cmd.Suggest(actor="c003", suggestion="s1", person="c003", title="晚上乱停车"))
    engine.execute(cmd.Suggest(actor="c011", suggestion="s2", person="c011", title="多种几棵树"))
    engine.execute(
        cmd.MergeSuggestions(
            actor="k01", matter="m9", suggestions=("s1",), title="小区停车秩序整治"
        )
    )
    with serving(app) as base:
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN"
        )
        staff = context.new_page()
        sign_in(staff, base, "k02")
        assert "小区停车秩序整治" in staff.content()
        assert "当前用户：何主任" in staff.inner_text("nav.top")  # a name, not the account id
        matter = staff.locator("li.matter", has_text="小区停车秩序整治")
        buttons = matter.locator("a.button").all_inner_texts()
        assert (
            buttons[0] == "召集会议并通知" and "签到" not in buttons and "张贴公示" not in buttons
        )
        fits(staff)
        no_ids(staff)
        shot(staff, "console-stage-meeting-to-convene")

        # the button opens the form with the matter filled in; convening moves the buttons on
        with staff.expect_navigation():
            matter.locator("a.button", has_text="召集会议并通知").click()
        # the matter is shown by its title and carried hidden, not offered as an id to edit
        assert "事项：小区停车秩序整治" in staff.inner_text("main")
        assert staff.locator("#f-matter").count() == 0
        # no meeting id to type; the method is chosen by its name, not typed
        assert staff.locator("[name=meeting]").count() == 0
        assert "举手表决" in staff.locator("#f-method").inner_text()
        assert "show_of_hands" not in staff.inner_text("main")
        fits(staff)
        no_ids(staff)
        shot(staff, "console-stage-convene-form")
        staff.fill("#f-date", "2026-09-05")
        staff.select_option("#f-method", label="举手表决")
        submit(staff)
        assert "已记录" in staff.content(), staff.content()[-1500:]
        matter = staff.locator("li.matter", has_text="小区停车秩序整治")
        buttons = matter.locator("a.button").all_inner_texts()
        assert buttons[0] == "签到" and "召集会议并通知" not in buttons
        assert "会议日期 2026-09-05" in matter.inner_text()
        fits(staff)
        no_ids(staff)
        shot(staff, "console-stage-meeting-convened")

        g1 = engine.state.matters["m9"].open_meeting(engine.state).id  # the console named it
        engine.clock.at = dt.datetime(2026, 9, 5, 19)

        # check-in: the group's members by name, the two 王秀英 told apart by their homes
        matter = staff.locator("li.matter", has_text="小区停车秩序整治")
        with staff.expect_navigation():
            matter.locator("a.button", has_text="签到").click()
        ticks = staff.locator("#f-people label.choice")
        assert "王秀英（幸福里3栋101）" in ticks.all_inner_texts()
        assert "王秀英（幸福里5栋202）" in ticks.all_inner_texts()
        for name in ("何主任", "王秀英（幸福里5栋202）", "李建国", "张桂兰", "刘德明"):
            ticks.filter(has_text=name).locator("input").check()
        fits(staff)
        no_ids(staff)
        no_ids(staff, PEOPLE)
        shot(staff, "console-check-in-by-name")
        submit(staff)
        assert "已记录" in staff.content(), staff.inner_text("main")
        assert engine.state.meetings[g1].attendance == ["k02", "c003", "c002", "c004", "c005"]

        # the paper ballots: a name and a choice in words on each line; a name two
        # people share is refused, naming the field, and nothing is written
        staff.goto(f"{base}/c/main/console/enter_ballots?meeting={g1}")
        assert "赞成 / 反对 / 弃权" in staff.inner_text("main")
        staff.fill("#f-ballots", "王秀英 赞成")
        before = engine.position
        submit(staff)
        assert engine.position == before
        error = staff.inner_text("#err-ballots")
        assert "有 2 人叫“王秀英”" in error and "王秀英（幸福里5栋202）" in error
        no_ids(staff, PEOPLE)
        shot(staff, "console-ballots-ambiguous-name")
        staff.fill(
            "#f-ballots",
            "何主任 赞成\n王秀英（幸福里5栋202） 赞成\n李建国 赞成\n张桂兰 赞成\n刘德明 反对",
        )
        fits(staff)
        no_ids(staff, PEOPLE)
        shot(staff, "console-ballots-by-name")
        submit(staff)
        assert "已记录" in staff.content(), staff.inner_text("main")
        ballots = engine.state.meetings[g1].ballots
        assert ballots == {"k02": "yes", "c003": "yes", "c002": "yes", "c004": "yes", "c005": "no"}
        engine.execute(cmd.CloseMeeting(actor="k02", meeting=g1))
        engine.execute(cmd.Publish(actor="k02", matter="m9", disclosure="d1"))
        engine.clock.at = dt.datetime(2026, 9, 7, 10)
        engine.execute(
            cmd.RaiseObjection(
                actor="c011", disclosure="d1", objection="o1", person="c011", text="东侧车位太少"
            )
        )
        staff.goto(f"{base}/c/main/console")
        matter = staff.locator("li.matter", has_text="小区停车秩序整治")
        buttons = matter.locator("a.button").all_inner_texts()
        assert buttons == ["答复异议：东侧车位太少"]
        assert "公示至" in matter.inner_text()
        fits(staff)
        no_ids(staff)
        shot(staff, "console-stage-notice-objection")
        context.close()


@pytest.fixture(autouse=True)
def _skip_without_playwright():
    pytest.importorskip("playwright.sync_api")
