"""The board and the printed notice, looked at in a real browser (headless Chromium).

Screenshots land in build/screenshots/ for a person to look at; the tests check
that nothing runs past the right edge of a 360-pixel phone, and that each
printed notice has the page size of its sheet and fits on at most two sheets,
the signature block on the last.
"""

from __future__ import annotations

import pypdf
import pytest

from tests.browser import measure_width, screenshot
from tests.conftest import EXAMPLES
from tests.publish_fixtures import hostile, run
from yishi.publish.board_cli import publish_all
from yishi.publish.site import BoardOptions

POINTS = {"A4": (595.28, 841.89), "A3": (841.89, 1190.55)}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    engine, records = hostile(tmp)
    out = tmp / "board"
    published = publish_all(
        out, engine.state, engine.rulesets, records, BoardOptions(community="古槐村")
    )
    assert published.pdf_problem == ""
    return out


# the print page too: residents open the A4 link on their phones
PAGES = ("index.html", "matters/m4.html", "verify.html", "print/m4-d1-A4.html")


@pytest.mark.parametrize("page", PAGES)
def test_nothing_overflows_a_360_pixel_phone(site, page):
    viewport, widest, culprit = measure_width(site / page, 360)
    assert viewport == 360
    assert widest <= viewport, f"{page}: {culprit} reaches {widest}px"


@pytest.mark.parametrize("page", PAGES)
def test_screenshots_at_desktop_and_phone_width(site, page):
    stem = page.replace("/", "-").removesuffix(".html")
    screenshot(site / page, f"{stem}-desktop.png", 1280, 1600)
    screenshot(site / page, f"{stem}-phone.png", 360, 2400)


def test_the_printed_notice_in_the_browser(site):
    screenshot(site / "print" / "m4-d1-A4.html", "notice-A4.png", 794, 1123)


@pytest.mark.parametrize("sheet", ["A4", "A3"])
def test_each_notice_has_its_sheet_size_and_fits_two_sheets(site, sheet):
    pdfs = sorted((site / "print").glob(f"*-{sheet}.pdf"))
    assert len(pdfs) == 2
    for pdf in pdfs:
        reader = pypdf.PdfReader(pdf)
        assert 1 <= len(reader.pages) <= 2, f"{pdf.name}: {len(reader.pages)} pages"
        for page in reader.pages:
            size = (float(page.mediabox.width), float(page.mediabox.height))
            assert size == pytest.approx(POINTS[sheet], abs=1)
        fonts = {
            str(font.get_object()["/BaseFont"])
            for page in reader.pages
            for font in page["/Resources"].get("/Font", {}).values()
        }
        assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts  # real CJK fonts, embedded
        last = reader.pages[-1].extract_text()
        assert "公示单位" in last and "村民委员会" in last
        everything = "".join(p.extract_text() for p in reader.pages)
        assert "110101199003077571" not in everything and "13812345678" not in everything.replace(
            " ", ""
        )


@pytest.fixture(scope="module")
def accounts_site(tmp_path_factory):
    """Example 07: an implementation result with its accounts, one line over budget."""
    out = tmp_path_factory.mktemp("accounts") / "board"
    engine, records = run("07_community_elevator.toml")
    published = publish_all(
        out, engine.state, engine.rulesets, records, BoardOptions(community="和平里社区")
    )
    assert published.pdf_problem == ""
    return out


def test_the_accounts_fit_a_phone_and_are_looked_at(accounts_site):
    page = accounts_site / "matters" / "m7.html"
    viewport, widest, culprit = measure_width(page, 360)
    assert widest <= viewport, f"{culprit} reaches {widest}px"
    screenshot(page, "accounts-phone.png", 360, 3200)
    screenshot(page, "accounts-desktop.png", 1280, 2400)
    screenshot(accounts_site / "print" / "m7-d2-A4.html", "accounts-notice-A4.png", 794, 1123)


def test_the_printed_accounts_mark_the_line_over_budget(accounts_site):
    reader = pypdf.PdfReader(accounts_site / "print" / "m7-d2-A4.pdf")
    text = "".join(p.extract_text() for p in reader.pages)
    assert "井道土建" in text and "超支 6,000.00" in text
    assert "420,000.00" in text and "412,000.00" in text


def test_a_notice_longer_than_a_sheet_runs_on_numbered_continuation_sheets(tmp_path):
    """A genuinely long notice loses nothing: every sheet is numbered, the second on
    carries the title and （续）, and the signature block is on the last only."""
    from yishi.plugins.host import PluginHost
    from yishi.publish.channels import PrintPublisher

    source = (EXAMPLES / "04_objection_during_disclosure.toml").read_text(encoding="utf-8")
    long_text = (
        "方案说明第{}条：道路硬化按村民代表会议决议施工，材料与人工按户分摊，账目按季度公开。"
    )
    folder = tmp_path / "long"
    folder.mkdir()
    (folder / "guhuai_village.toml").write_bytes((EXAMPLES / "guhuai_village.toml").read_bytes())
    marker = 'text = "第三、四组村内道路硬化 1.2 公里，宽 3.5 米，每户筹劳 2 个工日，不能出工的每工日折资 100 元。"'
    assert marker in source
    longer = source.replace(
        marker, 'text = "' + "".join(long_text.format(n) for n in range(1, 60)) + '"'
    )
    (folder / "s.toml").write_text(longer, encoding="utf-8")
    out = tmp_path / "print"
    host = PluginHost.load(
        [PrintPublisher(out, community="古槐村", publisher="古槐村民委员会")], entry_points=False
    )
    from yishi.scenario import load_scenario, run_scenario

    run_scenario(load_scenario(folder / "s.toml"), plugins=host)
    reader = pypdf.PdfReader(out / "m4-d1-A4.pdf")
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页，共 {len(pages)} 页" in text
        assert ("（续）" in text) is (number > 1)
        assert ("公示单位" in text) is (number == len(pages))
    assert "方案说明第59条" in "".join(pages)


def test_the_measurement_sees_an_overflow(tmp_path):
    page = tmp_path / "wide.html"
    page.write_text(
        '<!doctype html><body><div style="width:600px">宽</div></body>', encoding="utf-8"
    )
    viewport, widest, culprit = measure_width(page, 360)
    assert viewport == 360 and widest >= 600 and culprit.startswith("DIV")
