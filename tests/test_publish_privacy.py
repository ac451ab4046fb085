"""Personal data never reaches a published page: tests try to leak each kind."""

from __future__ import annotations

import json
import random

from hypothesis import given
from hypothesis import strategies as st

from tests.publish_fixtures import ID_NUMBER, NAME, PHONE, hostile, leaks, run
from yishi.plugins.host import PluginHost
from yishi.publish.channels import BoardPublisher, JsonPublisher, MarkdownPublisher, PrintPublisher
from yishi.publish.files import FilePublisher
from yishi.publish.privacy import id_check_char, is_id_number, mask_text
from yishi.publish.site import BoardOptions, write_board


def _an_id(rng: random.Random) -> str:
    first = f"{rng.randint(110000, 659000)}{rng.randint(1950, 2008)}{rng.randint(1, 12):02}{rng.randint(1, 28):02}{rng.randint(0, 999):03}"
    return first + id_check_char(first)


def test_id_numbers_are_recognised_by_their_check_character():
    assert is_id_number(ID_NUMBER)
    assert not is_id_number(ID_NUMBER[:-1] + "2")  # wrong check digit: an account number
    assert is_id_number("11010519491231002X") and is_id_number("11010519491231002x")


def test_masks():
    assert mask_text(f"身份证{ID_NUMBER}。") == "身份证1101**********7571。"
    assert mask_text(f"电话{PHONE}") == "电话138****5678"
    assert mask_text("电话 +86 138-1234-5678") == "电话 138****5678"
    assert mask_text("座机 0371-65432109") == "座机 0371-******09"
    assert mask_text("合同号 110101199003077572") == "合同号 110101199003077572"  # not an ID
    assert mask_text("2026-03-17 租金 24000 元") == "2026-03-17 租金 24000 元"


@given(st.randoms(use_true_random=False), st.text(max_size=20), st.text(max_size=20))
def test_no_valid_id_survives_masking(rng, before, after):
    number = _an_id(rng)
    masked = mask_text(f"{before} {number} {after}")
    assert number not in masked


@given(st.integers(3, 9), st.integers(0, 999_999_999), st.sampled_from(["", " ", "-"]))
def test_no_mobile_number_survives_masking(second, rest, sep):
    number = f"1{second}{rest:09d}"
    written = f"{number[:3]}{sep}{number[3:7]}{sep}{number[7:]}"
    assert mask_text(f"请联系{written}。") == f"请联系{number[:3]}****{number[7:]}。"


def _every_file(root):
    return {
        p: p.read_text(encoding="utf-8")
        for p in root.rglob("*")
        if p.suffix in (".html", ".md", ".json", ".atom", ".css")
    }


def test_nothing_leaks_through_any_publisher(tmp_path):
    out = tmp_path / "out"
    publishers = [
        FilePublisher(out / "files"),
        MarkdownPublisher(out / "md"),
        JsonPublisher(out / "json"),
        BoardPublisher(out / "board", community="古槐村"),
        PrintPublisher(out / "print", community="古槐村", pdf=False),
    ]
    host = PluginHost.load(publishers, entry_points=False)
    engine, _records = hostile(tmp_path, plugins=host)
    assert engine.store.hook_failures() == []
    files = _every_file(out)
    assert len(files) > 10
    for path, text in files.items():
        found = leaks(text)
        if path.suffix == ".json":  # data for portals: markup stays as typed text, numbers masked
            found = [f for f in found if not f.startswith("<")]
        assert not found, f"{path}: {found}"
    board = (out / "board" / "matters" / "m4.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in board
    assert "&lt;img src=x onerror=alert(1)&gt;" in board
    assert "1101**********7571" in board and "138****5678" in board
    markdown = (out / "md" / "m4-d1.md").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in markdown


def test_a_name_with_markup_shows_as_text(tmp_path):
    engine, records = run("05_recusal.toml")
    recused = next(iter(next(iter(engine.state.matters.values())).recused))
    engine.state.people[recused].name = NAME
    write_board(tmp_path, engine.state, engine.rulesets, records, BoardOptions())
    pages = "".join(t for p, t in _every_file(tmp_path).items() if p.suffix != ".json")
    assert "<b onmouseover" not in pages
    assert "&lt;b onmouseover=alert(2)&gt;王&lt;/b&gt;" in pages


def test_secret_ballots_are_never_tied_to_a_name(tmp_path):
    """Example 01's party meeting votes by secret ballot: no voter of it is named
    anywhere, unless named for another reason (a recusal, a supervisor's sign-off)."""
    engine, records = run("01_land_lease_passes.toml")
    write_board(tmp_path, engine.state, engine.rulesets, records, BoardOptions())
    text = "".join(_every_file(tmp_path).values())
    # A secret ballot leaves only its register entry (BallotReceived) in the log;
    # open ballots (BallotCast) name their voters too. Neither may reach a notice.
    voters = {
        r.event.voter for r in records if type(r.event).__name__ in ("BallotCast", "BallotReceived")
    }
    assert voters
    allowed = set()
    for path in (tmp_path / "notices").glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        allowed |= {s["by"] for s in doc["supervision"]} | {r["person"] for r in doc["recusals"]}
    named = [
        engine.state.people[v].name
        for v in voters
        if engine.state.people[v].name in text
        and not any(engine.state.people[v].name in a for a in allowed)
    ]
    assert named == []
