"""Transitions after a meeting: reconvene with the fresh notice the rule set asks for."""

from __future__ import annotations

import datetime as dt

import pytest

from yishi.domain import commands as c
from yishi.domain.errors import Refusal
from yishi.engine import Engine
from yishi.rulesets.loader import check_text

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


@pytest.fixture
def engine() -> Engine:
    ruleset, problems = check_text(RULES.encode(), "t.toml")
    assert ruleset is not None, problems
    engine = Engine({"t": ruleset}, "t")
    people = tuple(c.PersonSpec(id=f"m{i}", name=f"委员{i}", adult=True) for i in range(1, 5))
    members = tuple(c.MemberSpec(person=p.id) for p in people)
    engine.execute(
        c.SetUpCommunity(
            actor="system",
            people=people,
            bodies=(c.BodySpecEntry(id="committee", members=members),),
        ),
        at(1),
    )
    engine.execute(c.ProposeMatter(actor="m1", matter="x", title="事项"), at(1))
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
