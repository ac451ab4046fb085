"""The procedures the seed articles name (issue 8, item 3): their rule sets behave as
their TOML comments say, in the shipped example scenarios."""

from __future__ import annotations

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from yishi.report import to_json
from yishi.rulesets import load as load_ruleset
from yishi.scenario import load_scenario, run_scenario


def _run(name: str) -> dict:
    return to_json(run_scenario(load_scenario(ROOT / "examples" / name)))


def _refused(doc: dict) -> list[tuple[str, str]]:
    return [(s["do"], s["at"]) for s in doc["steps"] if s["status"] == "refused"]


# -- 五民工作法 -----------------------------------------------------------------


def test_wumin_answers_every_suggestion():
    doc = _run("20_wumin.toml")
    assert {s["suggestion"]: s["status"] for s in doc["suggestions"]} == {
        "s1": "merged",
        "s2": "merged",
        "s3": "declined",
        "s4": "declined",
    }
    # a decline without a reason is refused; the later one carries the reason
    assert ("decline", "2026-09-04T08:00:00") in _refused(doc)
    assert all(
        s["declined_reason"].strip() for s in doc["suggestions"] if s["status"] == "declined"
    )


def test_wumin_low_evaluation_reopens_the_work():
    doc = _run("20_wumin.toml")
    first, second = doc["evaluations"]
    assert (first["outcome"], first["satisfied"], first["ratings"]) == ("rejected", 6, 10)
    assert (second["outcome"], second["satisfied"]) == ("passed", 8)
    stages = [h["stage"] for h in doc["matters"][0]["history"]]
    # 民评 not met: back to 民办, then evaluated again
    assert stages[-4:] == ["carry_out", "evaluate", "carry_out", "evaluate"]
    assert doc["matters"][0]["status"] == "completed"


def test_wumin_posts_the_consultation_outcome_fifteen_days():
    """居委会组织法 (2025) Art. 34: 协商确定的事项 are published, 不得少于十五日."""
    ruleset = load_ruleset(ROOT / "rulesets" / "wumin.toml")
    assert ruleset.stage("announce").disclosure_days == 15
    assert "公布的期限不得少于十五日" in ruleset.legal_basis[0].quote
    doc = _run("20_wumin.toml")
    posting = doc["disclosures"][0]["periods"]["posting"]
    assert (posting["first_day"], posting["last_day"]) == ("2026-09-14", "2026-09-28")


def test_wumin_needs_the_monitoring_committee_before_completion():
    doc = _run("20_wumin.toml")
    assert ("complete", "2026-10-08T10:00:00") in _refused(doc)


# -- 吹哨报到、接诉即办 -----------------------------------------------------------


def test_chuishao_tracks_a_whistle_to_closure_with_overdue_visible():
    doc = _run("21_chuishao_baodao.toml")
    first, second, third = doc["matters"][0]["referrals"]
    assert (first["to"], first["due"], first["overdue"], first["late"]) == (
        "街道城管执法队",
        "2026-11-20",
        True,
        True,
    )
    assert first["period"]["counting"] == "working_days"
    assert first["resolved"] is False  # not settled: whistled again, to another department
    assert (second["to"], second["resolved"], second["overdue"]) == (
        "区市场监督管理局",
        True,
        False,
    )
    assert third["resolved"] is True and third["document"].startswith("联合巡查记录")
    assert doc["matters"][0]["status"] == "completed"


def test_chuishao_resident_unsatisfied_whistles_again():
    doc = _run("21_chuishao_baodao.toml")
    low, ok = doc["evaluations"]
    assert (low["outcome"], ok["outcome"]) == ("rejected", "passed")
    stages = [h["stage"] for h in doc["matters"][0]["history"]]
    assert stages == ["whistle", "whistle", "rate", "whistle", "rate"]


def test_chuishao_timeline_words_name_the_department_not_ids():
    from yishi.cli import main

    result = CliRunner().invoke(main, ["run", "examples/21_chuishao_baodao.toml"])
    assert "逾期：街道城管执法队未在 2026-11-20 前答复" in result.output
    assert "m21-r1" not in result.output
    english = CliRunner().invoke(main, ["run", "examples/21_chuishao_baodao.toml", "--lang", "en"])
    assert "Overdue: no answer from 街道城管执法队 by 2026-11-20" in english.output


# -- 村规民约、一事一约 -----------------------------------------------------------


