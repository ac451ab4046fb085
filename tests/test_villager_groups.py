"""村民小组 bodies generated from one rule (村组法 2025 Art. 32): one template in the
rule set, one meeting per group in the community, each counting its own people."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ROOT
from yishi.domain.groups import BodyTable, for_state, instance_id
from yishi.domain.membership import households_in_scope, roster
from yishi.domain.state import Group, Household, Person, State
from yishi.report import to_json
from yishi.rulesets.loader import check_text, load
from yishi.scenario import load_scenario, run_scenario

RULESET = ROOT / "rulesets" / "villager_group.toml"
DAY = dt.date(2026, 3, 6)


def _village(groups_of_households: list[int], adults: list[int]) -> State:
    state = State()
    for g in sorted(set(groups_of_households)):
        state.groups[f"g{g}"] = Group(f"g{g}", f"第{g}村民小组")
    for h, (g, n) in enumerate(zip(groups_of_households, adults, strict=True)):
        state.households[f"h{h}"] = Household(f"h{h}", f"第{h}户", group=f"g{g}")
        for k in range(n):
            pid = f"p{h}_{k}"
            state.people[pid] = Person(pid, pid, born=dt.date(1980, 1, 1), household=f"h{h}")
        # a child of the household: never a member of any group meeting
        state.people[f"c{h}"] = Person(
            f"c{h}", "child", born=dt.date(2015, 1, 1), household=f"h{h}"
        )
    return state


@given(
    data=st.data(),
    households=st.integers(min_value=1, max_value=30),
    groups=st.integers(min_value=1, max_value=5),
)
def test_group_meetings_split_the_village_adults_and_households(data, households, groups):
    layout = data.draw(st.lists(st.integers(1, groups), min_size=households, max_size=households))
    adults = data.draw(st.lists(st.integers(0, 3), min_size=households, max_size=households))
    state = _village(layout, adults)
    rs = for_state(load(RULESET), state)
    rosters = {g: roster(state, rs, instance_id("villager_group", g), DAY) for g in state.groups}
    everyone = [p for r in rosters.values() for p in r]
    assert len(everyone) == len(set(everyone)) == sum(adults)  # disjoint, adults only
    for g, members in rosters.items():
        assert all(state.households[state.people[p].household].group == g for p in members)
        scope = households_in_scope(state, rs, instance_id("villager_group", g))
        assert scope == {h for h, hh in state.households.items() if hh.group == g}


def test_template_resolves_to_named_group_meetings():
    rs = load(RULESET)
    assert isinstance(rs.bodies, BodyTable)
    assert list(rs.bodies) == ["village_committee", "villager_group"]  # only declared ones
    bare = rs.bodies["villager_group@g3"]
    assert bare.group == "g3" and bare.per is None
    state = State(groups={"g3": Group("g3", "第三村民小组")})
    named = for_state(rs, state).bodies["villager_group@g3"]
    assert named.name == "村民小组会议（第三村民小组）"
    assert named.rules == rs.bodies["villager_group"].rules  # same statutory rules
    for missing in ("village_committee@g3", "nobody@g3", "villager_group@"):
        with pytest.raises(KeyError):
            rs.bodies[missing]


def test_scenario_decides_each_matter_in_its_own_group():
    report = run_scenario(load_scenario(ROOT / "examples" / "33_villager_groups.toml"))
    doc = to_json(report)
    meetings = {m["meeting"]: m for m in doc["meetings"]}
    passed = meetings["m33-meeting"]
    assert passed["body"] == "villager_group@g3" and passed["outcome"] == "passed"
    adults, households = passed["result"]["quorum"]["checks"]
    assert (adults["count"], adults["base_value"], adults["met"]) == (14, 40, False)
    assert (households["count"], households["base_value"], households["minimum"]) == (14, 20, 14)
    assert households["met"]
    failed = meetings["m36-meeting"]
    assert failed["outcome"] == "no_quorum"
    assert failed["result"]["quorum"]["checks"][1]["count"] == 13
    assert failed["result"]["quorum"]["checks"][1]["base_value"] == 21
    codes = [r.refusal.code for r in report.results if r.refusal is not None]
    assert codes == ["unknown_group", "group_required", "not_in_group"]


def test_group_template_below_article_32_is_refused():
    text = RULESET.read_text(encoding="utf-8")
    bad = text.replace(
        '{ base = "eligible_adults", fraction = "2/3", cmp = ">=" },',
        '{ base = "eligible_adults", fraction = "1/2", cmp = ">" },',
    )
    assert bad != text
    ruleset, problems = check_text(bad.encode(), "g.toml")
    assert ruleset is None
    assert any(p.path == "bodies.villager_group.quorum" and p.line for p in problems)


def test_unknown_per_value_is_located():
    text = RULESET.read_text(encoding="utf-8")
    bad = text.replace('per = "village_group"', 'per = "courtyard"').encode()
    ruleset, problems = check_text(bad, "g.toml")
    assert ruleset is None
    found = [p for p in problems if p.path == "bodies.villager_group.per"]
    assert found and found[0].line == text.splitlines().index('per = "village_group"') + 1


def test_household_in_an_unlisted_group_is_refused(tmp_path: Path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'schema_version = 1\ntitle = "t"\nruleset = "villager_group"\n'
        "[community]\n"
        '[[community.groups]]\nid = "g1"\nname = "第一村民小组"\n'
        '[[community.households]]\nid = "h1"\nname = "甲户"\ngroup = "g2"\n'
        '[[community.people]]\nid = "p1"\nname = "甲"\nhousehold = "h1"\nborn = 1970-01-01\n'
        '[[actions]]\nat = 2026-03-02\nactor = "p1"\ndo = "propose"\nmatter = "m1"\ntitle = "t"\n',
        encoding="utf-8",
    )
    report = run_scenario(load_scenario(scenario))
    refusal = report.results[0].refusal
    assert refusal is not None and refusal.code == "unknown_ref"
    assert "households.h1.group" in refusal.message("zh")


def test_flowchart_reads_quorum_alternatives_as_or():
    """Art. 32's two ways of being quorate are alternatives: the chart says 或, not 且."""
    from yishi.publish.graph import flow, to_mermaid

    zh = to_mermaid(flow(load(RULESET), "zh"))
    assert "十八周岁以上村（居）民三分之二以上（含本数），或户数三分之二以上（含本数）" in zh
    assert " or " in to_mermaid(flow(load(RULESET), "en"))


def test_flowchart_shows_the_household_condition_and_the_canvass():
    from yishi.publish.graph import flow, to_mermaid

    zh = to_mermaid(flow(load(ROOT / "rulesets" / "yishi_yiyi.toml"), "zh"))
    assert "另须：到会代表所代表的户占本村（组）户数三分之二以上（含本数）" in zh
    assert "表决前：村民代表逐户征求意见，每户签字" in zh
    assert "须先报县级农民负担监督管理部门复审批准" in zh


@given(
    group=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=12),
    name=st.text(min_size=1, max_size=8),
)
def test_any_group_id_resolves_to_its_own_meeting(group, name):
    rs = load(RULESET)
    body_id = instance_id("villager_group", group)
    assert body_id in rs.bodies and body_id not in list(rs.bodies)
    named = for_state(rs, State(groups={group: Group(group, name)})).bodies[body_id]
    assert named.group == group and named.id == body_id and name in named.name
    assert named.membership is rs.bodies["villager_group"].membership
