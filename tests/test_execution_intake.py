"""Execution (办) with supervisor sign-off, evaluation (评) by raters, and intake (提)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.domain.naming import suggestion_name
from yishi.domain.rules import RuleSet
from yishi.engine import Engine
from yishi.rulesets.loader import check_text, load
from yishi.scenario.format import load_scenario
from yishi.store.memory import MemoryStore

ROOT = Path(__file__).resolve().parents[1]

EXECUTION_TOML = """
schema_version = 1
id = "ex"
title = "实施与测评"
statutory = false
proposers = ["committee"]

[bodies.committee]
name = "村委会"
roles = ["director", "member"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[bodies.monitors]
name = "村务监督委员会"
roles = ["chair", "member"]

[bodies.panel]
name = "测评小组"

[[stages]]
id = "carry_out"
kind = "execution"
name = "组织实施"
actors = ["committee"]
SUPERVISOR

[[stages]]
id = "rate"
kind = "evaluation"
name = "满意度测评"
actors = ["committee"]
raters = ["panel"]
scale = ["满意", "基本满意", "不满意"]
satisfied = ["满意", "基本满意"]
threshold = { base = "votes_cast", fraction = "4/5", cmp = ">=" }
on_pass = "complete"
on_reject = { action = "goto", stage = "carry_out" }
"""

DIRECTOR = "d1"
MONITORS = ("w1", "w2")
PANEL = tuple(f"p{i:02d}" for i in range(1, 11))  # ten raters
MATTER = "m1"
T = dt.datetime(2026, 9, 1, 9, 0)


def build(supervisor: str = 'supervisor = ["monitors"]') -> RuleSet:
    ruleset, problems = check_text(EXECUTION_TOML.replace("SUPERVISOR", supervisor).encode())
    assert ruleset is not None, [(p.code, p.path) for p in problems]
    return ruleset


def later(hours: int) -> dt.datetime:
    return T + dt.timedelta(hours=hours)


def start(supervisor: str = 'supervisor = ["monitors"]') -> Engine:
    ruleset = build(supervisor)
    engine = Engine(MemoryStore(), ruleset)
    people = (DIRECTOR, *MONITORS, *PANEL, "r1")
    engine.execute(
        c.SetUpCommunity(
            actor="admin",
            people=tuple(c.PersonSpec(id=p, name=p, adult=True) for p in people),
            bodies=(
                c.BodySpecEntry(
                    id="committee", members=(c.MemberSpec(person=DIRECTOR, roles=("director",)),)
                ),
                c.BodySpecEntry(
                    id="monitors",
                    members=(
                        c.MemberSpec(person="w1", roles=("chair",)),
                        c.MemberSpec(person="w2", roles=("member",)),
                    ),
                ),
                c.BodySpecEntry(id="panel", members=tuple(c.MemberSpec(person=p) for p in PANEL)),
            ),
        ),
        T.replace(hour=0),
    )
    engine.execute(c.ProposeMatter(actor=DIRECTOR, matter=MATTER, title="修路"), T)
    return engine


def refusal(engine: Engine, command: c.Command, at: dt.datetime = T) -> Refusal:
    before = len(engine.store)
    with pytest.raises(Refusal) as info:
        engine.execute(command, at)
    assert len(engine.store) == before
    return info.value


def complete(engine: Engine, at: dt.datetime = T) -> list[ev.Event]:
    return engine.execute(c.CompleteExecution(actor=DIRECTOR, matter=MATTER), at)


def sign(engine: Engine, person: str, at: dt.datetime = T) -> list[ev.Event]:
    return engine.execute(c.SignOff(actor=person, matter=MATTER, text="验收合格"), at)


def rate(engine: Engine, person: str, rating: str, at: dt.datetime = T) -> list[ev.Event]:
    return engine.execute(c.Rate(actor=person, matter=MATTER, person=person, rating=rating), at)


def to_evaluation(engine: Engine) -> None:
    sign(engine, "w1")
    complete(engine)
    assert engine.state.matters[MATTER].stage == "rate"


# -- execution ------------------------------------------------------------------------


def test_completion_needs_a_supervisor_sign_off():
    engine = start()
    found = refusal(engine, c.CompleteExecution(actor=DIRECTOR, matter=MATTER))
    assert (found.code, found.rule) == ("needs_sign_off", "stages.carry_out.supervisor")
    sign(engine, "w2")
    events = complete(engine)
    assert [e.type for e in events] == ["ExecutionCompleted", "StageEntered"]
    assert events[1].stage == "rate"


def test_only_supervisor_body_members_may_sign():
    engine = start()
    found = refusal(engine, c.SignOff(actor=DIRECTOR, matter=MATTER))
    assert (found.code, found.rule) == ("not_authorized", "stages.carry_out.supervisor")
    found = refusal(engine, c.SignOff(actor="p01", matter=MATTER))
    assert found.code == "not_authorized"
    (signed,) = sign(engine, "w1")
    assert signed.supervisor == "w1"
    assert engine.state.matters[MATTER].signed_off_by == ["w1"]


def test_a_supervisor_signs_once():
    engine = start()
    sign(engine, "w1")
    assert refusal(engine, c.SignOff(actor="w1", matter=MATTER)).code == "already_signed"
    sign(engine, "w2")
    assert engine.state.matters[MATTER].signed_off_by == ["w1", "w2"]


def test_stage_without_supervisor_completes_without_sign_off():
    engine = start(supervisor="")
    found = refusal(engine, c.SignOff(actor="w1", matter=MATTER))
    assert (found.code, found.rule) == ("no_supervisor", "stages.carry_out.supervisor")
    assert [e.type for e in complete(engine)] == ["ExecutionCompleted", "StageEntered"]


def test_only_actors_may_complete():
    engine = start()
    sign(engine, "w1")
    found = refusal(engine, c.CompleteExecution(actor="w1", matter=MATTER))
    assert (found.code, found.rule) == ("not_authorized", "stages.carry_out.actors")


# -- evaluation ----------------------------------------------------------------------------


def test_rating_refused_outside_the_evaluation_stage():
    engine = start()
    found = refusal(engine, c.Rate(actor="p01", matter=MATTER, person="p01", rating="满意"))
    # The matter has not reached its evaluation: the refusal names the step to finish first.
    assert found.code == "step_missing"
    assert found.message("zh").startswith("须先完成：")
    assert found.message("en").startswith("first complete: ") and "_" not in found.message("en")


def test_only_raters_may_rate():
    engine = start()
    to_evaluation(engine)
    found = refusal(engine, c.Rate(actor="r1", matter=MATTER, person="r1", rating="满意"))
    assert (found.code, found.rule) == ("not_authorized", "stages.rate.raters")
    found = refusal(engine, c.Rate(actor="w1", matter=MATTER, person="w1", rating="满意"))
    assert found.code == "not_authorized"


def test_unknown_rating_refused():
    engine = start()
    to_evaluation(engine)
    found = refusal(engine, c.Rate(actor="p01", matter=MATTER, person="p01", rating="很好"))
    assert found.code == "bad_rating"


def test_one_rating_per_person():
    engine = start()
    to_evaluation(engine)
    rate(engine, "p01", "不满意")
    found = refusal(engine, c.Rate(actor="p01", matter=MATTER, person="p01", rating="满意"))
    assert found.code == "already_rated"
    assert engine.state.matters[MATTER].ratings == {"p01": "不满意"}


def test_someone_else_enters_a_rating_only_as_an_actor():
    engine = start()
    to_evaluation(engine)
    found = refusal(engine, c.Rate(actor="p02", matter=MATTER, person="p01", rating="满意"))
    assert (found.code, found.rule) == ("not_authorized", "stages.rate.actors")
    engine.execute(c.Rate(actor=DIRECTOR, matter=MATTER, person="p01", rating="满意"), T)
    assert engine.state.matters[MATTER].ratings == {"p01": "满意"}


def test_closing_without_ratings_refused():
    engine = start()
    to_evaluation(engine)
    assert refusal(engine, c.CloseEvaluation(actor=DIRECTOR, matter=MATTER)).code == "no_ratings"


def _rate_all(engine: Engine, satisfied: int) -> None:
    # 满意 and 基本满意 both count as satisfied
    ratings = ["满意", "基本满意"] * 5
    for i, person in enumerate(PANEL):
        rate(engine, person, ratings[i] if i < satisfied else "不满意")


def test_eight_of_ten_satisfied_meets_four_fifths():
    engine = start()
    to_evaluation(engine)
    _rate_all(engine, 8)
    events = engine.execute(c.CloseEvaluation(actor=DIRECTOR, matter=MATTER), later(1))
    closed = events[0]
    assert isinstance(closed, ev.EvaluationClosed)
    assert closed.outcome == "passed"
    assert dict(closed.counts) == {"ratings": 10, "satisfied": 8}
    check = closed.threshold["checks"][0]
    assert (check["count"], check["base_value"], check["minimum"]) == (8, 10, 8)
    assert isinstance(events[1], ev.MatterClosed) and events[1].status == "completed"
    assert engine.state.matters[MATTER].status == "completed"


def test_seven_of_ten_satisfied_fails_and_reopens_execution():
    engine = start()
    to_evaluation(engine)
    _rate_all(engine, 7)
    events = engine.execute(c.CloseEvaluation(actor=DIRECTOR, matter=MATTER), later(1))
    closed = events[0]
    assert closed.outcome == "rejected"
    assert dict(closed.counts) == {"ratings": 10, "satisfied": 7}
    assert isinstance(events[1], ev.StageEntered) and events[1].stage == "carry_out"
    matter = engine.state.matters[MATTER]
    assert (matter.status, matter.stage) == ("in_progress", "carry_out")
    # the new round starts clean: no ratings, no sign-offs, not done
    assert matter.ratings == {}
    assert matter.signed_off_by == []
    assert matter.execution_done is False
    found = refusal(engine, c.CompleteExecution(actor=DIRECTOR, matter=MATTER), later(2))
    assert found.code == "needs_sign_off"
    # the same supervisor signs the new round, and each rater rates again
    sign(engine, "w1", later(3))
    complete(engine, later(3))
    rate(engine, "p01", "满意", later(4))
    assert engine.state.matters[MATTER].ratings == {"p01": "满意"}


# -- intake ---------------------------------------------------------------------------


def zhihui() -> tuple[Engine, RuleSet]:
    scenario = load_scenario(ROOT / "examples" / "09_zhihui_yun.toml")
    ruleset = load(ROOT / "rulesets" / "zhihui_yun.toml")
    engine = Engine(MemoryStore(), ruleset)
    engine.execute(scenario.setup, T.replace(hour=0))
    return engine, ruleset


def suggest(engine: Engine, suggestion: str, person: str, at: dt.datetime = T) -> None:
    engine.execute(
        c.Suggest(actor=person, suggestion=suggestion, person=person, title="停车难"), at
    )


def merge(suggestions: tuple[str, ...], matter: str = "mz", actor: str = "k01") -> c.Command:
    return c.MergeSuggestions(
        actor=actor, matter=matter, suggestions=suggestions, title="小区停车秩序整治"
    )


def test_propose_refused_in_an_intake_first_procedure():
    engine, _ = zhihui()
    found = refusal(engine, c.ProposeMatter(actor="k01", matter="mz", title="停车"))
    assert found.code == "intake_only"
    assert found.params["stage"] == "线上征集与内部审查"
    assert engine.state.matters == {}


def test_merged_matter_starts_at_the_stage_after_intake():
    engine, _ = zhihui()
    suggest(engine, "s1", "c003")
    suggest(engine, "s2", "c011")
    events = engine.execute(merge(("s1", "s2", "s1")), later(1))
    assert [e.type for e in events] == ["MatterProposed", "StageEntered"]
    assert events[0].suggestions == ("s1", "s2")
    assert events[1].stage == "offline_deliberation"
    matter = engine.state.matters["mz"]
    assert matter.stage == "offline_deliberation"
    assert [h.stage for h in matter.history] == ["offline_deliberation"]
    assert matter.suggestions == ("s1", "s2")
    assert {s: engine.state.suggestions[s].status for s in ("s1", "s2")} == {
        "s1": "merged",
        "s2": "merged",
    }
    assert engine.state.suggestions["s1"].matter == "mz"


def test_merge_refused_for_unknown_suggestion():
    engine, _ = zhihui()
    found = refusal(engine, merge(("nope",)))
    assert found.code == "unknown_suggestion"


def test_merge_refused_for_empty_list():
    engine, _ = zhihui()
    found = refusal(engine, merge(()))
    assert (found.code, found.rule) == (
        "too_few_suggestions",
        "stages.online_intake.min_suggestions",
    )


def test_declined_suggestion_cannot_be_merged():
    engine, _ = zhihui()
    suggest(engine, "s1", "c003")
    suggest(engine, "s2", "c011")
    engine.execute(c.DeclineSuggestion(actor="k01", suggestion="s2", reason="转街道办理"), T)
    assert engine.state.suggestions["s2"].status == "declined"
    found = refusal(engine, merge(("s1", "s2")))
    # named by its day and title; s1 has the same, so s2 is the second of them
    assert found.code == "suggestion_not_open"
    assert found.message("zh") == "2026-09-01 提交的建议“停车难”（之二）已处理，不能再合并或退回"
    assert (
        found.message("en") == "the suggestion '停车难' of 2026-09-01 (second) was already handled"
    )
    assert engine.state.suggestions["s1"].status == "open"


def test_merged_suggestion_cannot_be_merged_again():
    engine, _ = zhihui()
    suggest(engine, "s1", "c003")
    engine.execute(merge(("s1",)), T)
    found = refusal(engine, merge(("s1",), matter="mz2"))
    assert found.code == "suggestion_not_open"


def test_suggestion_of_another_procedure_cannot_be_merged():
    zhihui_rs = load(ROOT / "rulesets" / "zhihui_yun.toml")
    other_text = (ROOT / "rulesets" / "zhihui_yun.toml").read_text(encoding="utf-8")
    other_text = other_text.replace('id = "zhihui_yun"', 'id = "other_cloud"', 1)
    other, problems = check_text(other_text.encode(), "other_cloud.toml")
    assert other is not None, problems
    rulesets = {zhihui_rs.id: zhihui_rs, other.id: other}
    store = MemoryStore()
    scenario = load_scenario(ROOT / "examples" / "09_zhihui_yun.toml")
    into_other = Engine(store, rulesets, default=other.id)
    into_other.execute(scenario.setup, T.replace(hour=0))
    suggest(into_other, "s9", "c003")
    assert into_other.state.suggestions["s9"].procedure == "other_cloud"

    engine = Engine(store, rulesets, default=zhihui_rs.id)  # same log, intake under zhihui_yun
    found = refusal(engine, merge(("s9",)))
    assert found.code == "suggestion_not_open"
    assert found.params["suggestion"] == suggestion_name(
        engine.state, engine.state.suggestions["s9"]
    )


def test_only_intake_actors_may_merge():
    engine, _ = zhihui()
    suggest(engine, "s1", "c003")
    found = refusal(engine, merge(("s1",), actor="c003"))
    assert (found.code, found.rule) == ("not_authorized", "stages.online_intake.actors")


def test_suggest_refused_without_an_intake_stage():
    engine = start()
    found = refusal(engine, c.Suggest(actor="r1", suggestion="s1", person="r1", title="修路"))
    assert found.code == "no_intake"


def test_suggestion_of_another_procedure_cannot_be_declined():
    # other_cloud lets only the director (k02) handle its suggestions; k01 is secretary.
    zhihui_rs = load(ROOT / "rulesets" / "zhihui_yun.toml")
    other_text = (ROOT / "rulesets" / "zhihui_yun.toml").read_text(encoding="utf-8")
    other_text = other_text.replace('id = "zhihui_yun"', 'id = "other_cloud"', 1).replace(
        'actors = ["community_two_committees"]\nmin_suggestions',
        'actors = ["community_two_committees.director"]\nmin_suggestions',
        1,
    )
    other, problems = check_text(other_text.encode(), "other_cloud.toml")
    assert other is not None, problems
    assert other.stages[0].actors == ("community_two_committees.director",)
    rulesets = {zhihui_rs.id: zhihui_rs, other.id: other}
    store = MemoryStore()
    scenario = load_scenario(ROOT / "examples" / "09_zhihui_yun.toml")
    into_other = Engine(store, rulesets, default=other.id)
    into_other.execute(scenario.setup, T.replace(hour=0))
    suggest(into_other, "s9", "c003")
    decline = c.DeclineSuggestion(actor="k01", suggestion="s9", reason="转街道办理")
    assert refusal(into_other, decline).code == "not_authorized"

    engine = Engine(store, rulesets, default=zhihui_rs.id)  # same log, zhihui_yun by default
    before = len(engine.store)
    with pytest.raises(Refusal) as info:
        engine.execute(decline, T)
    # merge refuses it as "suggestion_not_open"; declining must not bypass other_cloud's actors
    assert info.value.code in {"suggestion_not_open", "not_authorized"}
    assert len(engine.store) == before
    assert engine.state.suggestions["s9"].status == "open"
