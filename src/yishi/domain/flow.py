"""Moving a matter between stages according to the rule set's transitions."""

from __future__ import annotations

import datetime as dt

import attrs

from yishi.domain import events as ev
from yishi.domain.rules import RuleSet, StageSpec
from yishi.domain.state import Matter
from yishi.domain.transitions import Action, Transition


def absorbing_stage(ruleset: RuleSet, matter: Matter, stage: StageSpec) -> StageSpec:
    """A stage merged into a later one (一肩挑) is replaced by the stage that absorbed it."""
    if stage.id in matter.merged:
        for other in ruleset.stages:
            if other.merge is not None and other.merge.absorbs == stage.id:
                return other
    return stage


def follow(
    ruleset: RuleSet,
    matter: Matter,
    transition: Transition,
    at: dt.datetime,
    actor: str,
    reason: str,
    reason_en: str,
) -> list[ev.Event]:
    """Events that carry out ``transition`` for ``matter`` (at its current stage)."""
    current = matter.stage
    action = transition.action
    if action is Action.NEXT:
        following = ruleset.next_stage(current) if current else ruleset.first_stage()
        while following is not None and following.id in matter.merged:
            following = ruleset.next_stage(following.id)
        if following is None:
            return [_closed(matter, "completed", at, actor, reason, reason_en)]
        return [_entered(matter, following.id, None, at, actor, reason, reason_en)]
    if action in (Action.GOTO, Action.REVISE_AND_RESTART):
        target = absorbing_stage(ruleset, matter, ruleset.stage(transition.stage or ""))
        return [_entered(matter, target.id, None, at, actor, reason, reason_en)]
    if action is Action.RECONVENE:
        entered = _entered(matter, current or "", matter.stage_body, at, actor, reason, reason_en)
        return [attrs.evolve(entered, notice_days=transition.notice_days)]
    if action is Action.ESCALATE:
        return [_entered(matter, current or "", transition.body, at, actor, reason, reason_en)]
    if action is Action.HAND_OFF:
        return _handed_off(ruleset, matter, transition, at, actor, reason, reason_en)
    status = "completed" if action is Action.COMPLETE else "abandoned"
    return [_closed(matter, status, at, actor, reason, reason_en)]


def _handed_off(
    ruleset: RuleSet,
    matter: Matter,
    t: Transition,
    at: dt.datetime,
    actor: str,
    reason: str,
    reason_en: str,
) -> list[ev.Event]:
    """The matter moves to another procedure, which the engine checks it has
    (domain/handoff.py): the record stays with the matter, the target's steps follow."""
    why = f"{reason}；{t.note}" if t.note else reason
    why_en = f"{reason_en}; {t.note_en or t.note}" if (t.note_en or t.note) else reason_en
    handed = ev.MatterHandedOff(
        at=at,
        actor=actor,
        matter=matter.id,
        from_procedure=matter.procedure,
        from_stage=matter.stage or "",
        procedure=t.procedure or "",
        stage=t.stage or "",
        matter_type=t.matter_type,
        reason=why,
        reason_en=why_en,
        note=t.note,
        note_en=t.note_en,
    )
    entered = _entered(
        matter,
        t.stage or "",
        None,
        at,
        actor,
        f"由“{ruleset.title}”移交",
        f"handed on from '{ruleset.title_en or ruleset.title}'",
    )
    return [handed, entered]


def _entered(
    matter: Matter, stage: str, body: str | None, at: dt.datetime, actor: str, reason: str, en: str
) -> ev.StageEntered:
    return ev.StageEntered(
        at=at, actor=actor, matter=matter.id, stage=stage, body=body, reason=reason, reason_en=en
    )


def _closed(
    matter: Matter, status: str, at: dt.datetime, actor: str, reason: str, en: str
) -> ev.Event:
    return ev.MatterClosed(
        at=at, actor=actor, matter=matter.id, status=status, reason=reason, reason_en=en
    )
