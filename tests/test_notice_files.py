"""verify --notices beyond Markdown (T09): the JSON, HTML and PDF notices the demo
publishes are checked against the log, and a figure changed in any of them is
reported with the file and what differs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from yishi.audit import notice_paths
from yishi.cli import main


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "demo"
    result = CliRunner().invoke(main, ["demo", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def _verify(folder: Path, *notices: Path) -> tuple[int, dict]:
    args = ["verify", "--db", str(folder / "yishi.db"), "--json"]
    for notice in notices:
        args += ["--notices", str(notice)]
    result = CliRunner().invoke(main, args)
    return result.exit_code, json.loads(result.output)


def _copy(demo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo"
    shutil.copytree(demo, copy)
    return copy


def _problems(document: dict) -> list[str]:
    return [d["message"]["en"] for d in document["damage"]]


def test_a_folder_gives_every_published_form(demo):
    found = {p.relative_to(demo).as_posix() for p in notice_paths([demo])}
    assert "board/notices/2026-01-result.json" in found
    assert "board/print/2026-01-result-A4.pdf" in found
    assert "board/print/2026-01-result-A4.html" in found
    assert "board/matters/2026-01.html" in found
    assert "board/index.html" not in found and "board/verify.html" not in found


def test_the_untouched_demo_notices_all_check_out(demo):
    code, document = _verify(demo, demo)
    assert code == 0, document
    # 13 on the Chinese board and in print, 3 more on the English board beside it.
    assert document["notices_checked"] == 16


def test_a_changed_count_in_the_json_is_named_with_its_path(demo, tmp_path):
    copy = _copy(demo, tmp_path)
    path = copy / "board" / "notices" / "2026-01-resolution.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["decisions"][-1]["counts"]["yes"] += 1
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, document = _verify(copy, path)
    assert code == 1
    (problem,) = _problems(document)
    assert "2026-01-resolution.json" in problem
    assert "decisions[4].counts.yes" in problem and "the log gives 22" in problem


def test_a_changed_count_on_a_board_page_is_reported(demo, tmp_path):
    copy = _copy(demo, tmp_path)
    path = copy / "board" / "matters" / "2026-01.html"
    page = path.read_text(encoding="utf-8")
    assert "赞成 <b>22</b>" in page
    path.write_text(page.replace("赞成 <b>22</b>", "赞成 <b>24</b>", 1), encoding="utf-8")
    code, document = _verify(copy, path)
    assert code == 1
    (problem,) = _problems(document)
    assert "2026-01.html" in problem and "赞成 22" in problem


def test_a_changed_amount_in_the_printed_html_is_reported(demo, tmp_path):
    copy = _copy(demo, tmp_path)
    path = copy / "board" / "print" / "2026-01-result-A4.html"
    page = path.read_text(encoding="utf-8")
    path.write_text(page.replace("3,200.00", "2,900.00"), encoding="utf-8")
    code, document = _verify(copy, path)
    assert code == 1
    (problem,) = _problems(document)
    assert "地块测绘与界桩 3,000.00 3,200.00" in problem


def test_a_pdf_printed_from_altered_figures_is_reported(demo, tmp_path):
    from yishi.publish.printed import notice_html, write_pdf
    from yishi.publish.render import Templates

    copy = _copy(demo, tmp_path)
    doc = json.loads((copy / "board" / "notices" / "2026-01-result.json").read_text("utf-8"))
    doc["implementation"]["accounts_total"]["spent"] = "3500.00"
    pdf = copy / "board" / "print" / "2026-01-result-A4.pdf"
    write_pdf(notice_html(doc, Templates("zh"), community="柳湾村"), pdf)
    assert "3,500.00" in "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    code, document = _verify(copy, pdf)
    assert code == 1
    (problem,) = _problems(document)
    assert "2026-01-result-A4.pdf" in problem and "合计 3,800.00 3,800.00" in problem


def test_a_pdf_that_is_not_one_is_reported_not_a_traceback(demo, tmp_path):
    bogus = tmp_path / "notice.pdf"
    bogus.write_bytes(b"%PDF-1.7\nnot really")
    code, document = _verify(demo, bogus)
    assert code == 1
    (problem,) = _problems(document)
    assert "notice.pdf" in problem
