"""Election stages (选举): candidates, secret ballots, participation, winners.

The election is valid when enough of the electorate cast ballots (every ballot
returned counts, invalid ones included: 参加投票的村民). The ballots are then
counted by the counting rule of the meeting's vote method
(:mod:`yishi.domain.methods`): by default "at most ``seats`` names" (差额选举),
where a candidate needs the rule set's threshold and seats go to the
qualifying candidates with most votes, a tie at the last seat electing none of
the tied. Seats left open go to the rule set's ``on_reject`` (另行选举), where
the most votes win with at least the stage's ``runoff_threshold`` (default one
third of the ballots cast, 村组法 Art. 18).
"""

from __future__ import annotations

import datetime as dt

import attrs

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain import secrecy
from yishi.domain.authority import authorize_stage, name
from yishi.domain.counting import Base, evaluate
from yishi.domain.errors import Refusal, Text, named
from yishi.domain.flow import follow
from yishi.domain.lookup import open_meeting, require_held, rules_for, run_meeting
from yishi.domain.membership import roster, votes_in
from yishi.domain.methods import (
    AT_MOST_SEATS,
    RUNOFF_DEFAULT,
    ElectionContext,
    ElectionCount,
    ElectionRule,
    MarkRule,
)
from yishi.domain.naming import meeting_name
from yishi.domain.rules import RuleSet, StageSpec
from yishi.domain.secrecy import election_ballot, has_voted, is_secret, read_election_ballot
from yishi.domain.state import Matter, Meeting, State


