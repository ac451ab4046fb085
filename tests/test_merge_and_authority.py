"""一肩挑 (merging the first two steps), who may propose, and matter types."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.engine import Engine
from yishi.rulesets.loader import check_text, load
from yishi.scenario.format import load_scenario
from yishi.store.memory import MemoryStore

ROOT = Path(__file__).resolve().parents[1]
T = dt.datetime(2026, 9, 1, 9, 0)

SIYI = load(ROOT / "rulesets" / "siyi_liang_gongkai.toml")


def engine_for(example: str) -> Engine:
    """The community of an example scenario under the shipped 四议两公开 rule set."""
    scenario = load_scenario(ROOT / "examples" / example)
    engine = Engine(MemoryStore(), SIYI)
    engine.execute(scenario.setup, T.replace(hour=0))
    return engine


def guhuai() -> Engine:
    """古槐村: secretary p01, director p03 — two people."""
    return engine_for("04_objection_during_disclosure.toml")


def xinwen() -> Engine:
    """新文村: w01 is both party secretary and village director (一肩挑)."""
    return engine_for("06_merged_steps.toml")


def refusal(engine: Engine, command: c.Command, at: dt.datetime = T) -> Refusal:
    before = len(engine.store)
    with pytest.raises(Refusal) as info:
        engine.execute(command, at)
    assert len(engine.store) == before
    return info.value


def propose(actor: str, merge_steps: bool = False, matter_type: str | None = None) -> c.Command:
    return c.ProposeMatter(
        actor=actor,
        matter="m1",
        title="村级光伏电站收益分配",
        matter_type=matter_type,
        merge_steps=merge_steps,
    )


def hold_meeting(
    engine: Engine, meeting: str, actor: str, people: tuple[str, ...], yes: int, no: int
) -> list[ev.Event]:
    engine.execute(
        c.ConveneMeeting(
            actor=actor, matter="m1", meeting=meeting, date=T.date(), method="show_of_hands"
        ),
        T,
    )
    engine.execute(c.CheckIn(actor=actor, meeting=meeting, people=people), T)
    engine.execute(c.EnterHandCount(actor=actor, meeting=meeting, yes=yes, no=no), T)
    return engine.execute(c.CloseMeeting(actor=actor, meeting=meeting), T)


def assert_rule_in_messages(found: Refusal, rule: str) -> None:
    assert found.rule == rule
    assert rule in found.message("zh")
    assert rule in found.message("en")
    assert found.as_dict()["rule"] == rule


# -- 一肩挑 -------------------------------------------------------------------------------


def test_merge_refused_when_secretary_and_director_differ():
    engine = guhuai()
    found = refusal(engine, propose("p01", merge_steps=True))
    assert found.code == "merge_not_allowed"
    assert_rule_in_messages(found, "stages.consult.merge")
    assert "party_branch_committee.secretary" in found.message("en")
    assert engine.state.matters == {}


def test_without_merge_the_same_village_starts_at_propose():
    engine = guhuai()
    events = engine.execute(propose("p01"), T)
    assert [e.type for e in events] == ["MatterProposed", "StageEntered"]
    assert events[0].merged == ()
    assert engine.state.matters["m1"].stage == "propose"


def test_merge_allowed_when_one_person_holds_both_offices():
    engine = xinwen()
    events = engine.execute(propose("w01", merge_steps=True), T)
    assert [e.type for e in events] == ["MatterProposed", "StageEntered"]
    assert events[0].merged == ("propose",)
    assert events[1].stage == "consult"
    matter = engine.state.matters["m1"]
    assert (matter.stage, matter.merged) == ("consult", ("propose",))
    assert [h.stage for h in matter.history] == ["consult"]


def test_restart_at_an_absorbed_stage_lands_on_the_absorbing_one():
    engine = xinwen()
    engine.execute(propose("w01", merge_steps=True), T)
    # two committees (4 members) reject: on_reject = revise_and_restart at "propose"
    events = hold_meeting(engine, "j1", "w01", ("w01", "w02", "w03", "w04"), yes=1, no=3)
    assert events[0].outcome == "rejected"
    entered = events[-1]
    assert isinstance(entered, ev.StageEntered)
    assert entered.stage == "consult"
    assert engine.state.matters["m1"].stage == "consult"
    # the restarted consult can be held again
    events = hold_meeting(engine, "j2", "w01", ("w01", "w02", "w03", "w04"), yes=4, no=0)
    assert events[-1].stage == "review"


def test_restart_without_merge_goes_back_to_propose():
    engine = guhuai()
    engine.execute(propose("p01"), T)
    hold_meeting(engine, "b1", "p01", ("p01", "p02", "p03"), yes=3, no=0)
    assert engine.state.matters["m1"].stage == "consult"
    # two committees: p01 secretary, p03 director; 7 members
    events = hold_meeting(engine, "j1", "p01", ("p01", "p02", "p03", "p04", "p05"), yes=1, no=4)
    assert events[-1].stage == "propose"


def test_merge_not_defined_in_a_procedure_without_a_merge_rule():
    text = """
