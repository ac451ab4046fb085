"""Paper ballots entered in one go (纸质选票集中录入).

At a 村民会议 of a few thousand people the ballots go into a box and a clerk
enters them afterwards. :class:`~yishi.domain.commands.EnterBallots` takes the
whole stack as one command: every ballot passes the checks of a ballot cast
alone (:func:`yishi.domain.meeting.check_ballot`), and one bad ballot refuses
the batch, naming it, so a stack is entered whole or not at all. Each ballot
is still its own ``BallotCast`` event, so the store's one-ballot-per-member
key holds ballot by ballot. The work is linear in the number of ballots: each
check looks up one person, never the whole roster.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain import secrecy
from yishi.domain.authority import name
from yishi.domain.errors import Refusal
from yishi.domain.lookup import run_meeting
from yishi.domain.meeting import check_ballot
from yishi.domain.membership import roster, votes_in
from yishi.domain.rules import Membership, RuleSet
from yishi.domain.secrecy import is_secret
from yishi.domain.state import Meeting, State


def enter_ballots(
    state: State, c: cmd.EnterBallots, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter, _stage = run_meeting(state, ruleset, c, c.meeting, now)
    if not ruleset.records(meeting.method, "ballots"):
        raise Refusal("ballots_not_used", method=meeting.method)
    if meeting.tally is not None:
        raise Refusal("tally_exists", meeting=meeting.id)
    if not c.ballots:
        raise Refusal("no_ballots", meeting=meeting.id)
    voting = _voting(state, ruleset, meeting)
    secret = is_secret(ruleset, meeting)
    seen: set[str] = set()
    events: list[ev.Event] = []
    for number, (voter, choice) in enumerate(c.ballots, 1):
        try:
            if voter in seen:
                raise Refusal("ballot_twice", person=name(state, voter))
            check_ballot(state, ruleset, meeting, voter, choice, None, voting)
        except Refusal as refused:
            raise Refusal(  # the reason keeps its own rule, worded with it
                "ballot_refused",
                number=number,
                voter=name(state, voter),
                reason=refused,
            ) from None
        seen.add(voter)
        if secret:
            events += secrecy.cast(meeting, matter.id, voter, choice, now, c.actor, c.on_behalf_of)
            continue
        events.append(
            ev.BallotCast(
                at=now,
                actor=c.actor,
                on_behalf_of=c.on_behalf_of,
                matter=matter.id,
                meeting=meeting.id,
                voter=voter,
                choice=choice,
            )
        )
    return events


def _voting(state: State, ruleset: RuleSet, meeting: Meeting) -> Callable[[str], bool]:
    if ruleset.bodies[meeting.body].membership is Membership.HOUSEHOLDS:
        # Finding a household's representative may take a pass over the
        # households: take it once for the batch, not once per ballot.
        members = roster(state, ruleset, meeting.body, meeting.date)
        return lambda person: members.get(person, False)
    return partial(votes_in, state, ruleset, meeting.body, meeting.date)