def cast_ballot(
    state: State, c: cmd.CastElectionBallot, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter = open_meeting(state, ruleset, c.meeting)
    require_held(state, ruleset, meeting, now)
    stage = ruleset.stage(meeting.stage)
    if not meeting.candidates:
        raise Refusal("not_an_election", meeting=meeting_name(state, ruleset, meeting))
    if meeting.election_count is not None:
        raise Refusal("tally_exists", meeting=meeting_name(state, ruleset, meeting))
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
    if has_voted(meeting, c.voter):
        raise Refusal("already_voted", person=name(state, c.voter))
    _check_choices(meeting, c.candidates)
    if is_secret(ruleset, meeting):
        sealed = election_ballot(c.candidates, c.invalid.strip())
        secrecy.check_size(sealed)
        return secrecy.cast(meeting, matter.id, c.voter, sealed, now, c.actor, c.on_behalf_of)
    return [
        ev.ElectionBallotCast(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            voter=c.voter,
            candidates=c.candidates,
            invalid=c.invalid.strip(),
        )
    ]


def _check_choices(meeting: Meeting, chosen: tuple[str, ...]) -> None:
    """Refuse what is a slip of entry, not a way of filling in a ballot.

    A ballot with more names than seats is *recorded*: the counting rule rules
    it invalid at the count and it stays among the ballots cast (参加投票的
    村民 includes every ballot returned)."""
    if len(set(chosen)) != len(chosen):
        raise Refusal("duplicate_choice")
    for person in chosen:
        if person not in meeting.candidates:
            raise Refusal("not_a_candidate", person=person)


def counting_rule(ruleset: RuleSet, meeting: Meeting) -> ElectionRule:
    spec = ruleset.vote_method(meeting.method)
    return spec.election_rule() if spec is not None else AT_MOST_SEATS


def enter_count(
    state: State, c: cmd.EnterElectionCount, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter, stage = run_meeting(state, ruleset, c, c.meeting, now)
    if not meeting.candidates:
        raise Refusal("not_an_election", meeting=meeting_name(state, ruleset, meeting))
    rule = counting_rule(ruleset, meeting)
    if not (rule.accepts_tally and isinstance(rule, MarkRule)):
        raise Refusal("ranked_needs_ballots", method=Text(rule.label_zh, rule.label_en))
    if meeting.election_count is not None:
        raise Refusal("tally_exists", meeting=meeting_name(state, ruleset, meeting))
    if meeting.election_ballots or meeting.received:
        raise Refusal("ballots_exist", meeting=meeting_name(state, ruleset, meeting))
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
    seats = (
        remaining_seats(matter, stage)
        if getattr(rule, "limit_to_seats", False)
        else len(meeting.candidates)
    )
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
    """Ballots cast (invalid included) and marks per candidate, as recorded."""
    if meeting.election_count is not None:
        cast, _invalid, votes = meeting.election_count
        counted = {p: 0 for p in meeting.candidates}
        counted.update(dict(votes))
        return cast, counted
    counted = {p: 0 for p in meeting.candidates}
    for chosen, _why in ballots_of(meeting):
        for person in chosen:
            counted[person] += 1
    return len(meeting.election_ballots) + len(meeting.received), counted


def ballots_of(meeting: Meeting) -> list[tuple[tuple[str, ...], str]]:
    """Every ballot with why it was ruled invalid ("" if not): named ones, then
    the secret ones out of the box (a multiset, in sorted order)."""
    named = [(b, meeting.spoiled.get(v, "")) for v, b in meeting.election_ballots.items()]
    return named + [read_election_ballot(s) for s in sorted(meeting.box.elements())]


def is_runoff(state: State, meeting: Meeting) -> bool:
    """另行选举: an earlier election at the same stage of the matter left seats open."""
    return any(
        m.stage == meeting.stage
        and m.matter == meeting.matter
        and m.id != meeting.id
        and m.closed
        and m.outcome == "rejected"
        for m in state.meetings.values()
    )


def count(state: State, ruleset: RuleSet, meeting: Meeting, seats: int) -> ElectionCount:
    """The meeting's ballots (or entered totals) counted by its method's rule."""
    rule = counting_rule(ruleset, meeting)
    rules = rules_for(state, ruleset, meeting)
    stage = ruleset.stage(meeting.stage)
    cast = tally(meeting)[0]
    ctx = ElectionContext(
        candidates=meeting.candidates,
        seats=seats,
        cast=cast,
        thresholds=tuple(rules.threshold),
        runoff=is_runoff(state, meeting),
        runoff_threshold=stage.runoff_threshold or RUNOFF_DEFAULT,
        names={p: name(state, p) for p in meeting.candidates},
    )
    if meeting.election_count is not None:
        if not isinstance(rule, MarkRule):  # enter_count refuses totals for other rules
            raise Refusal("ranked_needs_ballots", method=Text(rule.label_zh, rule.label_en))
        _cast, spoilt, votes = meeting.election_count
        found = dict(votes)
        return rule.from_votes(
            {p: found.get(p, 0) for p in meeting.candidates},
            cast - spoilt,
            {"marked": spoilt} if spoilt else {},
            ctx,
        )
    every = ballots_of(meeting)
    result = rule.count([b for b, why in every if not why], ctx)
    spoiled = [why for _b, why in every if why]
    if not spoiled:
        return result
    # Ballots ruled invalid at the count: cast, counted for no one, listed by reason.
    invalid = dict(result.invalid)
    for reason in spoiled:
        invalid[reason] = invalid.get(reason, 0) + 1
    n = len(spoiled)
    return attrs.evolve(
        result,
        invalid=invalid,
        explanation={
            "zh": result.explanation.get("zh", "")
            + f"\n计票时认定无效 {n} 张：{'；'.join(sorted(set(spoiled)))}",
            "en": result.explanation.get("en", "")
            + f"\n{n} ballot(s) ruled invalid at the count: "
            + "; ".join(sorted(set(spoiled))),
        },
    )


def close(state: State, c: cmd.CloseMeeting, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    meeting, matter, stage = run_meeting(state, ruleset, c, c.meeting, now)
    rules = rules_for(state, ruleset, meeting)
    members = roster(state, ruleset, meeting.body, meeting.date)
    electorate = len([p for p, voting in members.items() if voting])
    cast, _marks = tally(meeting)
    # Turnout: ballots cast (invalid ones included) against all members
    # (composition) or against those with a vote (entitled / registered voters).
    bases = {b: electorate for b in Base}
    bases[Base.COMPOSITION] = len(members)
    participation = evaluate(
        "participation", "any_of", rules.quorum, dict.fromkeys(Base, cast), bases
    )
    seats = remaining_seats(matter, stage)
    rule = counting_rule(ruleset, meeting)
    if rule.max_seats is not None and seats > rule.max_seats:
        raise Refusal(
            "method_seats",
            method=Text(rule.label_zh, rule.label_en),
            most=rule.max_seats,
            seats=seats,
        )
    counted = count(state, ruleset, meeting, seats)
    elected = list(counted.elected) if participation.met else []
    if not participation.met:
        outcome = "no_quorum"
    else:
        outcome = "passed" if len(elected) == seats else "rejected"
    result = counted.as_dict(seats, rule.name)
    closed = ev.MeetingClosed(
        at=now,
        actor=c.actor,
        on_behalf_of=c.on_behalf_of,
        matter=matter.id,
        meeting=meeting.id,
        outcome=outcome,
        quorum=participation.as_dict(),
        threshold=result if participation.met else None,
        counts={
            "electorate": electorate,
            "votes_cast": cast,
            "valid": counted.valid,
            "invalid": cast - counted.valid,
            "elected": len(elected),
        },
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
    opened = secrecy.open_box(meeting, now, c.actor)
    return [
        *opened,
        *events,
        *follow(ruleset, matter, transition, now, c.actor, reason, reason_en),
    ]


def remaining_seats(matter: Matter, stage: StageSpec) -> int:
    """Seats still open at this stage: a run-off (另行选举) fills only what is left."""
    return stage.seats - len(matter.elected.get(stage.id, ()))
