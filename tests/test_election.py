"""Election stages (选举): ballots, paper counts, ties, run-offs, participation, seats filled."""

from __future__ import annotations

import datetime as dt

import pytest

from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.domain.rules import RuleSet
from yishi.engine import Engine
from yishi.rulesets.loader import check_text
from yishi.store.memory import MemoryStore

ELECTION_TOML = """
schema_version = 1
id = "el"
title = "选举监督员"
statutory = false
proposers = ["committee"]

[bodies.committee]
name = "委员会"
roles = ["director", "member"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[bodies.assembly]
name = "代表会议"
quorum = { base = "composition", fraction = "2/3", cmp = ">=" }
threshold = { base = "votes_cast", fraction = "1/2", cmp = ">" }
vote_methods = [VOTE_METHODS]

[bodies.supervisors]
name = "监督员"
roles = ["supervisor", "chair"]

[[stages]]
id = "vote"
kind = "election"
name = "选举"
bodies = ["assembly"]
actors = ["committee.director"]
seats = 2
fills = "supervisors.supervisor"
on_reject = "reconvene"
on_no_quorum = "reconvene"

[[stages]]
id = "announce"
kind = "disclosure"
name = "公布当选名单"
actors = ["committee"]
disclosure_days = 5
on_pass = "complete"
"""

ASSEMBLY = tuple(f"a{i}" for i in range(1, 10))  # nine voting members
CANDIDATES = ("c1", "c2", "c3", "c4")
DIRECTOR = "d1"
MATTER = "m1"


def build(methods: str = '"secret"') -> RuleSet:
    ruleset, problems = check_text(
        ELECTION_TOML.replace("VOTE_METHODS", methods).encode(), "election.toml"
    )
    assert ruleset is not None, [(p.code, p.path) for p in problems]
    return ruleset


def at(day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, minute)


def community() -> c.SetUpCommunity:
    people = [c.PersonSpec(id=p, name=p, adult=True) for p in (*ASSEMBLY, *CANDIDATES, DIRECTOR)]
    people.append(c.PersonSpec(id="n1", name="外人", adult=True))
    people.append(c.PersonSpec(id="s0", name="原监督员", adult=True))
    return c.SetUpCommunity(
        actor="admin",
        people=tuple(people),
        bodies=(
            c.BodySpecEntry(
                id="committee", members=(c.MemberSpec(person=DIRECTOR, roles=("director",)),)
            ),
            c.BodySpecEntry(id="assembly", members=tuple(c.MemberSpec(person=p) for p in ASSEMBLY)),
            c.BodySpecEntry(
                id="supervisors", members=(c.MemberSpec(person="s0", roles=("chair",)),)
            ),
        ),
    )


@pytest.fixture
def engine() -> Engine:
    ruleset = build()
    engine = Engine(MemoryStore(), ruleset)
    engine.execute(community(), at(1, 0))
    engine.execute(c.ProposeMatter(actor=DIRECTOR, matter=MATTER, title="选举监督员"), at(1))
    return engine


def convene(
    engine: Engine, meeting: str, candidates: tuple[str, ...], day: int = 2
) -> list[ev.Event]:
    return engine.execute(
        c.ConveneMeeting(
            actor=DIRECTOR,
            matter=MATTER,
            meeting=meeting,
            date=dt.date(2026, 10, day),
            method="secret",
            candidates=candidates,
        ),
        at(day, 8),
    )


def check_in(engine: Engine, meeting: str, people: tuple[str, ...], day: int = 2) -> None:
    engine.execute(c.CheckIn(actor=DIRECTOR, meeting=meeting, people=people), at(day, 9))


def ballot(engine: Engine, meeting: str, voter: str, *chosen: str, day: int = 2) -> list[ev.Event]:
    return engine.execute(
        c.CastElectionBallot(actor=voter, meeting=meeting, voter=voter, candidates=chosen),
        at(day, 10),
    )


def count(
    engine: Engine, meeting: str, cast: int, invalid: int, day: int = 2, **votes: int
) -> list[ev.Event]:
    return engine.execute(
        c.EnterElectionCount(
            actor=DIRECTOR,
            meeting=meeting,
            cast=cast,
            invalid=invalid,
            votes=tuple(votes.items()),
        ),
        at(day, 11),
    )


def close(engine: Engine, meeting: str, day: int = 2) -> list[ev.Event]:
    return engine.execute(c.CloseMeeting(actor=DIRECTOR, meeting=meeting), at(day, 12))


def refused(engine: Engine, run, *args, **kwargs) -> Refusal:
    before = len(engine.store)
    with pytest.raises(Refusal) as info:
        run(engine, *args, **kwargs)
    assert len(engine.store) == before
    return info.value