def test_covenant_goes_through_the_five_steps_of_the_2018_guidance():
    doc = _run("22_cungui_minyue.toml")
    stages = [h["stage"] for h in doc["matters"][0]["history"]]
    assert stages == [
        "draft",
        "legality_check",
        "draft",  # the legal adviser asked for changes: revised and checked again
        "legality_check",
        "party_review",
        "adopt",
        "filing",
        "publish",
    ]
    assert doc["matters"][0]["status"] == "completed"


def test_covenant_legality_check_and_filing_are_recorded_with_documents():
    doc = _run("22_cungui_minyue.toml")
    check1, check2, filing = doc["matters"][0]["referrals"]
    assert (check1["to"], check1["resolved"]) == ("县司法局法律顾问", False)
    assert "罚款" in check1["answer"]
    assert (check2["to"], check2["resolved"]) == ("乡（镇）人民政府", True)
    assert (filing["stage"], filing["resolved"], filing["document"]) == (
        "filing",
        True,
        "柳湾镇人民政府备案回执（柳政备〔2026〕3 号）",
    )
    # a body the rule set does not list is refused
    assert ("refer", "2026-03-09T09:00:00") in _refused(doc)
    notice = doc["disclosures"][0]["text"]
    assert "须修改（县司法局法律顾问审核意见书（2026-03-13））" in notice["zh"]
    assert "准予备案（柳湾镇人民政府备案回执（柳政备〔2026〕3 号））" in notice["zh"]
    assert "filed (柳湾镇人民政府备案回执" in notice["en"]


def test_covenant_is_adopted_by_the_villagers_assembly_with_statutory_rules():
    """村组法 (2025) Art. 31: only the 村民会议 makes a 村规民约; Arts. 25–26 notice and quorum."""
    ruleset = load_ruleset(ROOT / "rulesets" / "cungui_minyue.toml")
    assert ruleset.statutory and ruleset.stage("adopt").bodies == ("villagers_assembly",)
    assert "村民会议可以制定和修改村民自治章程、村规民约" in ruleset.legal_basis[0].quote
    doc = _run("22_cungui_minyue.toml")
    assert ("convene", "2026-03-26T09:00:00") in _refused(doc)  # 5 days' notice < 10
    adopt = next(m for m in doc["meetings"] if m["meeting"] == "m22-adopt")
    assert adopt["outcome"] == "passed"
    posting = doc["disclosures"][0]["periods"]["posting"]
    assert posting["days"] == 15 and posting["last_day"] == "2026-05-06"  # 劳动节 moves it


# -- 居民点单、社区派单、服务队接单、居民评单 -------------------------------------------


def test_service_order_poor_rating_goes_back_to_dispatch():
    doc = _run("23_fuwu_paidan.toml")
    stages = [h["stage"] for h in doc["matters"][0]["history"]]
    assert stages == [
        "dispatch",
        "dispatch",  # the volunteer team declined: redispatched
        "serve",
        "rate",
        "dispatch",  # unsatisfied: back to dispatch
        "dispatch",  # not accepted in time: withdrawn by the tick, redispatched
        "serve",
        "rate",
    ]
    low, ok = doc["evaluations"]
    assert (low["outcome"], ok["outcome"]) == ("rejected", "passed")
    assert doc["matters"][0]["status"] == "completed"


def test_service_order_is_accepted_by_the_team_it_went_to():
    doc = _run("23_fuwu_paidan.toml")
    declined, accepted, unanswered, redispatched = doc["matters"][0]["referrals"]
    assert (declined["to"], declined["resolved"]) == ("志愿服务队", False)
    assert (accepted["to"], accepted["resolved"], accepted["due"]) == (
        "党员先锋服务队",
        True,
        "2026-05-12",  # 1 working day after Monday 11 May
    )
    assert (unanswered["due"], unanswered["overdue"], unanswered["withdrawn"]) == (
        "2026-05-15",
        True,
        True,
    )
    assert unanswered["answered_on"] is None
    assert redispatched["resolved"] is True
    # the Party team's leader cannot accept an order sent to the volunteer team
    assert ("referral_answer", "2026-05-11T11:00:00") in _refused(doc)


# -- 微心愿 -----------------------------------------------------------------------


def test_wishes_are_claimed_routed_or_declined_with_reason_and_published():
    doc = _run("24_weixinyuan.toml")
    status = {s["suggestion"]: s["status"] for s in doc["suggestions"]}
    assert status == {"w1": "merged", "w2": "merged", "w3": "declined"}
    claimed, routed = (m["referrals"][0] for m in doc["matters"])
    assert (claimed["to"], routed["to"]) == ("志愿服务队", "物业服务企业")
    assert all(m["status"] == "completed" for m in doc["matters"])
    assert [d["stage"] for d in doc["disclosures"]] == ["publish", "publish"]
    # someone outside the volunteer team cannot claim for it
    assert ("referral_answer", "2026-09-13T09:00:00") in _refused(doc)


