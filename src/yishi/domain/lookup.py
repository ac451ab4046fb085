"""Finding what a command is about, and refusing when it is not there or not open."""

from __future__ import annotations

import datetime as dt

from yishi.domain.authority import authorize_stage
from yishi.domain.commands import Command
from yishi.domain.errors import Refusal
from yishi.domain.naming import matter_name, meeting_name
from yishi.domain.rules import EffectiveRules, RuleSet, StageSpec, meeting_rules
from yishi.domain.state import Matter, Meeting, State


def current_stage(state: State, ruleset: RuleSet, matter: Matter) -> StageSpec:
    if matter.status != "in_progress" or matter.stage is None:
        raise Refusal("matter_closed", matter=matter_name(state, matter))
    return ruleset.stage(matter.stage)


def get_matter(state: State, matter_id: str) -> Matter:
    matter = state.matters.get(matter_id)
    if matter is None:
        raise Refusal("unknown_matter", matter=matter_id)
    return matter


def get_meeting(state: State, meeting_id: str) -> Meeting:
    meeting = state.meetings.get(meeting_id)
    if meeting is None:
        raise Refusal("unknown_meeting", meeting=meeting_id)
    return meeting


def open_meeting(state: State, ruleset: RuleSet, meeting_id: str) -> tuple[Meeting, Matter]:
    meeting = get_meeting(state, meeting_id)
    matter = state.matters[meeting.matter]
    if meeting.closed:
        raise Refusal("meeting_closed", meeting=meeting_name(state, ruleset, meeting))
    if meeting.procedure and meeting.procedure != matter.procedure:
        # left open when the matter was handed to another council: its rules no longer apply
        raise Refusal(
            "meeting_of_earlier_procedure",
            meeting=meeting_name(state, ruleset, meeting),
            title=matter_name(state, matter),
        )
    current_stage(state, ruleset, matter)
    return meeting, matter


def require_held(state: State, ruleset: RuleSet, meeting: Meeting, now: dt.datetime) -> None:
    if now.date() < meeting.date:
        # the name carries the day the meeting is set for
        raise Refusal("meeting_not_yet", meeting=meeting_name(state, ruleset, meeting))


def rules_for(state: State, ruleset: RuleSet, meeting: Meeting) -> EffectiveRules:
    matter = state.matters[meeting.matter]
    return meeting_rules(ruleset, ruleset.stage(meeting.stage), meeting.body, matter.matter_type)


def run_meeting(
    state: State, ruleset: RuleSet, command: Command, meeting_id: str, now: dt.datetime
) -> tuple[Meeting, Matter, StageSpec]:
    """An open meeting, already held, that the command's actor may run."""
    meeting, matter = open_meeting(state, ruleset, meeting_id)
    require_held(state, ruleset, meeting, now)
    stage = ruleset.stage(meeting.stage)
    authorize_stage(state, ruleset, command, stage)
    return meeting, matter, stage
