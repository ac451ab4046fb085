"""The engine: refusals write nothing, streams are versioned, a store replays to the same state."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import attrs
import pytest

from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.domain.state import replay
from yishi.engine import Engine
from yishi.rulesets.loader import load
from yishi.scenario.format import load_scenario
from yishi.store.memory import MemoryStore

ROOT = Path(__file__).resolve().parents[1]
T = dt.datetime(2026, 6, 1, 9, 0)
SIYI = load(ROOT / "rulesets" / "siyi_liang_gongkai.toml")
SETUP = load_scenario(ROOT / "examples" / "04_objection_during_disclosure.toml").setup


def at(hours: int) -> dt.datetime:
    return T + dt.timedelta(hours=hours)


def fresh(store: MemoryStore | None = None) -> Engine:
    return Engine(store if store is not None else MemoryStore(), SIYI)


def village() -> Engine:
    """古槐村, one matter at the first stage with its meeting convened."""
    engine = fresh()
    engine.execute(SETUP, T.replace(hour=0))
    engine.execute(c.ProposeMatter(actor="p01", matter="m1", title="宅基地安排"), at(0))
    engine.execute(
        c.ConveneMeeting(
            actor="p01", matter="m1", meeting="b1", date=T.date(), method="show_of_hands"
        ),
        at(1),
    )
    return engine


def run_meeting(engine: Engine) -> None:
    engine.execute(c.CheckIn(actor="p01", meeting="b1", people=("p01", "p02", "p03")), at(2))
    engine.execute(c.EnterHandCount(actor="p01", meeting="b1", yes=3, no=0), at(3))
    engine.execute(c.CloseMeeting(actor="p01", meeting="b1"), at(4))


REFUSED = [
    pytest.param(
        c.ProposeMatter(actor="p01", matter="m2", title="x", merge_steps=True),
        "merge_not_allowed",
        id="merge",
    ),
    pytest.param(c.ProposeMatter(actor="p01", matter="m1", title="x"), "duplicate_id", id="dup"),
    pytest.param(
        c.CheckIn(actor="p01", meeting="b1", people=("p01", "p02", "v050")),
        "not_member",
        id="check_in_last_bad",
    ),
    pytest.param(
        c.CastVote(actor="p01", meeting="b1", voter="p01", choice="maybe"), "bad_choice", id="vote"
    ),
    pytest.param(
        c.EnterHandCount(actor="p01", meeting="b1", yes=1, no=0),
        "tally_exceeds_present",
        id="count",
    ),
    pytest.param(c.CloseMeeting(actor="p04", meeting="b1"), "not_authorized", id="close"),
    pytest.param(
        c.Publish(actor="p03", matter="m1", disclosure="d1"), "step_missing", id="publish"
    ),
    pytest.param(
        c.SetUpCommunity(actor="a", people=(c.PersonSpec(id="p01", name="重复", adult=True),)),
        "duplicate_id",
        id="setup",
    ),
]


@pytest.mark.parametrize(("command", "code"), REFUSED)
def test_refusal_appends_nothing_and_leaves_state_untouched(command, code):
    engine = village()
    before_len = len(engine.store)
    before_state = copy.deepcopy(engine.state)
    before_versions = {s: engine.store.stream_version(s) for s in ("community", "matter-m1")}
    with pytest.raises(Refusal) as info:
        engine.execute(command, at(2))
    assert info.value.code == code
    assert len(engine.store) == before_len
    assert engine.state == before_state
    assert {s: engine.store.stream_version(s) for s in before_versions} == before_versions


def test_refused_command_can_be_followed_by_an_accepted_one():
    engine = village()
    with pytest.raises(Refusal):
        engine.execute(c.CheckIn(actor="p01", meeting="b1", people=("p01", "v050")), at(2))
    events = engine.execute(c.CheckIn(actor="p01", meeting="b1", people=("p01",)), at(2))
    assert len(events) == 1
    assert engine.state.meetings["b1"].attendance == ["p01"]


def test_tick_records_a_completed_notice_period_once_then_appends_nothing():
    engine = village()
    [done] = engine.execute(c.Tick(actor="system"), at(24))
    assert isinstance(done, ev.MeetingNoticeCompleted)
    assert (done.meeting, done.date, done.notice_days) == ("b1", T.date(), 0)
    before = len(engine.store)
    assert engine.execute(c.Tick(actor="system"), at(48)) == []
    assert len(engine.store) == before


def test_tick_leaves_a_meeting_alone_until_its_day():
    engine = fresh()
    engine.execute(SETUP, T.replace(hour=0))
    engine.execute(c.ProposeMatter(actor="p01", matter="m1", title="宅基地安排"), at(0))
    day = (T + dt.timedelta(days=3)).date()
    engine.execute(
        c.ConveneMeeting(actor="p01", matter="m1", meeting="b1", date=day, method="show_of_hands"),
        at(1),
    )
    assert engine.tick(at(24)) == []
    [done] = engine.tick(at(72))
    assert isinstance(done, ev.MeetingNoticeCompleted)
    assert (done.date, done.notice_days) == (day, 3)


def test_events_are_appended_per_stream_with_increasing_versions():
    engine = village()
    engine.execute(c.ProposeMatter(actor="p01", matter="m2", title="修路"), at(2))
    run_meeting(engine)
    stored = list(engine.store.read_all())
    assert [s.position for s in stored] == list(range(1, len(stored) + 1))
    by_stream: dict[str, list[int]] = {}
    for s in stored:
        assert s.stream == s.event.stream
        by_stream.setdefault(s.stream, []).append(s.version)
    assert set(by_stream) == {"community", "matter-m1", "matter-m2"}
    for stream, versions in by_stream.items():
        assert versions == list(range(1, len(versions) + 1)), stream
        assert engine.store.stream_version(stream) == len(versions)
    # m2's stream starts at 1 although m1's events came before and after it
    assert [s.version for s in engine.store.read_stream("matter-m2")] == [1, 2]
    named = 1 if SETUP.name else 0  # CommunityNamed, when the set-up names the community
    setup_events = named + len(SETUP.households) + len(SETUP.people) + len(SETUP.bodies)
    assert len(by_stream["community"]) == setup_events


def test_each_command_stores_its_events_in_order():
    engine = village()
    before = len(engine.store)
    engine.execute(c.CheckIn(actor="p01", meeting="b1", people=("p01", "p02", "p03")), at(2))
    engine.execute(c.EnterHandCount(actor="p01", meeting="b1", yes=3, no=0), at(3))
    events = engine.execute(c.CloseMeeting(actor="p01", meeting="b1"), at(4))
    assert [e.type for e in events] == ["MeetingClosed", "StageEntered"]
    tail = [s.event for s in list(engine.store.read_all())[before:]]
    assert [e.type for e in tail] == [
        "AttendanceRecorded",
        "AttendanceRecorded",
        "AttendanceRecorded",
        "HandCountEntered",
        "MeetingClosed",
        "StageEntered",
    ]
    assert tail[-2:] == events
    assert [s.version for s in engine.store.read_stream("matter-m1")][-2:] == [8, 9]


def test_a_new_engine_over_the_same_store_replays_to_an_equal_state():
    engine = village()
    engine.execute(c.ProposeMatter(actor="p01", matter="m2", title="修路"), at(2))
    run_meeting(engine)
    again = fresh(engine.store)
    assert again.state == engine.state
    assert again.state.version == len(engine.store)
    assert replay([s.event for s in engine.store.read_all()]) == engine.state
    # and it carries on from there: versions continue in the shared store
    again.execute(
        c.ConveneMeeting(
            actor="p01", matter="m1", meeting="j1", date=T.date(), method="show_of_hands"
        ),
        at(5),
    )
    assert again.state.matters["m1"].meetings == ["b1", "j1"]
    assert engine.store.stream_version("matter-m1") == 10


def test_unknown_default_rule_set_refused():
    with pytest.raises(KeyError):
        Engine(MemoryStore(), SIYI, default="nope")


def test_every_event_of_the_examples_survives_a_json_round_trip():
    """The dictionary form is what a store writes: reading it back gives the same event."""
    import json

    from tests.conftest import scenario_files
    from yishi.domain.events import event_from_dict
    from yishi.scenario import load_scenario, run_scenario

    for path in scenario_files():
        for event in run_scenario(load_scenario(path)).all_events():
            again = event_from_dict(json.loads(json.dumps(event.to_dict(), ensure_ascii=False)))
            assert again == event, event.type


AGES_RULES = """
schema_version = 1
id = "ages"
title = "t"
statutory = false
proposers = ["residents"]

