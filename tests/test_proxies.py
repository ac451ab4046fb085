"""Written proxies (委托投票): who may hold one, caps, chains, and how a proxy vote counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.domain.rules import RuleSet
from yishi.domain.tally import meeting_counts
from yishi.engine import Engine
from yishi.rulesets.loader import check_text, load
from yishi.scenario.format import load_scenario
from yishi.store.memory import MemoryStore

ROOT = Path(__file__).resolve().parents[1]

PROXY_TOML = """
schema_version = 1
id = "px"
title = "委托投票"
statutory = false
proposers = ["committee"]

[bodies.committee]
name = "委员会"
roles = ["director"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[bodies.assembly]
name = "代表会议"
quorum = { base = "entitled", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["secret", "show_of_hands"]

PROXIES

[[stages]]
id = "decide"
kind = "meeting"
name = "表决"
bodies = ["assembly"]
actors = ["committee.director"]
"""

DIRECTOR = "d1"
MEMBERS = ("m1", "m2", "m3", "m4", "m5", "m6")
MATTER = "x1"
MEETING = "mt"
DAY = dt.datetime(2026, 5, 4, 9, 0)


def proxies(
    allowed: bool = True, holder: str = "same_household", cap: int = 1, absent_only: bool = True
) -> str:
    return (
        "[bodies.assembly.proxies]\n"
        f"allowed = {str(allowed).lower()}\n"
        f'holder = "{holder}"\n'
        f"max_per_holder = {cap}\n"
        f"absent_only = {str(absent_only).lower()}\n"
    )


def build(section: str) -> RuleSet:
    ruleset, problems = check_text(PROXY_TOML.replace("PROXIES", section).encode(), "px.toml")
    assert ruleset is not None, [(p.code, p.path) for p in problems]
    return ruleset


def community() -> c.SetUpCommunity:
    # households: m1+m2, m3+m4, m5, m6; m1 and m3 are close relatives (listed on m1 only)
    household = {"m1": "ha", "m2": "ha", "m3": "hb", "m4": "hb", "m5": "hc", "m6": "hd"}
    people = [
        c.PersonSpec(
            id=p,
            name=p,
            adult=True,
            household=household[p],
            relatives=("m3",) if p == "m1" else (),
        )
        for p in MEMBERS
    ]
    people += [
        c.PersonSpec(id=DIRECTOR, name="主任", adult=True),
        c.PersonSpec(id="out", name="外人", adult=True, household="ha"),
    ]
    return c.SetUpCommunity(
        actor="admin",
        people=tuple(people),
        households=tuple(c.HouseholdSpec(id=h, name=h) for h in ("ha", "hb", "hc", "hd")),
        bodies=(
            c.BodySpecEntry(
                id="committee", members=(c.MemberSpec(person=DIRECTOR, roles=("director",)),)
            ),
            c.BodySpecEntry(id="assembly", members=tuple(c.MemberSpec(person=p) for p in MEMBERS)),
        ),
    )


def start(section: str, method: str = "secret") -> Engine:
    ruleset = build(section)
    engine = Engine(MemoryStore(), ruleset)
    engine.execute(community(), DAY.replace(hour=0))
    engine.execute(c.ProposeMatter(actor=DIRECTOR, matter=MATTER, title="修路"), DAY)
    engine.execute(
        c.ConveneMeeting(
            actor=DIRECTOR, matter=MATTER, meeting=MEETING, date=DAY.date(), method=method
        ),
        DAY,
    )
    return engine


def check_in(engine: Engine, *people: str) -> None:
    engine.execute(c.CheckIn(actor=DIRECTOR, meeting=MEETING, people=people), DAY)


def proxy(engine: Engine, grantor: str, holder: str) -> list[ev.Event]:
    return engine.execute(
        c.RegisterProxy(
            actor=DIRECTOR, meeting=MEETING, grantor=grantor, holder=holder, document="委托书"
        ),
        DAY,
    )


def vote(engine: Engine, voter: str, choice: str = "yes", for_person: str | None = None):
    return engine.execute(
        c.CastVote(actor=voter, meeting=MEETING, voter=voter, choice=choice, for_person=for_person),
        DAY,
    )


def refusal(run, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        run(*args, **kwargs)
    return info.value


# -- not allowed ---------------------------------------------------------------


def test_proxy_refused_when_the_body_does_not_allow_it():
    engine = start(proxies(allowed=False))
    check_in(engine, "m2")
    found = refusal(proxy, engine, "m1", "m2")
    assert (found.code, found.rule) == ("proxy_not_allowed", "bodies.assembly.proxies")


def test_proxy_refused_when_the_body_has_no_proxy_table():
    engine = start("")
    found = refusal(proxy, engine, "m1", "m2")
    assert (found.code, found.rule) == ("proxy_not_allowed", "bodies.assembly.proxies")


@pytest.mark.parametrize("ruleset_id", ["siyi_liang_gongkai", "siyi_liang_gongkai_shequ"])
def test_shipped_siyi_bodies_do_not_allow_proxies(ruleset_id):
    ruleset = load(ROOT / "rulesets" / f"{ruleset_id}.toml")
    assert {b: spec.rules.proxies.allowed for b, spec in ruleset.bodies.items()} == dict.fromkeys(
        ruleset.bodies, False
    )


def test_shipped_siyi_meeting_refuses_a_proxy():
    scenario = load_scenario(ROOT / "examples" / "04_objection_during_disclosure.toml")
    ruleset = load(ROOT / "rulesets" / "siyi_liang_gongkai.toml")
    engine = Engine(MemoryStore(), ruleset)
    engine.execute(scenario.setup, DAY.replace(hour=0))
    engine.execute(c.ProposeMatter(actor="p01", matter="m", title="修路"), DAY)
    engine.execute(
        c.ConveneMeeting(
            actor="p01", matter="m", meeting="mp", date=DAY.date(), method="show_of_hands"
        ),
        DAY,
    )
    before = len(engine.store)
    with pytest.raises(Refusal) as info:
        engine.execute(c.RegisterProxy(actor="p01", meeting="mp", grantor="p03", holder="p02"), DAY)
    assert info.value.code == "proxy_not_allowed"
    assert info.value.rule == "bodies.party_branch_committee.proxies"
    assert len(engine.store) == before


# -- who may hold a proxy -------------------------------------------------------


def test_same_household_holder_must_share_the_household():
    engine = start(proxies(holder="same_household"))
    found = refusal(proxy, engine, "m1", "m3")  # relatives, but another household
    assert (found.code, found.rule) == (
        "proxy_holder_ineligible",
        "bodies.assembly.proxies.holder",
    )
    proxy(engine, "m1", "m2")
    assert engine.state.meetings[MEETING].proxies == {"m1": "m2"}


def test_close_relative_holder_must_be_a_relative():
    engine = start(proxies(holder="close_relative"))
    found = refusal(proxy, engine, "m1", "m2")  # same household, not listed as relative
    assert (found.code, found.rule) == (
        "proxy_holder_ineligible",
        "bodies.assembly.proxies.holder",
    )
    proxy(engine, "m1", "m3")
    assert engine.state.meetings[MEETING].proxies == {"m1": "m3"}


def test_close_relative_listed_on_the_holder_side_is_enough():
    engine = start(proxies(holder="close_relative"))
    proxy(engine, "m3", "m1")  # only m1 lists m3 as a relative
    assert engine.state.meetings[MEETING].proxies == {"m3": "m1"}


def test_any_member_may_hold_but_not_an_outsider():
    engine = start(proxies(holder="any_member"))
    found = refusal(proxy, engine, "m1", "out")  # same household as m1, not in the body
    assert found.code == "not_voting_member"
    proxy(engine, "m1", "m6")
    assert engine.state.meetings[MEETING].proxies == {"m1": "m6"}


def test_proxy_to_oneself_refused():
    engine = start(proxies(holder="any_member"))
    assert refusal(proxy, engine, "m1", "m1").code == "proxy_self"


def test_cap_per_holder():
    engine = start(proxies(holder="any_member", cap=2))
    proxy(engine, "m1", "m6")
    proxy(engine, "m2", "m6")
    found = refusal(proxy, engine, "m3", "m6")
    assert (found.code, found.rule) == ("proxy_cap", "bodies.assembly.proxies.max_per_holder")
    assert found.params["cap"] == 2
    assert engine.state.meetings[MEETING].proxies == {"m1": "m6", "m2": "m6"}


def test_default_cap_is_one():
    engine = start('[bodies.assembly.proxies]\nallowed = true\nholder = "any_member"\n')
    proxy(engine, "m1", "m6")
    assert refusal(proxy, engine, "m2", "m6").code == "proxy_cap"


def test_grantor_present_refused_when_absent_only():
    engine = start(proxies(absent_only=True))
    check_in(engine, "m1", "m2")
    found = refusal(proxy, engine, "m1", "m2")
    assert (found.code, found.rule) == (
        "proxy_grantor_present",
        "bodies.assembly.proxies.absent_only",
    )


def test_grantor_present_allowed_without_absent_only():
    engine = start(proxies(absent_only=False))
    check_in(engine, "m1", "m2")
    proxy(engine, "m1", "m2")
    assert engine.state.meetings[MEETING].proxies == {"m1": "m2"}


def test_holder_who_gave_a_proxy_cannot_hold_one():
    engine = start(proxies(holder="any_member", cap=3))
    proxy(engine, "m2", "m5")
    assert refusal(proxy, engine, "m1", "m2").code == "proxy_chain"


def test_grantor_gives_one_proxy_only():
    engine = start(proxies(holder="any_member", cap=3))
    proxy(engine, "m1", "m5")
    assert refusal(proxy, engine, "m1", "m6").code == "proxy_exists"


def test_grantor_who_already_voted_cannot_give_a_proxy():
    engine = start(proxies(absent_only=False))
    check_in(engine, "m1", "m2")
    vote(engine, "m1", "no")
    assert refusal(proxy, engine, "m1", "m2").code == "already_voted"


# -- voting by proxy ----------------------------------------------------------------


def test_holder_votes_once_for_the_grantor():
    engine = start(proxies())
    check_in(engine, "m2")
    proxy(engine, "m1", "m2")
    events = vote(engine, "m2", "no", for_person="m1")
    # a secret ballot: the register names the grantor and the holder, never the choice
    assert [(type(e).__name__, e.voter, e.cast_by) for e in events] == [
        ("BallotReceived", "m1", "m2")
    ]
    assert refusal(vote, engine, "m2", "yes", for_person="m1").code == "already_voted"
    vote(engine, "m2", "yes")  # the holder's own vote is separate
    meeting = engine.state.meetings[MEETING]
    assert meeting.received == {"m1": "m2", "m2": None}
    assert meeting.box == {"no": 1, "yes": 1}


def test_vote_for_someone_without_a_proxy_refused():
    engine = start(proxies(holder="any_member"))
    check_in(engine, "m2", "m5")
    proxy(engine, "m1", "m2")
    assert refusal(vote, engine, "m5", for_person="m1").code == "no_proxy"
    assert refusal(vote, engine, "m2", for_person="m3").code == "no_proxy"


def test_absent_holder_cannot_use_the_proxy():
    engine = start(proxies())
    proxy(engine, "m1", "m2")
    assert refusal(vote, engine, "m2", for_person="m1").code == "not_present"


def test_grantor_counts_as_present_for_quorum():
    engine = start(proxies())
    check_in(engine, "m2", "m4", "m5")
    meeting = engine.state.meetings[MEETING]
    ruleset = engine.rulesets["px"]
    assert meeting_counts(engine.state, ruleset, meeting)["present"] == 3
    proxy(engine, "m1", "m2")
    counts = meeting_counts(engine.state, ruleset, meeting)
    assert (counts["present"], counts["members_present"], counts["entitled"]) == (4, 4, 6)
    assert counts["households_present"] == 3  # ha (m1, m2), hb (m4), hc (m5)


def test_meeting_is_quorate_only_with_the_proxy():
    # 6 entitled: more than half needs 4
    engine = start(proxies())
    check_in(engine, "m2", "m4", "m5")
    proxy(engine, "m1", "m2")
    for voter in ("m2", "m4", "m5"):
        vote(engine, voter)
    vote(engine, "m2", for_person="m1")
    events = engine.execute(c.CloseMeeting(actor=DIRECTOR, meeting=MEETING), DAY)
    closed = next(e for e in events if isinstance(e, ev.MeetingClosed))
    assert isinstance(closed, ev.MeetingClosed)
    assert closed.outcome == "passed"
    assert (closed.counts["present"], closed.counts["yes"]) == (4, 4)

    without = start(proxies())
    check_in(without, "m2", "m4", "m5")
    for voter in ("m2", "m4", "m5"):
        vote(without, voter)
    closed = without.execute(c.CloseMeeting(actor=DIRECTOR, meeting=MEETING), DAY)[1]
    assert isinstance(closed, ev.MeetingClosed)  # after the opened ballot box
    assert closed.outcome == "no_quorum"
    assert closed.counts["present"] == 3


def test_hand_count_may_include_proxy_votes():
    engine = start(proxies(), method="show_of_hands")
    check_in(engine, "m2", "m4", "m5")
    proxy(engine, "m1", "m2")
    found = refusal(
        engine.execute, c.EnterHandCount(actor=DIRECTOR, meeting=MEETING, yes=5, no=0), DAY
    )
    assert (found.code, found.params["present"]) == ("tally_exceeds_present", 4)
    engine.execute(c.EnterHandCount(actor=DIRECTOR, meeting=MEETING, yes=4, no=0), DAY)


def test_grantor_cannot_vote_in_person_after_giving_a_proxy():
    engine = start(proxies())
    check_in(engine, "m2")
    proxy(engine, "m1", "m2")
    check_in(engine, "m1")  # arrives later
    assert refusal(vote, engine, "m1").code == "proxy_given"
    vote(engine, "m2", "no", for_person="m1")
    assert refusal(vote, engine, "m1").code == "already_voted"
    assert engine.state.meetings[MEETING].received == {"m1": "m2"}
    assert engine.state.meetings[MEETING].box == {"no": 1}
