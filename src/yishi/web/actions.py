"""What the staff console offers: the actions a matter's current stage allows.

A pure reading of the state and the rule set, like the engine's own checks but
only to *offer* buttons: the engine still decides, and still refuses in words
whatever it would have refused. The stage's part is read from the behaviour its
kind runs as (meeting, election, disclosure, execution, evaluation, intake), so
a stage kind a plugin adds gets the buttons of the behaviour it runs as. Each
action is filtered by the web roles of the person signed in (``policy.POLICY``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from yishi.domain.approval import approval_for
from yishi.domain.backfill import OUTCOMES
from yishi.domain.catalog import StageKind
from yishi.domain.rules import RuleSet, StageSpec
from yishi.domain.state import Matter, Meeting, State
from yishi.web.policy import POLICY
from yishi.web.schema import COMMANDS

# (command name, the fields it is opened with)
Action = tuple[str, dict[str, str]]

# Commands that concern no one matter: offered on their own.
GENERAL = ("propose_matter", "tick")


def allowed(name: str, roles: Iterable[str]) -> bool:
    """Whether the web lets these roles ask for the command at all."""
    gate = POLICY.get(COMMANDS[name]) if name in COMMANDS else None
    return gate is not None and bool(gate.roles & frozenset(roles))


def general_actions(roles: Iterable[str]) -> list[str]:
    held = frozenset(roles)
    return [n for n in GENERAL if allowed(n, held)]


def matter_actions(
    state: State, ruleset: RuleSet, matter: Matter, roles: Iterable[str]
) -> list[Action]:
    """The actions the matter's current stage allows, for these web roles, in the
    order they are usually taken."""
    if matter.status != "in_progress" or matter.stage is None:
        return []
    try:
        stage = ruleset.stage(matter.stage)
    except KeyError:
        return []
    held = frozenset(roles)
    return [
        (n, fields) for n, fields in _by_stage(state, ruleset, matter, stage) if allowed(n, held)
    ]


def _by_stage(state: State, ruleset: RuleSet, matter: Matter, stage: StageSpec) -> list[Action]:
    behaviour = stage.kind_spec.behaviour
    on = {"matter": matter.id}
    found: list[Action] = []
    if behaviour in (StageKind.MEETING, StageKind.ELECTION):
        meeting = matter.open_meeting(state)
        if meeting is None:
            found += [("convene_meeting", on), ("declare_interest", on)]
        else:
            found += _in_meeting(ruleset, meeting, behaviour)
    elif behaviour is StageKind.DISCLOSURE:
        notice = matter.open_disclosure(state)
        if notice is None:
            found.append(("publish", on))
        else:
            pending = [o for o in notice.objections if state.objections[o].pending]
            found += [("answer_objection", {"objection": o}) for o in pending]
    elif behaviour is StageKind.EXECUTION:
        found.append(("record_progress", on))
        # The next approval awaited, the township's or, after it, the county's (一事一议).
        if approval_for(ruleset, matter) is not None:
            found.append(("record_approval", on))
        if stage.supervisor and not matter.signed_off_by:
            found.append(("sign_off", on))
        found.append(("complete_execution", on))
    elif behaviour is StageKind.EVALUATION and matter.ratings:
        found.append(("close_evaluation", on))
    started = (
        matter.open_meeting(state) is not None
        or matter.open_disclosure(state) is not None
        or bool(matter.ratings)
    )
    if ruleset.recorders and behaviour in OUTCOMES and not started:
        found.append(("enter_record", on))  # the step was held on paper, not here
    return found


def _in_meeting(ruleset: RuleSet, meeting: Meeting, behaviour: StageKind) -> list[Action]:
    at = {"meeting": meeting.id}
    found: list[Action] = [("check_in", at)]
    body = ruleset.bodies.get(meeting.body)
    rules = body.rules if body is not None else None
    if rules is not None and rules.proxies.allowed:
        found.append(("register_proxy", at))
    if rules is not None and rules.excusal:
        found.append(("excuse_member", at))
    found.append(("declare_interest", {"matter": meeting.matter, "meeting": meeting.id}))
    if behaviour is StageKind.ELECTION:
        found.append(("enter_election_count", at))
    else:
        for what, name in (
            ("tally", "enter_hand_count"),
            ("ballots", "enter_ballots"),
            ("consensus", "record_consensus"),
        ):
            if ruleset.records(meeting.method, what):
                found.append((name, at))
    found.append(("close_meeting", at))
    return found


def described(state: State, ruleset_of: Callable[[str], RuleSet], field: str, value: str) -> str:
    """What a form's reference field names, in words (a title, a meeting's day), or
    "" when it names nothing known (then the form shows the field to be filled in)."""
    from yishi.publish.privacy import mask_text

    if field == "matter" and value in state.matters:
        return mask_text(state.matters[value].title)
    if field in ("suggestion", "suggestions") and value in state.suggestions:
        return mask_text(state.suggestions[value].title)
    if field == "disclosure" and value in state.disclosures:
        return mask_text(state.disclosures[value].title)
    if field == "objection" and value in state.objections:
        text = mask_text(state.objections[value].text)
        return text if len(text) <= 40 else text[:40] + "……"
    if field == "meeting" and value in state.meetings:
        meeting = state.meetings[value]
        matter = state.matters[meeting.matter]
        try:
            stage = ruleset_of(matter.procedure).stage(meeting.stage).name
        except KeyError:
            stage = ""
        parts = [mask_text(matter.title), stage, meeting.date.isoformat()]
        return " · ".join(p for p in parts if p)
    return ""