[bodies.assembly]
name = "村民会议"
membership = "eligible_adults"
quorum = { base = "eligible_adults", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[bodies.committee]
name = "委员会"
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[[stages]]
id = "meet"
kind = "meeting"
name = "会议"
bodies = ["assembly", "committee"]
"""


def test_unknown_ages_block_only_an_assembly_of_all_adults():
    """A register without birth dates is fine for rosters, but then nobody can say who
    should attend a 村民会议: convening one is refused, naming the people — by name,
    one who shares a name told apart by household as the console does, never by id."""
    from yishi.rulesets.loader import check_text

    ruleset, problems = check_text(AGES_RULES.encode(), "ages.toml")
    assert ruleset is not None, problems
    engine = Engine(MemoryStore(), {"ages": ruleset})
    when = dt.datetime(2026, 3, 2, 9)
    people = (
        c.PersonSpec(id="a1", name="甲", adult=True),
        c.PersonSpec(id="n1", name="乙", household="h1"),
        c.PersonSpec(id="b2", name="乙", household="h2", born=dt.date(1950, 1, 1)),
        c.PersonSpec(id="n3", name="丙"),
    )
    homes = (c.HouseholdSpec(id="h1", name="东头"), c.HouseholdSpec(id="h2", name="西头"))
    body = c.BodySpecEntry(
        id="committee", members=(c.MemberSpec(person="a1"), c.MemberSpec(person="n1"))
    )
    engine.execute(
        c.SetUpCommunity(actor="system", people=people, households=homes, bodies=(body,)), when
    )
    engine.execute(c.ProposeMatter(actor="a1", matter="m", title="x"), when)
    assembly = c.ConveneMeeting(
        actor="a1",
        matter="m",
        meeting="a",
        body="assembly",
        date=when.date(),
        method="show_of_hands",
    )
    with pytest.raises(Refusal) as info:
        engine.execute(assembly, when)
    assert info.value.code == "ages_unknown"
    assert info.value.message("zh").endswith("无法确定村民会议的应到人数：乙（东头）、丙")
    assert info.value.message("en").endswith("who should attend 村民会议 is unknown: 乙 (东头), 丙")
    committee = attrs.evolve(assembly, body="committee")
    engine.execute(committee, when)  # a roster needs no ages
