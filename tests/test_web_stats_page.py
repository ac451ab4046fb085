"""The staff's figures page (/c/<slug>/stats): the yishi stats table for a period,
staff only, bad dates shown next to their field; in a real browser on a phone."""

from __future__ import annotations

import re

import pytest

from tests.test_web_pages import sign_in
from tests.web_fixtures import client, make_app
from yishi.domain import commands as cmd


@pytest.fixture
def site(tmp_path):
    app, engine, _ = make_app(tmp_path)
    engine.execute(cmd.Suggest(actor="c003", suggestion="s1", person="c003", title="晚上乱停车"))
    engine.execute(cmd.Suggest(actor="c011", suggestion="s2", person="c011", title="多种几棵树"))
    engine.execute(cmd.Suggest(actor="c001", suggestion="s3", person="c001", title="路灯不亮"))
    engine.execute(
        cmd.MergeSuggestions(
            actor="k01", matter="m9", suggestions=("s1",), title="小区停车秩序整治"
        )
    )
    engine.execute(cmd.DeclineSuggestion(actor="k01", suggestion="s2", reason="已列入街道年度计划"))
    return app, engine


def cells(html: str, label: str) -> list[str]:
    row = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", html)
    assert row, label
    return re.findall(r"<td>(.*?)</td>", row.group(1))


def test_staff_see_the_figures_for_the_period(site):
    app, _engine = site
    c = client(app)
    sign_in(c, "k01")
    html = c.get("/c/main/stats?from=2026-09-01&to=2026-09-30").text
    assert "2026-09-01 – 2026-09-30" in html
    # one council (智慧云) and the total: three received, two answered (merged, declined)
    assert cells(html, "收到建议") == ["3", "3"]
    assert cells(html, "其中已答复") == ["2/3（66.67%）", "2/3（66.67%）"]
    assert cells(html, "提出事项") == ["1", "1"]
    assert "智慧云线上协商（模板）" in html and "zhihui_yun" not in html
    english = c.get("/c/main/stats?from=2026-09-01&to=2026-09-30&lang=en").text
    assert cells(english, "of which answered") == ["2/3 (66.67%)", "2/3 (66.67%)"]
    # the same numbers as the API and the command line (one function)
    api = c.get("/api/v1/c/main/stats?from=2026-09-01&to=2026-09-30").json()
    assert api["total"]["figures"]["suggestions"]["answered"] == 2


def test_a_bad_date_is_shown_next_to_its_field(site):
    app, _engine = site
    c = client(app)
    sign_in(c, "k01")
    r = c.get("/c/main/stats?from=2026-9-1")
    assert r.status_code == 400
    assert 'id="from" name="from" value="2026-9-1"' in r.text and 'aria-invalid="true"' in r.text
    assert 'id="err-from"' in r.text and "日期应写作 年-月-日" in r.text
    assert "<table" not in r.text


def test_the_figures_page_is_for_staff(site):
    app, _engine = site
    assert client(app).get("/c/main/stats").status_code == 401
    resident = client(app)
    sign_in(resident, "c003")
    assert resident.get("/c/main/stats").status_code == 403
    assert client(app).get("/c/nowhere/stats").status_code == 404


def test_the_figures_page_on_a_phone(site):
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    from tests.test_web_browser import PHONE, chromium_path, fits, shot
    from tests.test_web_browser import sign_in as browser_sign_in
    from tests.web_server import serving

    app, _engine = site
    with sync_playwright() as p, serving(app) as base:
        browser = p.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN"
        )
        browser_sign_in(page, base, "k01")
        with page.expect_navigation():
            page.click("text=议事统计")
        page.fill("#from", "2026-09-01")
        page.fill("#to", "2026-09-30")
        with page.expect_navigation():
            page.click("form.period button[type=submit]")
        assert "2/3（66.67%）" in page.inner_text("main")
        fits(page)
        for ident in ("m9", "s1", "zhihui_yun", "deliberation_group"):
            assert ident not in page.inner_text("main")
        shot(page, "stats-phone")
        browser.close()