# -- 居民公约（城市社区）与可选的妇女到会门槛 -----------------------------------------------


def test_urban_covenant_gate_stops_a_vote_with_too_few_women_then_it_passes():
    doc = _run("25_jumin_gongyue.toml")
    first = next(m for m in doc["meetings"] if m["meeting"] == "m25-adopt")
    second = next(m for m in doc["meetings"] if m["meeting"] == "m25-adopt2")
    (gate,) = first["result"]["quorum"]["gates"]
    assert first["outcome"] == "no_quorum"
    assert (gate["count"], gate["base_value"], gate["minimum"], gate["met"]) == (2, 8, 3, False)
    assert "不能表决" in first["result"]["quorum"]["explanation"]["zh"]
    assert second["outcome"] == "passed"
    assert second["result"]["quorum"]["gates"][0]["met"] is True
    assert [r["stage"] for r in doc["matters"][0]["referrals"]] == ["legality_check", "filing"]
    assert doc["matters"][0]["status"] == "completed"


def test_the_gate_is_optional():
    """The village rule set sets no gate: its assembly votes whoever attends."""
    village = load_ruleset(ROOT / "rulesets" / "cungui_minyue.toml")
    urban = load_ruleset(ROOT / "rulesets" / "jumin_gongyue.toml")
    assert village.stage("adopt").women_present is None
    assert urban.stage("adopt").women_present is not None
    doc = _run("22_cungui_minyue.toml")
    adopt = next(m for m in doc["meetings"] if m["meeting"] == "m22-adopt")
    assert "gates" not in adopt["result"]["quorum"]


MEN = ["k13", "u001", "u003", "u005", "u007", "u009"]
WOMEN = ["k12", "u002", "u004", "u006", "u008", "u010"]


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=2, max_value=6), st.integers(min_value=0, max_value=6))
def test_women_gate_boundary_at_one_third_of_those_present(men: int, women: int):
    """`>= 1/3` of those present: met exactly when 3 × women ≥ present (以上 includes the number)."""
    present = men + women
    scenario = load_scenario(ROOT / "examples" / "25_jumin_gongyue.toml")
    steps = []
    for step in scenario.steps:
        if step.do == "check_in" and step.command.meeting == "m25-adopt":
            step = attrs.evolve(
                step, command=attrs.evolve(step.command, people=tuple(MEN[:men] + WOMEN[:women]))
            )
        steps.append(step)
    doc = to_json(run_scenario(attrs.evolve(scenario, steps=tuple(steps))))
    first = next(m for m in doc["meetings"] if m["meeting"] == "m25-adopt")
    quorate = 3 * present >= 2 * 12  # the assembly's own quorum: 2/3 of 12 members
    gate_met = 3 * women >= present
    if first["result"] is None:
        # the meeting could vote, so closing it without a count was refused (no_votes)
        assert quorate and gate_met
        return
    if not quorate:
        assert "gates" not in first["result"]["quorum"]
    else:
        assert first["result"]["quorum"]["gates"][0]["met"] is gate_met
    assert (first["outcome"] == "no_quorum") is (not quorate or not gate_met)


def test_english_output_names_listed_recipients_in_english():
    from yishi.cli import main

    english = CliRunner().invoke(main, ["run", "examples/23_fuwu_paidan.toml", "--lang", "en"])
    assert "Referred to Volunteer team; answer due by 2026-05-12 (inclusive)" in english.output
    assert "Overdue: no answer from Volunteer team by 2026-05-15; withdrawn" in english.output
    doc = _run("22_cungui_minyue.toml")
    assert "sent to county legal adviser" in doc["disclosures"][0]["text"]["en"]


@pytest.mark.parametrize(
    "example",
    [
        "20_wumin.toml",
        "21_chuishao_baodao.toml",
        "22_cungui_minyue.toml",
        "23_fuwu_paidan.toml",
        "24_weixinyuan.toml",
        "25_jumin_gongyue.toml",
    ],
)
def test_every_suggestion_is_answered_and_every_matter_closes(example):
    doc = _run(example)
    assert doc["suggestions"] and all(s["status"] != "open" for s in doc["suggestions"])
    assert all(
        s["declined_reason"].strip() for s in doc["suggestions"] if s["status"] == "declined"
    )
    assert all(m["status"] == "completed" for m in doc["matters"])
    assert doc["summary"]["unexpected"] == 0
