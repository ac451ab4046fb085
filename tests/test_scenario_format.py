"""Scenario files: located errors, ranges, shared community files, chronology."""

from __future__ import annotations

from pathlib import Path

import pytest

from yishi.rulesets.problems import RuleSetError
from yishi.scenario import run_scenario
from yishi.scenario.format import ACTIONS, expand, load_scenario

HEADER = """schema_version = 1
title = "t"
ruleset = "siyi_liang_gongkai"

[community]
name = "c"

[[community.people]]
id = "p1"
name = "甲"
born = 1970-01-01

[[community.bodies]]
id = "party_branch_committee"
by_role = { secretary = ["p1"] }
"""


def _problems(tmp_path: Path, actions: str) -> list:
    path = tmp_path / "s.toml"
    path.write_text(HEADER + actions, encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        load_scenario(path)
    return list(info.value.problems)


def test_expand_ranges_keeps_width_and_plain_ids():
    assert expand(["v008..v011", "p1"]) == ("v008", "v009", "v010", "v011", "p1")
    assert expand(["x1..x3"]) == ("x1", "x2", "x3")
    assert expand(["a1..b3"]) == ("a1..b3",)  # different prefixes: not a range


def test_unknown_action_is_located_with_a_hint(tmp_path):
    problems = _problems(
        tmp_path,
        '\n[[actions]]\nat = 2026-01-01\nactor = "p1"\ndo = "proppose"\nmatter = "m"\ntitle = "x"\n',
    )
    (problem,) = [p for p in problems if p.path == "actions[0].do"]
    assert problem.line == 20 and problem.code == "bad_value"
    assert "propose" in problem.hint


def test_missing_field_and_quoted_date(tmp_path):
    problems = _problems(
        tmp_path,
        '\n[[actions]]\nat = "2026-01-01"\nactor = "p1"\ndo = "propose"\nmatter = "m"\n',
    )
    codes = {(p.code, p.path) for p in problems}
    assert ("missing", "actions[0].title") in codes
    assert ("wrong_type", "actions[0].at") in codes
    assert all(p.file.endswith("s.toml") and p.line for p in problems)


def test_actions_must_be_in_time_order(tmp_path):
    actions = (
        '\n[[actions]]\nat = 2026-01-02\nactor = "p1"\ndo = "tick"\n'
        '\n[[actions]]\nat = 2026-01-01\nactor = "p1"\ndo = "tick"\n'
    )
    (problem,) = _problems(tmp_path, actions)
    assert problem.code == "inconsistent" and problem.path == "actions[1].at"
    assert problem.line == 23


def test_missing_community_file_is_reported(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        'schema_version = 1\ntitle = "t"\nruleset = "bandenghui"\ncommunity_file = "nope.toml"\nactions = []\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleSetError) as info:
        load_scenario(path)
    assert {p.code for p in info.value.problems} >= {"unreadable"}


def test_toml_syntax_error_has_line_and_column(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(HEADER + "\n[[actions]\n", encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert problem.code == "toml_syntax" and problem.line == 17


def test_shared_community_file_is_merged():
    scenario = load_scenario(
        Path(__file__).resolve().parents[1] / "examples" / "03_quorum_failed_reconvene.toml"
    )
    ids = {p.id for p in scenario.setup.people}
    assert {"p01", "v080", "y01"} <= ids  # shared file, generated villagers, and the scenario's own
    assert len(scenario.setup.households) == 45


def _minimal(field) -> str:
    if field.type == "integer":
        return "1"
    if field.type == "boolean":
        return "true"
    if field.type == "array":
        return '["p1"]'
    if field.type == "map":
        return '{ p1 = ["p1"] }' if field.values and field.values.type == "array" else "{ p1 = 1 }"
    if field.doc.startswith("日期"):
        return "2026-01-01"
    return '"x"'


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_with_only_its_required_fields_plays_without_a_traceback(tmp_path, action):
    """Whatever a clerk leaves out, the run ends in a refusal or a located error, never a crash."""
    _, fields = ACTIONS[action]
    lines = ["", "[[actions]]", "at = 2026-01-01", 'actor = "p1"', f'do = "{action}"']
    lines += [f"{key} = {_minimal(f)}" for key, f in fields.items() if f.required]
    path = tmp_path / "s.toml"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    try:
        report = run_scenario(load_scenario(path))
    except RuleSetError as exc:
        assert all(p.line for p in exc.problems)
    else:
        assert len(report.results) >= 2


def test_quoted_dates_outside_actions_are_located(tmp_path):
    text = HEADER.replace("born = 1970-01-01", 'born = "1970-01-01"').replace(
        'ruleset = "siyi_liang_gongkai"', 'ruleset = "siyi_liang_gongkai"\nuntil = "2026-04-30"'
    )
    path = tmp_path / "s.toml"
    path.write_text(text + "actions = []\n", encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        load_scenario(path)
    found = {(p.code, p.path, p.line) for p in info.value.problems}
    assert found >= {("wrong_type", "until", 4), ("wrong_type", "community.people[0].born", 12)}