def closed_event(events: list[ev.Event]) -> ev.MeetingClosed:
    return next(e for e in events if isinstance(e, ev.MeetingClosed))


# -- individual ballots ------------------------------------------------------


def test_ballot_from_non_member_refused(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    assert refused(engine, ballot, "v1", "n1", "c1").code == "not_voting_member"


def test_ballot_from_absent_member_refused(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    assert refused(engine, ballot, "v1", "a7", "c1").code == "not_present"


def test_second_ballot_refused(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    ballot(engine, "v1", "a1", "c1")
    assert refused(engine, ballot, "v1", "a1", "c2").code == "already_voted"
    meeting = engine.state.meetings["v1"]
    assert meeting.received == {"a1": None}  # who voted, in the log
    assert meeting.box == {'{"names":["c1"]}': 1}  # what, in the sealed box


def test_over_marked_ballot_is_recorded_invalid_and_stays_in_the_base(engine):
    """参加投票的村民 includes every ballot returned: an over-marked ballot is
    invalid, counts for no one, and still counts in the base. Here it decides
    the result: with it, more than half of 6 is 4 votes; without it, 3."""
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    ballot(engine, "v1", "a1", "c1", "c2", "c3")  # three names for two seats
    for voter in ("a2", "a3", "a4"):
        ballot(engine, "v1", voter, "c1", "c2")
    for voter in ("a5", "a6"):
        ballot(engine, "v1", voter, "c1")
    closed = next(e for e in close(engine, "v1") if isinstance(e, ev.MeetingClosed))
    assert closed.counts["votes_cast"] == 6
    assert (closed.counts["valid"], closed.counts["invalid"]) == (5, 1)
    assert closed.threshold is not None
    assert closed.threshold["invalid"] == {"too_many_names": 1}
    assert closed.threshold["elected"] == ["c1"]
    by_person = {x["person"]: x for x in closed.threshold["candidates"]}
    assert by_person["c2"]["votes"] == 3
    assert by_person["c2"]["checks"][0]["base_value"] == 6
    assert by_person["c2"]["checks"][0]["minimum"] == 4
    assert "无效票 1 张（所选人数多于应选名额 1）" in closed.threshold["explanation"]["zh"]


def test_ballot_ruled_invalid_at_the_count_is_cast(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    engine.execute(
        c.CastElectionBallot(
            actor=DIRECTOR, meeting="v1", voter="a1", candidates=(), invalid="无法辨认"
        ),
        at(2, 10),
    )
    for voter in ASSEMBLY[1:6]:
        ballot(engine, "v1", voter, "c1", "c2")
    closed = next(e for e in close(engine, "v1") if isinstance(e, ev.MeetingClosed))
    assert closed.counts["votes_cast"] == 6
    assert closed.threshold is not None
    assert closed.threshold["invalid"] == {"无法辨认": 1}
    assert "计票时认定无效 1 张：无法辨认" in closed.threshold["explanation"]["zh"]


def test_choice_of_non_candidate_refused(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    assert refused(engine, ballot, "v1", "a1", "c1", "c4").code == "not_a_candidate"


def test_duplicate_choice_refused(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    assert refused(engine, ballot, "v1", "a1", "c1", "c1").code == "duplicate_choice"


def test_convene_election_without_candidates_or_with_duplicates_refused(engine):
    assert refused(engine, convene, "v1", ()).code == "candidates_required"
    assert refused(engine, convene, "v1", ("c1", "c1")).code == "duplicate_choice"


# -- paper counts --------------------------------------------------------------


def test_count_cast_more_than_present_refused(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    refusal = refused(engine, count, "v1", 7, 0, c1=7)
    assert refusal.code == "tally_exceeds_present"
    assert (refusal.params["total"], refusal.params["present"]) == (7, 6)
    count(engine, "v1", 6, 0, c1=6)  # every one present is fine


def test_count_invalid_more_than_cast_refused(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    assert refused(engine, count, "v1", 5, 6).code == "invalid_exceeds_cast"


def test_count_votes_more_than_valid_ballots_refused(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    refusal = refused(engine, count, "v1", 6, 1, c1=6)
    assert refusal.code == "votes_exceed_valid"
    assert (refusal.params["votes"], refusal.params["valid"]) == (6, 5)


def test_count_sum_over_valid_times_seats_refused(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    refusal = refused(engine, count, "v1", 6, 0, c1=5, c2=4, c3=4)
    assert refusal.code == "votes_exceed_seats"
    assert (refusal.params["total"], refusal.params["valid"], refusal.params["seats"]) == (
        13,
        6,
        2,
    )
    count(engine, "v1", 6, 0, c1=5, c2=4, c3=3)  # 12 = 6 × 2 is the most possible


def test_count_for_non_candidate_refused(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    assert refused(engine, count, "v1", 6, 0, c4=3).code == "not_a_candidate"


def test_count_refused_after_individual_ballots(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    ballot(engine, "v1", "a1", "c1")
    assert refused(engine, count, "v1", 6, 0, c1=6).code == "ballots_exist"


def test_ballot_refused_after_count(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:6])
    count(engine, "v1", 6, 0, c1=6)
    assert refused(engine, ballot, "v1", "a1", "c1").code == "tally_exists"
    assert refused(engine, count, "v1", 6, 0, c1=5).code == "tally_exists"


# -- results -------------------------------------------------------------------


def test_tie_at_last_seat_elects_neither_of_the_tied(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY)
    count(engine, "v1", 9, 0, c1=8, c2=5, c3=5)  # c2 and c3 both over half of 9
    events = close(engine, "v1")
    closed = closed_event(events)
    assert closed.outcome == "rejected"
    assert closed.threshold["elected"] == ["c1"]
    assert closed.counts == {
        "electorate": 9,
        "votes_cast": 9,
        "valid": 9,
        "invalid": 0,
        "elected": 1,
    }
    elected = [e for e in events if isinstance(e, ev.CandidatesElected)]
    assert [e.people for e in elected] == [("c1",)]
    assert engine.state.matters[MATTER].elected == {"vote": ["c1"]}
    # on_reject = reconvene: the matter stays at the election stage
    assert isinstance(events[-1], ev.StageEntered) and events[-1].stage == "vote"


def test_tie_within_the_seats_elects_both(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY)
    count(engine, "v1", 9, 0, c1=5, c2=5, c3=4)
    closed = closed_event(close(engine, "v1"))
    assert closed.outcome == "passed"
    assert closed.threshold["elected"] == ["c1", "c2"]
    assert engine.state.matters[MATTER].stage == "announce"


def test_candidate_needs_more_than_half_of_ballots_cast(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY[:8])
    # 8 cast: more than half means at least 5; c2 with exactly 4 is not elected
    count(engine, "v1", 8, 0, c1=5, c2=4, c3=3)
    closed = closed_event(close(engine, "v1"))
    assert closed.outcome == "rejected"
    assert closed.threshold["elected"] == ["c1"]
    checks = {x["person"]: x["checks"][0] for x in closed.threshold["candidates"]}
    assert (checks["c1"]["minimum"], checks["c1"]["met"]) == (5, True)
    assert (checks["c2"]["count"], checks["c2"]["met"]) == (4, False)


def test_runoff_fills_only_the_remaining_seats(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY)
    count(engine, "v1", 9, 0, c1=8, c2=5, c3=5)
    close(engine, "v1")

    # c1 is already elected and cannot stand again
    refusal = refused(engine, convene, "v2", ("c1", "c2"), day=5)
    assert refusal.code == "already_elected"

    convene(engine, "v2", ("c2", "c3"), day=5)
    check_in(engine, "v2", ASSEMBLY, day=5)
    # one seat left: a count may total at most valid × 1
    refusal = refused(engine, count, "v2", 9, 0, day=5, c2=6, c3=4)
    assert (refusal.code, refusal.params["seats"]) == ("votes_exceed_seats", 1)

    count(engine, "v2", 9, 0, day=5, c2=6, c3=3)
    events = close(engine, "v2", day=5)
    closed = closed_event(events)
    assert closed.outcome == "passed"
    assert closed.threshold["seats"] == 1
    assert closed.threshold["elected"] == ["c2"]
    assert engine.state.matters[MATTER].elected == {"vote": ["c1", "c2"]}
    assert engine.state.matters[MATTER].stage == "announce"


def test_participation_below_quorum_is_no_quorum(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY)
    for voter in ASSEMBLY[:5]:  # 5 of 9; 2/3 of 9 needs 6
        ballot(engine, "v1", voter, "c1", "c2")
    events = close(engine, "v1")
    closed = closed_event(events)
    assert closed.outcome == "no_quorum"
    assert closed.quorum["met"] is False
    assert closed.threshold is None
    assert closed.counts == {
        "electorate": 9,
        "votes_cast": 5,
        "valid": 5,
        "invalid": 0,
        "elected": 0,
    }
    assert not [e for e in events if isinstance(e, ev.CandidatesElected)]
    assert engine.state.matters[MATTER].elected == {}
    assert set(engine.state.bodies["supervisors"].members) == {"s0"}


def test_participation_exactly_at_quorum_counts_blank_ballots(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY)
    for voter in ASSEMBLY[:4]:
        ballot(engine, "v1", voter, "c1", "c2")
    ballot(engine, "v1", "a5", "c1")
    ballot(engine, "v1", "a6")  # blank ballot: counts as cast
    closed = closed_event(close(engine, "v1"))
    # 6 of 9 cast: quorum met; c1 has 5 > 6/2, c2 has 4 > 3
    assert closed.quorum["met"] is True
    assert closed.counts == {
        "electorate": 9,
        "votes_cast": 6,
        "valid": 6,
        "invalid": 0,
        "elected": 2,
    }
    assert closed.outcome == "passed"
    assert closed.threshold["elected"] == ["c1", "c2"]


def test_elected_join_the_filled_body_with_the_role(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY)
    count(engine, "v1", 9, 1, c1=7, c2=6, c3=2)
    events = close(engine, "v1")
    elected = [e for e in events if isinstance(e, ev.CandidatesElected)]
    assert len(elected) == 1
    assert (elected[0].body, elected[0].role, elected[0].people) == (
        "supervisors",
        "supervisor",
        ("c1", "c2"),
    )
    members = engine.state.bodies["supervisors"].members
    assert set(members) == {"s0", "c1", "c2"}
    assert members["c1"].roles == ("supervisor",)
    assert members["c2"].roles == ("supervisor",)
    assert members["s0"].roles == ("chair",)  # the sitting member is untouched
    assert members["c1"].voting is True


def _election_methods(methods: str, statutory: bool):
    text = ELECTION_TOML.replace("VOTE_METHODS", methods)
    text = text.replace("statutory = false", f"statutory = {'true' if statutory else 'false'}")
    return check_text(text.encode(), "election.toml")


@pytest.mark.parametrize("methods", ['"show_of_hands"', '"secret", "show_of_hands"'])
def test_an_open_vote_for_an_election_is_refused_in_a_statutory_rule_set(methods):
    ruleset, problems = _election_methods(methods, statutory=True)
    assert ruleset is None
    assert ("bad_value", "stages[0].vote_methods", "error") in [
        (p.code, p.path, p.severity) for p in problems
    ]


@pytest.mark.parametrize("methods", ['"show_of_hands"', '"secret", "show_of_hands"'])
def test_an_open_vote_for_an_election_is_a_visible_warning_in_a_local_rule_set(methods):
    ruleset, problems = _election_methods(methods, statutory=False)
    assert ruleset is not None
    assert [(p.code, p.path, p.severity) for p in problems] == [
        ("bad_value", "stages[0].vote_methods", "warning")
    ]


def test_secret_only_election_is_accepted():
    ruleset, problems = check_text(ELECTION_TOML.replace("VOTE_METHODS", '"secret"').encode())
    assert ruleset is not None
    assert [p for p in problems if p.severity == "error"] == []


def test_runoff_needs_one_third_of_ballots_cast_not_half(engine):
    """另行选举: 以得票多的当选，但所得票数不得少于已投选票总数的三分之一."""
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY)
    count(engine, "v1", 9, 0, c1=8, c2=4, c3=4)  # c2, c3 below half: one seat left open
    assert closed_event(close(engine, "v1")).outcome == "rejected"
    convene(engine, "v2", ("c2", "c3"), day=5)
    check_in(engine, "v2", ASSEMBLY, day=5)
    # one seat left: a ballot with two names is recorded, and invalid
    ballot(engine, "v2", "a1", "c2", "c3", day=5)
    for voter in ASSEMBLY[1:4]:  # 3 votes: exactly one third of the 9 ballots cast
        ballot(engine, "v2", voter, "c2", day=5)
    for voter in ASSEMBLY[4:9]:
        ballot(engine, "v2", voter, day=5)  # blank
    closed = closed_event(close(engine, "v2", day=5))
    assert closed.threshold is not None
    assert closed.threshold["elected"] == ["c2"]
    assert closed.threshold["invalid"] == {"too_many_names": 1}
    check = closed.threshold["candidates"][0]["checks"][0]
    assert (check["count"], check["base_value"], check["minimum"]) == (3, 9, 3)
    assert "另行选举" in closed.threshold["explanation"]["zh"]


def test_runoff_below_one_third_elects_no_one(engine):
    convene(engine, "v1", ("c1", "c2", "c3"))
    check_in(engine, "v1", ASSEMBLY)
    count(engine, "v1", 9, 0, c1=8, c2=4, c3=4)
    close(engine, "v1")
    convene(engine, "v2", ("c2", "c3"), day=5)
    check_in(engine, "v2", ASSEMBLY, day=5)
    count(engine, "v2", 9, 3, day=5, c2=2, c3=1)  # most votes, but 2 < 9/3
    closed = closed_event(close(engine, "v2", day=5))
    assert closed.outcome == "rejected"
    assert closed.threshold is not None and closed.threshold["elected"] == []
