"""yishi publish, yishi graph, yishi verify --code: as a community worker types them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLES
from yishi.cli import main
from yishi.publish.code import verification_code
from yishi.store.sqlite import SQLiteStore


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    db = tmp_path_factory.mktemp("log") / "yishi.db"
    result = CliRunner().invoke(
        main, ["run", str(EXAMPLES / "04_objection_during_disclosure.toml"), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    return db


def _codes(db):
    with SQLiteStore(db) as store:
        return [
            verification_code(r.event.disclosure, r.event.checkpoint)
            for r in store.read_all()
            if type(r.event).__name__ == "DisclosurePublished"
        ]


def test_verify_accepts_the_code_printed_on_a_notice(log):
    code = _codes(log)[0]
    typed = code.lower().replace("-", " ").replace("0", "o")
    result = CliRunner().invoke(main, ["verify", "--db", str(log), "--code", typed])
    assert result.exit_code == 0, result.output
    assert f"{code}：《第三、四组村内道路硬化" in result.output and "记录完好" in result.output
    english = CliRunner().invoke(main, ["verify", "--db", str(log), "--code", code, "--lang", "en"])
    assert "Log intact" in english.output and "posted 2026-06-13" in english.output


def test_an_unknown_or_malformed_code_is_refused(log):
    unknown = CliRunner().invoke(main, ["verify", "--db", str(log), "--code", "ZZZZ-ZZZZ"])
    assert unknown.exit_code == 1 and "没有核验码为此的公示" in unknown.output
    malformed = CliRunner().invoke(main, ["verify", "--db", str(log), "--code", "12-U"])
    assert malformed.exit_code == 2 and "核验码应为 8 位字母和数字" in malformed.output


def test_a_code_on_a_changed_log_does_not_verify(tmp_path, log):
    import shutil
    import sqlite3

    copy = tmp_path / "copy.db"
    shutil.copy(log, copy)
    with sqlite3.connect(copy) as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(events)")]
        data = next(c for c in ("payload", "data", "body") if c in columns)
        # record 1 names the village (CommunityNamed); record 2 registers the first household
        db.execute(f"UPDATE events SET {data} = replace({data}, '王家', '汪家') WHERE seq = 2")
        assert "汪家" in db.execute(f"SELECT {data} FROM events WHERE seq = 2").fetchone()[0]
    result = CliRunner().invoke(main, ["verify", "--db", str(copy), "--code", _codes(log)[0]])
    assert result.exit_code == 1


def test_publish_writes_the_board_and_the_printed_notices(tmp_path, log):
    out = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["publish", "--to", str(out), "--db", str(log), "--community", "古槐村"]
    )
    assert result.exit_code == 0, result.output
    assert "公开栏：file://" in result.output
    assert (out / "index.html").is_file() and (out / "verify.html").is_file()
    assert (out / "feed.atom").is_file() and (out / "matters" / "m4.html").is_file()
    assert sorted(p.name for p in (out / "print").glob("*.pdf")) == [
        "m4-d1-A3.pdf",
        "m4-d1-A4.pdf",
        "m4-d2-A3.pdf",
        "m4-d2-A4.pdf",
    ]
    ET.fromstring((out / "feed.atom").read_bytes())  # well-formed
    again = CliRunner().invoke(main, ["publish", "--to", str(out), "--db", str(log), "--no-pdf"])
    assert again.exit_code == 0  # re-runnable over its own output


def test_publish_without_a_log_says_so(tmp_path):
    result = CliRunner().invoke(
        main, ["publish", "--to", str(tmp_path / "o"), "--db", str(tmp_path / "none.db")]
    )
    assert result.exit_code == 2 and "找不到记录文件" in result.output
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_graph_svg_is_xml_with_every_stage_and_the_words(lang):
    result = CliRunner().invoke(main, ["graph", "siyi_liang_gongkai", "--lang", lang])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.output)
    text = "".join(root.itertext())
    if lang == "zh":
        for words in (
            "党组织提议",
            "三分之二以上",
            "未通过",
            "异议未解决",
            "终止，不得实施",
            "办结",
        ):
            assert words in text
    else:
        assert "at least 2/3 of" in text and "党" not in text


def test_graph_mermaid_and_dot():
    mermaid = CliRunner().invoke(main, ["graph", "bandenghui", "--format", "mermaid"]).output
    assert mermaid.startswith("flowchart TD") and "-->" in mermaid
    dot = CliRunner().invoke(main, ["graph", "siyi_liang_gongkai", "--format", "dot"]).output
    assert dot.startswith("digraph") and "style=dashed" in dot


def test_graph_of_an_unknown_rule_set():
    result = CliRunner().invoke(main, ["graph", "nope"])
    assert result.exit_code == 1 and "nope" in result.output


def test_publish_in_english_with_a_communitys_templates(tmp_path, log):
    folder = tmp_path / "ours"
    folder.mkdir()
    (folder / "wording.toml").write_text('[en]\nboard = "Village notice board"\n', encoding="utf-8")
    out = tmp_path / "site"
    result = CliRunner().invoke(
        main,
        [
            "publish",
            "--to",
            str(out),
            "--db",
            str(log),
            "--lang",
            "en",
            "--no-pdf",
            "--templates",
            str(folder),
            "--community",
            "Guhuai",
            "--url",
            "https://board.example/guhuai",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Board: file://" in result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Guhuai · Village notice board" in index and 'lang="en"' in index
    feed = (out / "feed.atom").read_text(encoding="utf-8")
    assert 'href="https://board.example/guhuai/feed.atom"' in feed
    printed = (out / "print" / "m4-d1-A4.html").read_text(encoding="utf-8")
    assert "Posting period" in printed and "公示期" not in printed
    assert not list((out / "print").glob("*.pdf"))
