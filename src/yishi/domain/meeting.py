"""Meeting stages: votes (ballots checked one by one, hand counts, consensus) and the verdict.

Convening is in ``convening``, attendance, excusal and proxies in ``attendance``,
recusal in ``recusal``; ``decide`` routes each command to its module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain import secrecy
from yishi.domain.attendance_gate import apply_gate
from yishi.domain.authority import authorize_stage, name
from yishi.domain.errors import Refusal, named
from yishi.domain.flow import follow
from yishi.domain.lookup import open_meeting, require_held, run_meeting
from yishi.domain.membership import votes_in
from yishi.domain.naming import meeting_name
from yishi.domain.rules import RuleSet, StageKind, stage_outcome
from yishi.domain.secrecy import has_voted, is_secret
from yishi.domain.state import Meeting, State
from yishi.domain.tally import consensus_result, meeting_counts, motion_rule, outcome


def cast_vote(state: State, c: cmd.CastVote, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    meeting, matter = open_meeting(state, ruleset, c.meeting)
    require_held(state, ruleset, meeting, now)
    if not ruleset.records(meeting.method, "ballots"):
        raise Refusal("ballots_not_used", method=meeting.method)
    if meeting.tally is not None:
        raise Refusal("tally_exists", meeting=meeting_name(state, ruleset, meeting))
    actor = c.on_behalf_of or c.actor
    stage = ruleset.stage(meeting.stage)
    if actor != c.voter:
        authorize_stage(state, ruleset, c, stage)
    voting = partial(votes_in, state, ruleset, meeting.body, meeting.date)
    represented = check_ballot(state, ruleset, meeting, c.voter, c.choice, c.for_person, voting)
    if is_secret(ruleset, meeting):
        cast_by = c.voter if c.for_person else None
        return secrecy.cast(
            meeting, matter.id, represented, c.choice, now, c.actor, c.on_behalf_of, cast_by
        )
    return [
        ev.BallotCast(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            voter=represented,
            choice=c.choice,
            cast_by=c.voter if c.for_person else None,
        )
    ]


def check_ballot(
    state: State,
    ruleset: RuleSet,
    meeting: Meeting,
    voter: str,
    choice: str,
    for_person: str | None,
    voting: Callable[[str], bool],
) -> str:
    """The checks every ballot passes, cast alone or entered in a batch of paper
    ballots; returns whose vote it is (the grantor, when cast by proxy).

    ``voting`` says whether a person may vote in the meeting's body; it answers
    one person at a time so that a ballot costs the same in a body of 10,000."""
    rule = motion_rule(ruleset, meeting)
    if rule.invalid(choice) is not None:
        raise Refusal("bad_choice", choice=choice, choices="、".join(rule.choices))
    represented = for_person or voter
    for person in {voter, represented}:
        if person not in state.people:
            raise Refusal("unknown_person", person=person)
    if not voting(represented):
        raise Refusal(
            "not_voting_member",
            person=name(state, represented),
            body=named(ruleset.bodies[meeting.body]),
        )
    if for_person is not None and meeting.proxies.get(for_person) != voter:
        raise Refusal("no_proxy", holder=name(state, voter), grantor=name(state, for_person))
    if voter not in meeting.present:
        raise Refusal("not_present", person=name(state, voter))
    recused = state.matters[meeting.matter].recused
    if represented in recused:
        raise Refusal("recused", person=name(state, represented), reason=recused[represented])
    if has_voted(meeting, represented):
        raise Refusal("already_voted", person=name(state, represented))
    if for_person is None and voter in meeting.proxies:
        raise Refusal("proxy_given", person=name(state, voter))
    return represented


def enter_hand_count(
    state: State, c: cmd.EnterHandCount, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter, _stage = run_meeting(state, ruleset, c, c.meeting, now)
    if not ruleset.records(meeting.method, "tally"):
        raise Refusal("tally_not_used", method=meeting.method)
    if meeting.tally is not None:
        raise Refusal("tally_exists", meeting=meeting_name(state, ruleset, meeting))
    if meeting.ballots or meeting.received:
        raise Refusal("ballots_exist", meeting=meeting_name(state, ruleset, meeting))
    if min(c.yes, c.no, c.abstain) < 0:
        raise Refusal("negative_count")
    counts = meeting_counts(state, ruleset, meeting)
    total = c.yes + c.no + c.abstain
    if total > counts["present"]:
        raise Refusal("tally_exceeds_present", total=total, present=counts["present"])
    return [
        ev.HandCountEntered(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            yes=c.yes,
            no=c.no,
            abstain=c.abstain,
        )
    ]


def record_consensus(
    state: State, c: cmd.RecordConsensus, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter, _stage = run_meeting(state, ruleset, c, c.meeting, now)
    if not ruleset.records(meeting.method, "consensus"):
        raise Refusal("consensus_not_used", method=meeting.method)
    for person, _text in c.objections:
        if person not in state.people:
            raise Refusal("unknown_person", person=person)
    return [
        ev.ConsensusRecorded(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            reached=c.reached,
            objections=tuple(c.objections),
        )
    ]


def close(state: State, c: cmd.CloseMeeting, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    meeting, matter = open_meeting(state, ruleset, c.meeting)
    if ruleset.stage(meeting.stage).kind is StageKind.ELECTION:
        from yishi.domain import election  # election builds on this module

        return election.close(state, c, ruleset, now)
    require_held(state, ruleset, meeting, now)
    stage = ruleset.stage(meeting.stage)
    authorize_stage(state, ruleset, c, stage)
    result = outcome(state, ruleset, meeting)
    result, quorum, gated = apply_gate(state, ruleset, meeting, result)
    if result.outcome != "no_quorum":
        voted = (
            meeting.tally is not None
            or meeting.ballots
            or meeting.received
            or meeting.consensus is not None
        )
        if not voted:
            raise Refusal("no_votes", meeting=meeting_name(state, ruleset, meeting))
    closed = ev.MeetingClosed(
        at=now,
        actor=c.actor,
        on_behalf_of=c.on_behalf_of,
        matter=matter.id,
        meeting=meeting.id,
        outcome=result.outcome,
        quorum=quorum,
        threshold=result.threshold.as_dict()
        if result.threshold
        else consensus_result(state, meeting, result),
        counts=result.counts,
        recused=result.recused,
    )
    if result.outcome == "passed":
        transition, zh, en = (
            stage_outcome(ruleset, stage, matter.matter_type, "on_pass"),
            "表决通过",
            "passed",
        )
    elif result.outcome == "rejected":
        transition = stage_outcome(ruleset, stage, matter.matter_type, "on_reject")
        zh, en = "表决未通过", "rejected"
    elif gated:
        transition = stage.on_no_quorum
        zh, en = "到会妇女未达到规定比例", "too few women present"
    elif result.quorum_lost_by_recusal and ruleset.recusal.on_quorum_lost is not None:
        transition = ruleset.recusal.on_quorum_lost
        zh, en = "回避后不足法定人数", "not quorate after recusal"
    else:
        transition, zh, en = stage.on_no_quorum, "不足法定人数", "not quorate"
    reason = f"{stage.name}：{zh}，{transition.describe('zh', ruleset.names('zh'))}"
    reason_en = (
        f"{stage.name_en or stage.name}: {en}; {transition.describe('en', ruleset.names('en'))}"
    )
    opened = secrecy.open_box(meeting, now, c.actor)
    return [*opened, closed, *follow(ruleset, matter, transition, now, c.actor, reason, reason_en)]
