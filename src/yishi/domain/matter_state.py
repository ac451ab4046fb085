"""What the log says about a matter's course: proposed, taken from stage to stage,
handed to another procedure, closed; and the interests its members declare.

Kept apart from ``state`` (which imports this module, so the folds are registered
before any event is folded) to keep each module readable.
"""

from __future__ import annotations

from yishi.domain import events as ev
from yishi.domain.state import HandOff, Matter, StageRecord, State, _apply


@_apply.register
def _(e: ev.MatterProposed, s: State) -> None:
    s.matters[e.matter] = Matter(
        id=e.matter,
        title=e.title,
        matter_type=e.matter_type,
        procedure=e.procedure,
        ruleset_digest=e.ruleset_digest,
        proposer=e.on_behalf_of or e.actor,
        proposed_on=e.at.date(),
        description=e.description,
        merged=e.merged,
        suggestions=e.suggestions,
        group=e.group,
    )
    for suggestion_id in e.suggestions:
        suggestion = s.suggestions[suggestion_id]
        suggestion.status = "merged"
        suggestion.matter = e.matter


@_apply.register
def _(e: ev.StageEntered, s: State) -> None:
    matter = s.matters[e.matter]
    if matter.stage is not None and e.stage != matter.stage:
        # A plan sent back to an earlier step is canvassed again; a reconvened
        # or escalated meeting (the same step) keeps the signatures it has.
        matter.canvass = {}
    matter.stage = e.stage
    matter.stage_body = e.body
    matter.notice_days = e.notice_days
    matter.history.append(StageRecord(e.stage, e.at.date(), e.body, e.reason, matter.procedure))
    # Each visit to a stage starts clean: a reopened execution needs a new
    # sign-off, a new evaluation round new ratings.
    matter.signed_off_by = []
    matter.execution_done = False
    matter.ratings = {}


@_apply.register
def _(e: ev.MatterClosed, s: State) -> None:
    matter = s.matters[e.matter]
    matter.status = e.status
    matter.closing_reason = e.reason


@_apply.register
def _(e: ev.MatterHandedOff, s: State) -> None:
    matter = s.matters[e.matter]
    matter.handoffs.append(
        HandOff(
            e.at.date(),
            e.from_procedure,
            e.from_stage,
            e.procedure,
            e.stage,
            matter.matter_type,
            e.matter_type if e.matter_type is not None else matter.matter_type,
            e.reason,
            e.reason_en,
        )
    )
    matter.procedure = e.procedure
    matter.ruleset_digest = e.ruleset_digest
    if e.matter_type is not None:
        matter.matter_type = e.matter_type


@_apply.register
def _(e: ev.InterestDeclared, s: State) -> None:
    s.matters[e.matter].recused[e.person] = e.reason
