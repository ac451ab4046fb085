"""yishi demo publishes its disclosures to the board and the printed notices."""

from __future__ import annotations

import json

import pypdf
from click.testing import CliRunner

from yishi.cli import main


def test_the_demo_writes_the_board_and_notices_and_says_where(tmp_path):
    directory = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--dir", str(directory)])
    assert result.exit_code == 0, result.output
    board = directory / "board"
    assert f"公开栏：{(board / 'index.html').resolve().as_uri()}" in result.output
    pdfs = sorted((board / "print").glob("*.pdf"))
    assert [p.name for p in pdfs] == [
        "2026-01-resolution-A3.pdf",
        "2026-01-resolution-A4.pdf",
        "2026-01-result-A3.pdf",
        "2026-01-result-A4.pdf",
    ]
    for pdf in pdfs:
        assert f"张贴用公示：{pdf.resolve().as_uri()}" in result.output
        # one sheet each, A4 included (docs/publishing.md: 一张纸为准)
        assert len(pypdf.PdfReader(pdf).pages) == 1, pdf.name
    result = "".join(
        p.extract_text() for p in pypdf.PdfReader(board / "print" / "2026-01-result-A4.pdf").pages
    )
    assert "超支 200.00" in result and "3,800.00" in result and "公示单位" in result
    page = (board / "matters" / "2026-01.html").read_text(encoding="utf-8")
    assert "<svg" in page and "print/2026-01-resolution-A4.pdf" in page
    # the code printed on the notice checks out against the demo's log
    doc = json.loads((board / "notices" / "2026-01-resolution.json").read_text(encoding="utf-8"))
    assert doc["code"] in (board / "verify.html").read_text(encoding="utf-8")
    checked = CliRunner().invoke(
        main, ["verify", "--db", str(directory / "yishi.db"), "--code", doc["code"]]
    )
    assert checked.exit_code == 0, checked.output
    assert "2026-03-20" in checked.output
    # and a second run replaces its own board without complaint
    again = CliRunner().invoke(main, ["demo", "--dir", str(directory), "--lang", "en"])
    assert again.exit_code == 0, again.output
    assert "Board: file://" in again.output
    index = (board / "index.html").read_text(encoding="utf-8")
    assert 'lang="en"' in index
