"""What the log says about meetings: the folds of convening, attendance, ballots,
counts, elections and closing.

Kept apart from ``state`` (which imports this module, so the folds are registered
before any event is folded) to keep each module readable.
"""

from __future__ import annotations

from collections import Counter

from yishi.domain import events as ev
from yishi.domain.state import Body, Meeting, Member, State, _apply, _once


@_apply.register
def _(e: ev.MeetingConvened, s: State) -> None:
    s.meetings[e.meeting] = Meeting(
        e.meeting,
        e.matter,
        e.stage,
        e.body,
        e.date,
        e.at.date(),
        e.method,
        candidates=e.candidates,
        urgent_reason=e.urgent_reason,
        periods=dict(e.periods) if e.periods else {},
        procedure=s.matters[e.matter].procedure,
    )
    s.matters[e.matter].meetings.append(e.meeting)


@_apply.register
def _(e: ev.MeetingNoticeCompleted, s: State) -> None:
    s.meetings[e.meeting].notice_completed = True


@_apply.register
def _(e: ev.AttendanceRecorded, s: State) -> None:
    meeting = s.meetings[e.meeting]
    _once(e.person in meeting.present, e)
    meeting.attendance.append(e.person)
    meeting.present.add(e.person)


@_apply.register
def _(e: ev.MemberExcused, s: State) -> None:
    s.meetings[e.meeting].excused[e.person] = e.reason


@_apply.register
def _(e: ev.ProxyRegistered, s: State) -> None:
    _once(e.grantor in s.meetings[e.meeting].proxies, e)
    s.meetings[e.meeting].proxies[e.grantor] = e.holder


@_apply.register
def _(e: ev.BallotCast, s: State) -> None:
    _once(e.voter in s.meetings[e.meeting].ballots, e)
    s.meetings[e.meeting].ballots[e.voter] = e.choice


@_apply.register
def _(e: ev.BallotsEntered, s: State) -> None:
    ballots = s.meetings[e.meeting].ballots
    for voter, choice in e.ballots:  # each as its BallotCast would be folded
        _once(voter in ballots, e, f"ballot/{e.meeting}/{voter}")
        ballots[voter] = choice


@_apply.register
def _(e: ev.HandCountEntered, s: State) -> None:
    s.meetings[e.meeting].tally = (e.yes, e.no, e.abstain)


@_apply.register
def _(e: ev.ConsensusRecorded, s: State) -> None:
    s.meetings[e.meeting].consensus = e.reached
    s.meetings[e.meeting].objections = e.objections


@_apply.register
def _(e: ev.BallotReceived, s: State) -> None:
    s.meetings[e.meeting].received[e.voter] = e.cast_by


@_apply.register
def _(e: ev.SealedBallot, s: State) -> None:
    meeting = s.meetings[e.meeting]
    if e.ballot in meeting.box:
        meeting.box[e.ballot] += 1
    else:
        # Keep the keys sorted: a dict remembers insertion order, and the order
        # in which distinct ballots first arrived would follow the register.
        meeting.box = Counter(dict(sorted({**meeting.box, e.ballot: 1}.items())))


@_apply.register
def _(e: ev.BallotBoxOpened, s: State) -> None:
    meeting = s.meetings[e.meeting]
    meeting.box = Counter(e.ballots)
    meeting.box_opened = True


@_apply.register
def _(e: ev.ElectionBallotCast, s: State) -> None:
    _once(e.voter in s.meetings[e.meeting].election_ballots, e)
    s.meetings[e.meeting].election_ballots[e.voter] = e.candidates
    if e.invalid:
        s.meetings[e.meeting].spoiled[e.voter] = e.invalid


@_apply.register
def _(e: ev.ElectionCountEntered, s: State) -> None:
    s.meetings[e.meeting].election_count = (e.cast, e.invalid, e.votes)


@_apply.register
def _(e: ev.CandidatesElected, s: State) -> None:
    stage = s.meetings[e.meeting].stage
    s.matters[e.matter].elected.setdefault(stage, []).extend(e.people)
    body = s.bodies.setdefault(e.body, Body(e.body))
    for person in e.people:
        member = body.members.setdefault(person, Member(person))
        if e.role not in member.roles:
            member.roles = (*member.roles, e.role)


@_apply.register
def _(e: ev.MeetingClosed, s: State) -> None:
    meeting = s.meetings[e.meeting]
    meeting.closed = True
    meeting.outcome = e.outcome
    meeting.result = {
        "quorum": e.quorum,
        "threshold": e.threshold,
        "counts": dict(e.counts),
        "recused": list(e.recused),
    }
