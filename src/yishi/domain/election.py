"""Election stages (选举): candidates, secret ballots, participation, winners.

Defaults follow the 村委会 election rule as a pattern (domain.md §2.6, [K]):
the election is valid when enough of the electorate cast ballots, and a
candidate needs a share of the ballots cast; seats go to the qualifying
candidates with most votes. A tie at the last seat elects neither: the rule
set's ``on_reject`` decides what happens to seats left open (a run-off).
"""

from __future__ import annotations

import datetime as dt

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.authority import authorize_stage, name
from yishi.domain.counting import Base, Check, check, evaluate
from yishi.domain.errors import Refusal, named
from yishi.domain.flow import follow
from yishi.domain.lookup import open_meeting, require_held, rules_for, run_meeting
from yishi.domain.membership import roster, votes_in
from yishi.domain.rules import RuleSet, StageSpec
from yishi.domain.state import Matter, Meeting, State


def cast_ballot(
    state: State, c: cmd.CastElectionBallot, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter = open_meeting(state, ruleset, c.meeting)
    require_held(meeting, now)
    stage = ruleset.stage(meeting.stage)
    if not meeting.candidates:
        raise Refusal("not_an_election", meeting=meeting.id)
    if meeting.election_count is not None:
        raise Refusal("tally_exists", meeting=meeting.id)
    actor = c.on_behalf_of or c.actor
    if actor != c.voter:
        authorize_stage(state, ruleset, c, stage)
    if c.voter not in state.people:
        raise Refusal("unknown_person", person=c.voter)
    if not votes_in(state, ruleset, meeting.body, meeting.date, c.voter):
        raise Refusal(
            "not_voting_member",
            person=name(state, c.voter),
            body=named(ruleset.bodies[meeting.body]),
        )
    if c.voter not in meeting.present:
        raise Refusal("not_present", person=name(state, c.voter))
    if c.voter in meeting.election_ballots:
        raise Refusal("already_voted", person=name(state, c.voter))
    _check_choices(meeting, c.candidates, remaining_seats(matter, stage))
    return [
        ev.ElectionBallotCast(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            voter=c.voter,
            candidates=c.candidates,
        )
    ]


def _check_choices(meeting: Meeting, chosen: tuple[str, ...], seats: int) -> None:
    if len(set(chosen)) != len(chosen):
        raise Refusal("duplicate_choice")
    if len(chosen) > seats:
        raise Refusal("too_many_choices", count=len(chosen), seats=seats)
    for person in chosen:
        if person not in meeting.candidates:
            raise Refusal("not_a_candidate", person=person)


def enter_count(
    state: State, c: cmd.EnterElectionCount, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter, stage = run_meeting(state, ruleset, c, c.meeting, now)
    if not meeting.candidates:
        raise Refusal("not_an_election", meeting=meeting.id)
    if meeting.election_count is not None:
        raise Refusal("tally_exists", meeting=meeting.id)
    if meeting.election_ballots:
        raise Refusal("ballots_exist", meeting=meeting.id)
    members = roster(state, ruleset, meeting.body, meeting.date)
    present = len([p for p in meeting.attendance if members.get(p)])
    if min(c.cast, c.invalid) < 0 or any(n < 0 for _, n in c.votes):
        raise Refusal("negative_count")
    if c.cast > present:
        raise Refusal("tally_exceeds_present", total=c.cast, present=present)
    if c.invalid > c.cast:
        raise Refusal("invalid_exceeds_cast", invalid=c.invalid, cast=c.cast)
    valid = c.cast - c.invalid
    for person, votes in c.votes:
        if person not in meeting.candidates:
            raise Refusal("not_a_candidate", person=person)
        if votes > valid:
            raise Refusal("votes_exceed_valid", person=person, votes=votes, valid=valid)
    seats = remaining_seats(matter, stage)
    if sum(n for _, n in c.votes) > valid * seats:
        raise Refusal(
            "votes_exceed_seats", total=sum(n for _, n in c.votes), valid=valid, seats=seats
        )
    return [
        ev.ElectionCountEntered(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            cast=c.cast,
            invalid=c.invalid,
            votes=tuple(c.votes),
        )
    ]


def tally(meeting: Meeting) -> tuple[int, dict[str, int]]:
    """Ballots cast (invalid included) and votes per candidate."""
    if meeting.election_count is not None:
        cast, _invalid, votes = meeting.election_count
        counted = {p: 0 for p in meeting.candidates}
        counted.update(dict(votes))
        return cast, counted
    counted = {p: 0 for p in meeting.candidates}
    for chosen in meeting.election_ballots.values():
        for person in chosen:
            counted[person] += 1
    return len(meeting.election_ballots), counted


def close(state: State, c: cmd.CloseMeeting, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    meeting, matter, stage = run_meeting(state, ruleset, c, c.meeting, now)
    rules = rules_for(state, ruleset, meeting)
    members = roster(state, ruleset, meeting.body, meeting.date)
    electorate = len([p for p, voting in members.items() if voting])
    cast, votes = tally(meeting)
    # Turnout: ballots cast against all members (composition) or against those
    # with a vote (entitled / registered voters).
    bases = {b: electorate for b in Base}
    bases[Base.COMPOSITION] = len(members)
    participation = evaluate(
        "participation", "any_of", rules.quorum, dict.fromkeys(Base, cast), bases
    )
    checks: list[tuple[str, int, list[Check]]] = []
    for person, n in sorted(votes.items(), key=lambda item: (-item[1], item[0])):
        checks.append((person, n, [check(r, "candidate", n, cast) for r in rules.threshold]))
    qualified = [(p, n) for p, n, cs in checks if all(x.met for x in cs)]
    seats = remaining_seats(matter, stage)
    elected = _fill(qualified, seats) if participation.met else []
    if not participation.met:
        outcome = "no_quorum"
    else:
        outcome = "passed" if len(elected) == seats else "rejected"
    lines_zh = [
        f"{name(state, p)}：" + "；".join(x.explain("zh") for x in cs) for p, _, cs in checks
    ]
    lines_en = [f"{p}: " + "; ".join(x.explain("en") for x in cs) for p, _, cs in checks]
    seats_zh = f"应选 {seats} 名，当选 {len(elected)} 名：{'、'.join(name(state, p) for p in elected) or '无'}"
    seats_en = f"{seats} seat(s), {len(elected)} elected: {', '.join(elected) or 'none'}"
    cutoff = qualified[seats - 1][1] if 0 < seats < len(qualified) else None
    tied = [p for p, n in qualified if n == cutoff and p not in elected]
    if tied:
        seats_zh += f"；{'、'.join(name(state, p) for p in tied)} 得票相同，争最后的名额，均不当选，须另行选举"
        seats_en += (
            f"; {', '.join(tied)} tie for the last seat(s) and are not elected: a run-off is needed"
        )
    result = {
        "candidates": [
            {"person": p, "votes": n, "checks": [x.as_dict() for x in cs]} for p, n, cs in checks
        ],
        "elected": elected,
        "seats": seats,
        "explanation": {
            "zh": "\n".join([*lines_zh, seats_zh]),
            "en": "\n".join([*lines_en, seats_en]),
        },
    }
    closed = ev.MeetingClosed(
        at=now,
        actor=c.actor,
        on_behalf_of=c.on_behalf_of,
        matter=matter.id,
        meeting=meeting.id,
        outcome=outcome,
        quorum=participation.as_dict(),
        threshold=result if participation.met else None,
        counts={"electorate": electorate, "votes_cast": cast, "elected": len(elected)},
    )
    events: list[ev.Event] = [closed]
    if elected and stage.fills is not None:
        body, role = stage.fills
        events.append(
            ev.CandidatesElected(
                at=now,
                actor=c.actor,
                matter=matter.id,
                meeting=meeting.id,
                body=body,
                role=role,
                people=tuple(elected),
            )
        )
    transition = {"passed": stage.on_pass, "rejected": stage.on_reject}.get(
        outcome, stage.on_no_quorum
    )
    zh = {
        "passed": "选举有效，名额选满",
        "rejected": "名额未选满",
        "no_quorum": "参加投票人数不足，选举无效",
    }[outcome]
    en = {
        "passed": "valid; all seats filled",
        "rejected": "seats left open",
        "no_quorum": "too few ballots; election invalid",
    }[outcome]
    reason = f"{stage.name}：{zh}，{transition.describe('zh', ruleset.names('zh'))}"
    reason_en = (
        f"{stage.name_en or stage.name}: {en}; {transition.describe('en', ruleset.names('en'))}"
    )
    return [*events, *follow(ruleset, matter, transition, now, c.actor, reason, reason_en)]


def remaining_seats(matter: Matter, stage: StageSpec) -> int:
    """Seats still open at this stage: a run-off (另行选举) fills only what is left."""
    return stage.seats - len(matter.elected.get(stage.id, ()))


def _fill(qualified: list[tuple[str, int]], seats: int) -> list[str]:
    """Top ``seats`` by votes; a tie across the last seat elects none of the tied."""
    if len(qualified) <= seats:
        return [p for p, _ in qualified]
    cutoff = qualified[seats - 1][1]
    if qualified[seats][1] == cutoff:
        return [p for p, n in qualified if n > cutoff]
    return [p for p, _ in qualified[:seats]]
