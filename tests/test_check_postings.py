"""`yishi check`: the 15-day posting floor holds for local procedures too.

居委会组织法 (2025) Art. 34(2)(v) and 村组法 (2025) Art. 35(2)(iv) list "协商确定的事项
及其落实情况" among what the committee must publish, for "不少于十五日" (Art. 34(3),
Art. 35(4)). A local rule set (statutory = false) that posts what a consultation
settled for fewer days is refused, with file, line, key, expected and found; a
posting that is not the committee's says so with ``statutory_posting = false``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from yishi.cli import main
from yishi.rulesets.loader import check_text
from yishi.rulesets.problems import errors

BENCH = (ROOT / "rulesets" / "bandenghui.toml").read_text(encoding="utf-8")  # urban, local
COUNCIL = (ROOT / "rulesets" / "guhuai_yishihui.toml").read_text(encoding="utf-8")  # village
SHEQU = (ROOT / "rulesets" / "siyi_liang_gongkai_shequ.toml").read_text(encoding="utf-8")
POSTED = "disclosure_days = 15"


def _days(text: str, days: int) -> str:
    assert text.count(POSTED) >= 1
    return text.replace(POSTED, f"disclosure_days = {days}", 1)


def _errors(text: str, name: str = "r.toml") -> list:
    _, problems = check_text(text.encode(), name)
    return errors(problems)


def _line(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


@pytest.mark.parametrize(
    ("text", "stage", "zh", "en"),
    [
        (
            BENCH,
            1,
            "《城市居民委员会组织法》（2025 年修订）第三十四条第二款第五项、第三款",
            "Art. 34(2)(v) and (3)",
        ),
        (
            COUNCIL,
            1,
            "《村民委员会组织法》（2025 年修正）第三十五条第二款第四项、第四款",
            "Art. 35(2)(iv) and (4)",
        ),
    ],
    ids=["urban", "village"],
)
def test_a_local_consultation_posted_14_days_is_refused_and_15_pass(text, stage, zh, en):
    assert not _errors(_days(text, 15))  # exactly the floor: 不少于 includes fifteen
    short = _days(text, 14)
    (problem,) = _errors(short)
    assert (problem.code, problem.path) == ("below_floor", f"stages[{stage}].disclosure_days")
    assert problem.line == _line(short, "disclosure_days = 14")
    message_zh, message_en = problem.message("zh"), problem.message("en")
    assert zh in message_zh and "组织协商确定的事项及其落实情况" in message_zh
    assert "公布的期限不得少于十五日" in message_zh and "≥ 15 日" in message_zh
    assert "实际为：14" in message_zh
    assert en in message_en and ">= 15 days" in message_en and "found 14" in message_en
    assert "statutory_posting = false" in message_en


def test_the_check_command_names_file_line_and_key_in_both_languages(tmp_path: Path):
    path = tmp_path / "bench.toml"
    short = _days(BENCH, 3)
    path.write_text(short, encoding="utf-8")
    line = _line(short, "disclosure_days = 3")
    zh = CliRunner().invoke(main, ["check", str(path)])
    en = CliRunner().invoke(main, ["check", str(path), "--lang", "en"])
    assert zh.exit_code == 1 and en.exit_code == 1
    assert f"bench.toml:{line}: 错误: stages[1].disclosure_days: 低于法定下限" in zh.output
    assert (
        f"bench.toml:{line}: error: stages[1].disclosure_days: below the statutory floor"
        in en.output
    )


def test_a_posting_that_is_not_the_committees_says_so_and_passes():
    short = _days(BENCH, 3)
    marked = short.replace(
        'disclosure_kind = "resolution"',
        'disclosure_kind = "resolution"\nstatutory_posting = false',
        1,
    )
    assert not _errors(marked)


def test_a_plan_posted_for_comment_is_not_held_unless_the_stage_says_it_is():
    other = _days(BENCH, 3).replace(
        'disclosure_kind = "resolution"', 'disclosure_kind = "other"', 1
    )
    assert not _errors(other)
    declared = other.replace(
        'disclosure_kind = "other"', 'disclosure_kind = "other"\nstatutory_posting = true', 1
    )
    (problem,) = _errors(declared)
    assert problem.path == "stages[1].disclosure_days"


def test_a_rule_set_for_either_setting_is_held_to_the_floor():
    anywhere = _days(BENCH, 14).replace('scope = "community"', 'scope = "any"', 1)
    (problem,) = _errors(anywhere)
    assert problem.code == "below_floor"


def test_a_statutory_rule_set_may_not_exempt_a_posting():
    marked = SHEQU.replace(POSTED, f"{POSTED}\nstatutory_posting = false", 1)
    (problem,) = _errors(marked)
    assert (problem.code, problem.path) == ("inconsistent", "stages[4].statutory_posting")
    assert "statutory = false" in problem.message("zh") and "local" in problem.message("en")


def test_every_shipped_local_procedure_posts_what_it_settled_for_15_days_or_more():
    from yishi.rulesets.registry import find, shipped

    for ruleset_id in shipped():
        rs = find(ruleset_id)
        for stage in rs.stages:
            if stage.disclosure_kind in ("resolution", "result"):
                assert stage.disclosure_days >= 15, (ruleset_id, stage.id)


def test_a_rule_set_following_the_2018_texts_is_warned_and_still_loads():
    """The 2018 texts list no consultations and set no period: a rule set that follows
    them (no law_version, or "2018") still loads, and the logs decided under it with
    it, with a warning pointing at the text in force."""
    old = _days(BENCH, 7).replace('law_version = "2025"\n', "", 1)
    ruleset, problems = check_text(old.encode(), "old.toml")
    assert ruleset is not None and ruleset.law_version == "2018" and not errors(problems)
    (warned,) = [p for p in problems if p.code == "below_floor"]
    assert (warned.severity, warned.path) == ("warning", "stages[1].disclosure_days")
    assert 'law_version = "2025"' in warned.message("zh") and "2026-01-01" in warned.message("en")
