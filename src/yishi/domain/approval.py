"""Outside approval of a decision before it is carried out (农村土地承包法 Art. 52:
"并报乡（镇）人民政府批准"). A matter type names the authority and the stage that
waits for it; the reply is entered as a record with its document."""

from __future__ import annotations

import datetime as dt

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.authority import authorize
from yishi.domain.errors import Refusal, Text
from yishi.domain.flow import follow
from yishi.domain.lookup import get_matter
from yishi.domain.rules import Action, Approval, RuleSet, StageKind, StageSpec, Transition
from yishi.domain.state import Matter, State


def approval_for(ruleset: RuleSet, matter: Matter) -> Approval | None:
    mt = ruleset.matter_types.get(matter.matter_type or "")
    return mt.approval if mt is not None else None


def require_approval(state: State, ruleset: RuleSet, matter: Matter, stage: StageSpec) -> None:
    """Refuse to act in ``stage`` while the approval it waits for is missing."""
    needed = approval_for(ruleset, matter)
    if needed is not None and needed.before == stage.id and needed.by not in matter.approved_by:
        raise Refusal(
            "step_missing",
            rule=f"matter_types.{matter.matter_type}.approval",
            step=Text(f"{needed.by}批准", f"{needed.label('en')} approval"),
        )


def _deciding_stage(ruleset: RuleSet, before: str) -> StageSpec | None:
    """The last meeting in sequence before the stage that waits: the decision to approve."""
    found = None
    for stage in ruleset.stages:
        if stage.id == before:
            return found
        if stage.in_sequence and stage.kind is StageKind.MEETING:
            found = stage
    return found


def record(
    state: State, c: cmd.RecordApproval, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter = get_matter(state, c.matter)
    needed = approval_for(ruleset, matter)
    if needed is None:
        raise Refusal("no_approval_needed", matter=matter.title)
    if matter.status != "in_progress":
        raise Refusal("matter_closed", title=matter.title, matter=matter.id)
    waiting = ruleset.stage(needed.before)
    authorize(
        state, ruleset, c.on_behalf_of or c.actor, waiting.actors, f"stages.{waiting.id}.actors"
    )
    deciding = _deciding_stage(ruleset, needed.before)
    if deciding is not None and not any(
        state.meetings[m].stage == deciding.id and state.meetings[m].outcome == "passed"
        for m in matter.meetings
    ):
        raise Refusal("step_missing", step=Text(deciding.name, deciding.name_en or deciding.name))
    if needed.by in matter.approved_by:
        raise Refusal("already_approved", by=needed.by)
    if not c.document.strip():
        raise Refusal("reason_required")
    recorded = ev.ApprovalRecorded(
        at=now,
        actor=c.actor,
        on_behalf_of=c.on_behalf_of,
        matter=matter.id,
        by=needed.by,
        approved=c.approved,
        document=c.document,
        text=c.text,
    )
    if c.approved:
        return [recorded]
    # Not approved: the decision may not be carried out.
    return [
        recorded,
        *follow(
            ruleset,
            matter,
            Transition(Action.ABANDON),
            now,
            c.actor,
            f"{needed.by}不予批准（{c.document}），不得实施",
            f"{needed.label('en')} refused approval ({c.document}); not to be carried out",
        ),
    ]
