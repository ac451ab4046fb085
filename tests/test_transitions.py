"""Transitions after a meeting: reconvene with the fresh notice the rule set asks for."""

from __future__ import annotations

import datetime as dt

import pytest

from yishi.domain import commands as c
from yishi.domain.errors import Refusal
from yishi.engine import Engine
from yishi.rulesets.loader import check_text
from yishi.store.memory import MemoryStore

RULES = """
schema_version = 1
id = "t"
title = "t"
statutory = false
proposers = ["committee"]

[bodies.committee]
name = "委员会"
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[[stages]]
id = "meet"
kind = "meeting"
name = "会议"
bodies = ["committee"]
on_no_quorum = { action = "reconvene", notice_days = 5 }
"""


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, 9)


def committee_with_a_matter(rules: str, members: int, title: str) -> Engine:
    """A committee of m1..mN under ``rules``, with matter "x" proposed by m1."""
    ruleset, problems = check_text(rules.encode(), "t.toml")
    assert ruleset is not None, problems
    engine = Engine(MemoryStore(), {"t": ruleset})
    people = tuple(
        c.PersonSpec(id=f"m{i}", name=f"委员{i}", adult=True) for i in range(1, members + 1)
    )
    roster = tuple(c.MemberSpec(person=p.id) for p in people)
    engine.execute(
        c.SetUpCommunity(
            actor="system", people=people, bodies=(c.BodySpecEntry(id="committee", members=roster),)
        ),
        at(1),
    )
    engine.execute(c.ProposeMatter(actor="m1", matter="x", title=title), at(1))
    return engine


@pytest.fixture
def engine() -> Engine:
    engine = committee_with_a_matter(RULES, members=4, title="事项")
    engine.execute(
        c.ConveneMeeting(
            actor="m1", matter="x", meeting="a", date=at(1).date(), method="show_of_hands"
        ),
        at(1),
    )
    engine.execute(c.CheckIn(actor="m1", meeting="a", people=("m1", "m2")), at(1))
    engine.execute(c.CloseMeeting(actor="m1", meeting="a"), at(1))  # 2 of 4: not more than half
    return engine


def test_the_first_meeting_needed_no_notice_but_the_reconvened_one_needs_five_days(engine):
    assert engine.state.meetings["a"].outcome == "no_quorum"
    with pytest.raises(Refusal) as info:
        engine.execute(
            c.ConveneMeeting(
                actor="m1", matter="x", meeting="b", date=at(5).date(), method="show_of_hands"
            ),
            at(1),
        )
    assert info.value.code == "notice_too_short"
    assert dict(info.value.params)["required"] == 5 and dict(info.value.params)["days"] == 4
    engine.execute(
        c.ConveneMeeting(
            actor="m1", matter="x", meeting="b", date=at(6).date(), method="show_of_hands"
        ),
        at(1),
    )
    assert engine.state.meetings["b"].date == at(6).date()


EXCUSAL = (
    RULES.replace(
        'vote_methods = ["show_of_hands"]\n',
        'vote_methods = ["show_of_hands"]\nexcusal = true\n',
        1,
    )
    .replace('base = "present"', 'base = "entitled"')
    .replace('base = "composition"', 'base = "entitled"')
)


def test_an_approved_absence_leaves_the_entitled_base():
    engine = committee_with_a_matter(EXCUSAL, members=6, title="接收预备党员")
    engine.execute(
        c.ConveneMeeting(
            actor="m1", matter="x", meeting="a", date=at(2).date(), method="show_of_hands"
        ),
        at(1),
    )
    excuse = c.ExcuseMember(
        actor="m1",
        meeting="a",
        person="m6",
        reason="长期在外务工",
        approval="镇党委 2026-03-01 批复",
    )
    engine.execute(excuse, at(2))
    with pytest.raises(Refusal) as again:
        engine.execute(excuse, at(2))
    assert again.value.code == "already_excused"
    with pytest.raises(Refusal) as present:
        engine.execute(c.CheckIn(actor="m1", meeting="a", people=("m6",)), at(2))
    assert present.value.code == "excused_present"
    engine.execute(c.CheckIn(actor="m1", meeting="a", people=("m1", "m2", "m3")), at(2))
    engine.execute(c.EnterHandCount(actor="m1", meeting="a", yes=3, no=0), at(2))
    engine.execute(c.CloseMeeting(actor="m1", meeting="a"), at(2))
    result = engine.state.meetings["a"].result
    # 6 members, one excused: 5 should attend; 3 present is more than half of 5,
    # and 3 in favour is more than half of the 5 entitled. Without the excusal, 3 of 6 fails both.
    assert result["counts"]["entitled"] == 5
    assert engine.state.meetings["a"].outcome == "passed"


def test_excusal_is_off_unless_the_rule_set_allows_it(engine):
    with pytest.raises(Refusal) as info:
        engine.execute(
            c.ExcuseMember(actor="m1", meeting="a", person="m3", reason="外出", approval="批复"),
            at(1),
        )
    assert info.value.code == "meeting_closed"  # the fixture's meeting has closed
    engine.execute(
        c.ConveneMeeting(
            actor="m1", matter="x", meeting="b", date=at(6).date(), method="show_of_hands"
        ),
        at(1),
    )
    with pytest.raises(Refusal) as info:
        engine.execute(
            c.ExcuseMember(actor="m1", meeting="b", person="m3", reason="外出", approval="批复"),
            at(1),
        )
    assert (info.value.code, info.value.rule) == ("excusal_not_allowed", "bodies.committee.excusal")
