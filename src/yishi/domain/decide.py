"""``decide(state, command, ruleset, now) -> events``: the one entry point of the domain.

``decide`` reads and never writes: it returns the events a command causes, or
raises :class:`~yishi.domain.errors.Refusal` saying why not. Stage-kind
handlers live in their own modules; this one only routes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from yishi.domain import (
    approval,
    attendance,
    backfill,
    bookkeeping,
    canvass,
    community,
    convening,
    disclosure,
    election,
    execution,
    groups,
    levy,
    matters,
    meeting,
    paper,
    recusal,
    referral,
    schedule,
)
from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.authority import describe, holds, name
from yishi.domain.errors import Refusal
from yishi.domain.rules import RuleSet
from yishi.domain.state import State

Handler = Callable[[State, Any, RuleSet, dt.datetime], list[ev.Event]]

HANDLERS: dict[type[cmd.Command], Handler] = {
    cmd.SetUpCommunity: community.set_up,
    cmd.ProposeMatter: matters.propose,
    cmd.Suggest: matters.suggest,
    cmd.MergeSuggestions: matters.merge,
    cmd.DeclineSuggestion: matters.decline,
    cmd.ConveneMeeting: convening.convene,
    cmd.CheckIn: attendance.check_in,
    cmd.DeclareInterest: recusal.declare_interest,
    cmd.RegisterProxy: attendance.register_proxy,
    cmd.ExcuseMember: attendance.excuse_member,
    cmd.CastVote: meeting.cast_vote,
    cmd.EnterHandCount: meeting.enter_hand_count,
    cmd.EnterBallots: paper.enter_ballots,
    cmd.RecordConsensus: meeting.record_consensus,
    cmd.CloseMeeting: meeting.close,
    cmd.CastElectionBallot: election.cast_ballot,
    cmd.EnterElectionCount: election.enter_count,
    cmd.Publish: disclosure.publish,
    cmd.RaiseObjection: disclosure.raise_objection,
    cmd.AnswerObjection: disclosure.answer_objection,
    cmd.RecordProgress: execution.record_progress,
    cmd.SignOff: execution.sign_off,
    cmd.RecordBudget: bookkeeping.record_budget,
    cmd.RecordAccountEntry: bookkeeping.record_entry,
    cmd.RecordApproval: approval.record,
    cmd.CompleteExecution: execution.complete,
    cmd.Rate: execution.rate,
    cmd.CloseEvaluation: execution.close_evaluation,
    cmd.EnterRecord: backfill.enter_record,
    cmd.SendReferral: referral.send,
    cmd.AnswerReferral: referral.answer,
    cmd.RecordCanvass: canvass.record,
    cmd.RecordLevyPlan: levy.record,
}


def decide(
    state: State, command: cmd.Command, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    ruleset = groups.for_state(ruleset, state)
    if isinstance(command, cmd.Tick):
        return tick(state, ruleset, now)
    handler = HANDLERS.get(type(command))
    if handler is None:
        raise Refusal("unknown_command", command=type(command).__name__)
    if command.on_behalf_of is not None:
        _check_recorder(state, command, ruleset)
    events = handler(state, command, ruleset, now)
    if command.evidence and events:
        events[0] = attrs.evolve(events[0], evidence=command.evidence)
    return events


def _check_recorder(state: State, command: cmd.Command, ruleset: RuleSet) -> None:
    """Entering an act for someone else (a 网格员 entering an old resident's
    objection, a clerk entering a paper hand count) is for the rule set's recorders."""
    if command.actor == command.on_behalf_of:
        return
    if command.actor not in state.people:
        raise Refusal("unknown_person", person=command.actor)
    if not any(holds(state, command.actor, ref) for ref in ruleset.recorders):
        raise Refusal(
            "not_a_recorder",
            rule="recorders",
            person=name(state, command.actor),
            who=describe(ruleset, ruleset.recorders) or "—",
        )


def tick(state: State, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    """Everything that fell due by ``now`` for matters under ``ruleset``."""
    due: list[ev.Event] = []
    for matter in state.matters.values():
        if matter.status == "in_progress" and matter.procedure == ruleset.id:
            due += schedule.meetings_due(state, matter, now)
            due += disclosure.due(state, ruleset, matter, now)
            due += referral.due(state, ruleset, matter, now)
            due += approval.overdue(state, ruleset, matter, now)
    return due
