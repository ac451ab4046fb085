"""Paper ballots entered in one go (纸质选票集中录入).

At a 村民会议 of a few thousand people the ballots go into a box and a clerk
enters them afterwards. :class:`~yishi.domain.commands.EnterBallots` takes the
whole stack as one command: every ballot passes the checks of a ballot cast
alone (:func:`yishi.domain.meeting.check_ballot`), and one bad ballot refuses
the batch, naming it, so a stack is entered whole or not at all. The work is
linear in the number of ballots: each check looks up one person, never the
whole roster.

The stack is recorded as what it is, one act of the clerk's: a single
``BallotsEntered`` event holding every (voter, choice) pair, folded exactly as
the same ballots cast one by one. The store still keeps one key per voter under
its UNIQUE constraint (domain/uniqueness.py), so the database refuses a member
twice whether the two ballots came online, on paper or both. A stack of 10,000
is one record of the chain instead of 10,000, which is what lets a 村民会议's
paper vote be entered about as fast as SQLite can take the keys (bench/README.md).
Secret ballots are split one by one as ever: the register goes to the log, the
choices to the box (domain/secrecy.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain import secrecy
from yishi.domain.authority import name
from yishi.domain.errors import Refusal
from yishi.domain.lookup import run_meeting
from yishi.domain.meeting import check_ballot
from yishi.domain.membership import voting_check
from yishi.domain.naming import meeting_name
from yishi.domain.rules import RuleSet
from yishi.domain.secrecy import is_secret
from yishi.domain.state import Meeting, State
from yishi.domain.tally import motion_rule


def enter_ballots(
    state: State, c: cmd.EnterBallots, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter, _stage = run_meeting(state, ruleset, c, c.meeting, now)
    if not ruleset.records(meeting.method, "ballots"):
        raise Refusal("ballots_not_used", method=meeting.method)
    if meeting.tally is not None:
        raise Refusal("tally_exists", meeting=meeting_name(state, ruleset, meeting))
    if not c.ballots:
        raise Refusal("no_ballots", meeting=meeting_name(state, ruleset, meeting))
    voting = voting_check(state, ruleset, meeting.body, meeting.date)
    secret = is_secret(ruleset, meeting)
    ballots = c.ballots
    plain = _plain_stretch(state, ruleset, meeting, voting, ballots)
    seen = {voter for voter, _choice in ballots[:plain]}
    for number, (voter, choice) in enumerate(ballots[plain:], plain + 1):
        # The first ballot the stretch stopped at, and all after it, one by one,
        # as a ballot cast alone is checked: the refusal and its words are that one's.
        _check(state, ruleset, meeting, voter, choice, voting, number, voter in seen)
        seen.add(voter)
    if secret:
        events: list[ev.Event] = []
        for voter, choice in ballots:
            events += secrecy.cast(meeting, matter.id, voter, choice, now, c.actor, c.on_behalf_of)
        return events
    return [
        ev.BallotsEntered(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            ballots=tuple((voter, choice) for voter, choice in ballots),
        )
    ]


def _plain_stretch(
    state: State,
    ruleset: RuleSet,
    meeting: Meeting,
    voting: Callable[[str], bool],
    ballots: Sequence[tuple[str, str]],
) -> int:
    """How many ballots from the top of the stack pass :func:`check_ballot`, asked
    in a few look-ups each: the same checks, with what is the same for every
    ballot taken once, and no voter twice. It may stop early, never late
    (tests/test_paper_ballots.py holds it to ``check_ballot``); from where it
    stops, the ballots are checked one by one."""
    rule = motion_rule(ruleset, meeting)
    people, present, proxies = state.people, meeting.present, meeting.proxies
    recused = state.matters[meeting.matter].recused
    cast, received, elected = meeting.ballots, meeting.received, meeting.election_ballots
    valid = {choice: rule.invalid(choice) is None for choice in rule.choices}
    seen: set[str] = set()
    add = seen.add
    for count, (voter, choice) in enumerate(ballots):
        if not (
            valid.get(choice, False)
            and voter in people
            and voter in present
            and voter not in seen
            and voter not in recused
            and voter not in proxies
            and voter not in cast  # has_voted, written out
            and voter not in received
            and voter not in elected
            and voting(voter)
        ):
            return count
        add(voter)
    return len(ballots)


def _check(
    state: State,
    ruleset: RuleSet,
    meeting: Meeting,
    voter: str,
    choice: str,
    voting: Callable[[str], bool],
    number: int,
    twice: bool,
) -> None:
    """Check the stack's ``number``-th ballot as a ballot cast alone is checked;
    refuse the stack, naming it, if it fails."""
    try:
        if twice:
            raise Refusal("ballot_twice", person=name(state, voter))
        check_ballot(state, ruleset, meeting, voter, choice, None, voting)
    except Refusal as refused:
        raise Refusal(  # the reason keeps its own rule, worded with it
            "ballot_refused",
            number=number,
            voter=name(state, voter),
            reason=refused,
        ) from None