schema_version = 1
id = "plain"
title = "简单程序"
statutory = false
proposers = ["residents"]

[bodies.group]
name = "议事会"
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[[stages]]
id = "talk"
kind = "meeting"
name = "协商"
bodies = ["group"]
"""
    ruleset, problems = check_text(text.encode())
    assert ruleset is not None, problems
    engine = Engine(MemoryStore(), ruleset)
    engine.execute(
        c.SetUpCommunity(actor="a", people=(c.PersonSpec(id="r", name="r", adult=True),)), T
    )
    found = refusal(engine, propose("r", merge_steps=True))
    assert found.code == "merge_not_defined"


# -- who may propose --------------------------------------------------------------------


@pytest.mark.parametrize("person", ["p04", "v001"])
def test_only_the_party_branch_may_propose(person):
    engine = guhuai()
    found = refusal(engine, propose(person))
    assert found.code == "not_authorized"
    assert_rule_in_messages(found, "proposers")
    assert "村党支部委员会" in found.message("zh")


def test_unknown_proposer_refused():
    engine = guhuai()
    assert refusal(engine, propose("nobody")).code == "unknown_person"


def test_party_branch_member_may_propose():
    engine = guhuai()
    engine.execute(propose("p03"), T)  # an ordinary branch committee member
    assert engine.state.matters["m1"].proposer == "p03"


# -- matter types -------------------------------------------------------------------------

TYPED_TOML = """
schema_version = 1
id = "village"
title = "本村程序"
statutory = false
proposers = ["residents"]

[bodies.group]
name = "议事会"
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[[stages]]
id = "talk"
kind = "meeting"
name = "协商"
bodies = ["group"]

[matter_types.road]
name = "道路修缮"

[matter_types.elevator]
name = "加装电梯"
procedure = "bandenghui"
"""


def typed() -> Engine:
    ruleset, problems = check_text(TYPED_TOML.encode())
    assert ruleset is not None, problems
    engine = Engine(MemoryStore(), ruleset)
    engine.execute(
        c.SetUpCommunity(actor="a", people=(c.PersonSpec(id="r", name="r", adult=True),)), T
    )
    return engine


def test_matter_type_of_another_procedure_refused():
    engine = typed()
    found = refusal(engine, propose("r", matter_type="elevator"))
    assert found.code == "wrong_procedure"
    assert found.params["procedure"] == "bandenghui"
    assert_rule_in_messages(found, "matter_types.elevator.procedure")


def test_matter_type_of_this_procedure_accepted():
    engine = typed()
    engine.execute(propose("r", matter_type="road"), T)
    assert engine.state.matters["m1"].matter_type == "road"


def test_unknown_matter_type_refused():
    engine = guhuai()
    found = refusal(engine, propose("p01", matter_type="spaceport"))
    assert found.code == "unknown_matter_type"
    assert_rule_in_messages(found, "matter_types")


def test_refusal_messages_name_the_rule_in_both_languages():
    engine = guhuai()
    found = refusal(engine, propose("p01", merge_steps=True))
    assert found.message("zh").endswith("（规则：stages.consult.merge）")
    assert found.message("en").endswith("(rule: stages.consult.merge)")
    assert found.as_dict()["message"] == {"zh": found.message("zh"), "en": found.message("en")}


def test_village_rules_cannot_be_decided_by_the_representative_assembly():
    """村规民约 are the villagers' assembly's alone: the override narrows the resolve stage."""
    from yishi.domain.rules import stage_bodies
    from yishi.rulesets.loader import load

    ruleset = load(ROOT / "rulesets" / "siyi_liang_gongkai.toml")
    resolve = ruleset.stage("resolve")
    assert stage_bodies(ruleset, resolve, None) == (
        "representatives_assembly",
        "villagers_assembly",
    )
    assert stage_bodies(ruleset, resolve, "village_rules") == ("villagers_assembly",)
