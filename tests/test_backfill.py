"""Scenarios that start where the paper record starts: steps entered as recorded facts,
bodies defined twice, and load errors in line order without cascades."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import ROOT
from yishi.domain import commands as c
from yishi.domain.errors import Refusal
from yishi.domain.state import replay
from yishi.report import to_json, to_text
from yishi.rulesets.problems import RuleSetError
from yishi.scenario import load_scenario, run_scenario

EXAMPLE = ROOT / "examples" / "13_backfill_paper_decision.toml"


def _run(path: Path = EXAMPLE):
    return run_scenario(load_scenario(path))


# -- the example: four paper steps entered, then carried on in the system --------------


def test_recorded_steps_are_a_distinct_kind_in_the_log_and_move_the_matter_on():
    report = _run()
    events = report.all_events()
    recorded = [e for e in events if e.type == "StepRecorded"]
    assert [e.stage for e in recorded] == ["propose", "consult", "review", "resolve"]
    assert [e.held_on for e in recorded] == [
        dt.date(2026, 3, 3),
        dt.date(2026, 3, 5),
        dt.date(2026, 3, 10),
        dt.date(2026, 3, 16),
    ]
    # entered, not held: no meeting, attendance or ballot was ever recorded
    assert not any(
        e.type in {"MeetingConvened", "AttendanceRecorded", "BallotCast", "MeetingClosed"}
        for e in events
    )
    assert recorded[3].counts == {
        "composition": 30,
        "present": 25,
        "yes": 22,
        "no": 2,
        "abstain": 1,
    }
    assert recorded[3].body == "representatives_assembly"
    # the scanned minutes are attached to the record, under the hash chain
    assert recorded[2].evidence and recorded[2].evidence[0].name == "党员大会会议记录-0310.txt"
    matter = report.engine.state.matters["m12"]
    assert matter.stage == "implement"
    reasons = [h.reason for h in matter.history]
    assert any(r.startswith("补录：党员大会审议（2026-03-10，据书面记录）通过") for r in reasons)


def test_refused_records_and_their_reasons():
    report = _run()
    refused = [(r.step.index, r.refusal.code) for r in report.results if r.refusal]
    assert refused == [
        (1, "record_out_of_order"),
        (4, "record_needs_counts"),
        (6, "record_threshold_not_met"),
    ]
    (short,) = [r.refusal for r in report.results if r.step.index == 6]
    # collective land lease: 2/3 of all 30 representatives, not a majority of those present
    assert short.params == {"count": 18, "minimum": 20, "base_value": 30}
    assert short.rule == "matter_types.collective_land_lease.overrides.resolve.threshold"
    assert report.unexpected == []


def test_timeline_json_and_notice_say_the_steps_were_entered_not_held():
    report = _run()
    text = to_text(report)
    assert text.count("✎ ") == 4
    assert "补录：据书面记录录入，非本系统召开；记录：党员大会会议记录（2026-03-10）" in text
    english = to_text(report, "en")
    assert "entered from the paper record, not held in yishi" in english
    doc = to_json(report)
    recorded = doc["matters"][0]["recorded"]
    assert [r["stage"] for r in recorded] == ["propose", "consult", "review", "resolve"]
    assert recorded[0]["entered_at"] == "2026-03-18T09:10:00"
    assert recorded[0]["entered_by"] == "p03"
    assert recorded[3]["minutes"] == "村民代表会议签到表与表决记录（2026-03-16）"
    (notice,) = doc["disclosures"]
    assert "此前步骤（据书面记录补录）：" in notice["text"]["zh"]
    assert notice["text"]["zh"].count("【补录：据书面记录录入，非本系统召开") == 4
    assert "Earlier steps, entered from the paper record:" in notice["text"]["en"]
    steps = [s for s in doc["steps"] if s["do"] == "record" and s["status"] == "ok"]
    assert all(s["events"]["StepRecorded"] == 1 for s in steps)


# -- the rules of entering a record -----------------------------------------------------


def _record(engine, at: dt.datetime, **kw):
    fields = {
        "actor": "p03",
        "matter": "m",
        "stage": "propose",
        "held_on": dt.date(2026, 3, 3),
        "outcome": "passed",
        "minutes": "记录本",
        "counts": (("present", 3), ("yes", 3)),
    }
    fields.update(kw)
    return engine.execute(c.EnterRecord(**fields), at)


@pytest.fixture
def engine():
    report = _run()
    engine = report.engine
    engine.execute(
        c.ProposeMatter(actor="p01", matter="m", title="另一事项"), dt.datetime(2026, 3, 31, 10)
    )
    return engine


AT = dt.datetime(2026, 3, 31, 11)


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"actor": "v001"}, "not_a_recorder"),
        ({"held_on": dt.date(2026, 4, 1)}, "record_in_future"),
        ({"outcome": "done"}, "bad_value"),
        ({"minutes": "  "}, "record_needs_minutes"),
        ({"counts": (("present", 3), ("yes", 2), ("no", 2))}, "record_votes_exceed_present"),
        (
            {"counts": (("entitled", 3), ("present", 4), ("yes", 4))},
            "record_present_exceeds_members",
        ),
        ({"counts": (("present", -1), ("yes", 0))}, "bad_value"),
        ({"body": "villagers_assembly"}, "body_not_allowed"),
        ({"stage": "review"}, "record_out_of_order"),
    ],
)
def test_a_record_that_cannot_be_right_is_refused_and_writes_nothing(engine, kw, code):
    before = len(engine.store)
    with pytest.raises(Refusal) as refused:
        _record(engine, AT, **kw)
    assert refused.value.code == code
    assert len(engine.store) == before


def test_a_paper_decision_short_of_its_quorum_is_refused_with_the_numbers(engine):
    for stage, day in (("propose", 3), ("consult", 5), ("review", 10)):
        _record(engine, AT, stage=stage, held_on=dt.date(2026, 3, day))
    with pytest.raises(Refusal) as refused:
        _record(
            engine,
            AT,
            stage="resolve",
            held_on=dt.date(2026, 3, 20),
            body="representatives_assembly",
            counts=(("composition", 30), ("present", 15), ("yes", 15)),
        )
    assert refused.value.code == "record_quorum_not_met"
    assert refused.value.params == {"count": 15, "minimum": 20, "base_value": 30}
    # without the members' number the quorum cannot be checked, and is not guessed
    events = _record(
        engine,
        AT,
        stage="resolve",
        held_on=dt.date(2026, 3, 20),
        body="representatives_assembly",
        counts=(("present", 15), ("yes", 15)),
    )
    assert events[0].type == "StepRecorded"


def test_records_keep_the_order_of_their_dates(engine):
    _record(engine, AT, held_on=dt.date(2026, 3, 10))
    with pytest.raises(Refusal) as refused:
        _record(
            engine,
            AT,
            stage="consult",
            held_on=dt.date(2026, 3, 9),
            counts=(("present", 7), ("yes", 7)),
        )
    assert refused.value.code == "record_before_previous"


def test_a_step_already_under_way_here_cannot_be_entered_as_a_record(engine):
    engine.execute(
        c.ConveneMeeting(
            actor="p01", matter="m", meeting="mm", method="show_of_hands", date=dt.date(2026, 4, 2)
        ),
        AT,
    )
    with pytest.raises(Refusal) as refused:
        _record(engine, AT)
    assert refused.value.code == "record_step_under_way"


def test_a_rejected_paper_decision_follows_on_reject(engine):
    events = _record(engine, AT, outcome="rejected", counts=(("present", 3), ("yes", 1), ("no", 2)))
    assert events[0].type == "StepRecorded"
    assert engine.state.matters["m"].status == "abandoned"


# -- loading: a body defined twice, errors in line order, no cascades -------------------------

SHARED = """[community]
name = "共用"

[[community.people]]
id = "p1"
name = "甲"
born = 1970-01-01

[[community.bodies]]
id = "party_branch_committee"
by_role = { secretary = ["p1"] }
"""

SCENARIO = """schema_version = 1
title = "t"
ruleset = "siyi_liang_gongkai"
community_file = "shared.toml"

[[community.bodies]]
id = "party_branch_committee"
members = ["p1"]

[[actions]]
at = 2026-01-01
actor = "p1"
do = "propose"
matter = "m"
title = "x"
"""


def _problems(tmp_path: Path, text: str) -> list:
    (tmp_path / "shared.toml").write_text(SHARED, encoding="utf-8")
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        load_scenario(path)
    return list(info.value.problems)


def test_a_body_defined_in_both_files_is_an_error_naming_both_places(tmp_path):
    (problem,) = _problems(tmp_path, SCENARIO)
    assert problem.code == "duplicate" and problem.path == "community.bodies[0].id"
    assert problem.file.endswith("s.toml") and problem.line == 6
    assert "shared.toml 第 9 行" in problem.hint and "shared.toml line 9" in problem.hint_en


def test_an_unknown_action_is_one_problem_not_a_page(tmp_path):
    text = SCENARIO.replace(
        '[[community.bodies]]\nid = "party_branch_committee"\nmembers = ["p1"]\n', ""
    )
    text = text.replace('do = "propose"', 'do = "proppose"')
    problems = _problems(tmp_path, text)
    assert [(p.code, p.path) for p in problems] == [("bad_value", "actions[0].do")]


def test_a_misspelt_required_key_is_one_problem(tmp_path):
    text = SCENARIO.replace(
        '[[community.bodies]]\nid = "party_branch_committee"\nmembers = ["p1"]\n', ""
    )
    text = text.replace('title = "x"', 'titel = "x"')
    problems = _problems(tmp_path, text)
    assert [(p.code, p.path) for p in problems] == [("unknown_key", "actions[0].titel")]
    assert "title" in problems[0].hint


def test_problems_are_listed_in_line_order(tmp_path):
    text = SCENARIO.replace('title = "t"', 'titel = "t"').replace('matter = "m"', "matter = 3")
    text += '\n[[actions]]\nat = "2026-01-02"\nactor = "p1"\ndo = "tick"\n'
    problems = _problems(tmp_path, text)
    lines = [p.line for p in problems]
    assert lines == sorted(lines) and len(problems) >= 3
    assert problems[0].path == "titel"


@pytest.mark.parametrize(
    "name", ["12_posting_across_national_day.toml", "13_backfill_paper_decision.toml"]
)
def test_replaying_the_log_gives_the_same_state(name):
    report = _run(ROOT / "examples" / name)
    assert replay(report.all_events()) == report.engine.state


def test_an_election_is_not_entered_as_a_record():
    engine = _run(ROOT / "examples" / "10_election.toml").engine
    later = dt.datetime(2026, 7, 1, 10)
    engine.execute(c.ProposeMatter(actor="c01", matter="e2", title="补选"), later)
    before = len(engine.store)
    with pytest.raises(Refusal) as refused:
        _record(
            engine, later, actor="c01", matter="e2", stage="contest", held_on=dt.date(2026, 6, 20)
        )
    assert refused.value.code == "record_kind_not_supported"
    assert len(engine.store) == before
