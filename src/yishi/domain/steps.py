"""Refusals for a command that comes at the wrong step: they name the step that
must be finished first ("须先完成：党员大会审议"), in the reader's language, before
any question of who may act."""

from __future__ import annotations

from yishi.domain.catalog import StageKind
from yishi.domain.errors import Refusal, Text
from yishi.domain.rules import RuleSet, StageSpec
from yishi.domain.state import Matter

KIND_NAMES = {
    StageKind.MEETING: Text("会议表决", "meeting"),
    StageKind.DISCLOSURE: Text("公示", "disclosure"),
    StageKind.EXECUTION: Text("组织实施", "implementation"),
    StageKind.EVALUATION: Text("评价", "evaluation"),
    StageKind.INTAKE: Text("征集建议", "collecting suggestions"),
    StageKind.ELECTION: Text("选举", "election"),
    StageKind.REFERRAL: Text("转办答复", "referral"),
}


def stage_name(stage: StageSpec) -> Text:
    return Text(stage.name, stage.name_en or stage.name)


def _later(
    ruleset: RuleSet,
    current: StageSpec,
    wanted: StageSpec | None = None,
    kind: StageKind | None = None,
) -> bool:
    """Whether the wanted step (or a step of ``kind``) comes after the current one."""
    ids = [s.id for s in ruleset.stages]
    here = ids.index(current.id)
    for stage in ruleset.stages[here + 1 :]:
        if (wanted is not None and stage.id == wanted.id) or (
            kind is not None and stage.kind is kind
        ):
            return True
    return False


def wrong_step(ruleset: RuleSet, matter: Matter, current: StageSpec, kind: StageKind) -> Refusal:
    """The matter is at ``current`` but the command belongs to a step of ``kind``."""
    wanted = KIND_NAMES.get(kind, Text(kind.value, kind.value))
    if current.in_sequence and _later(ruleset, current, kind=kind):
        return Refusal("step_missing", step=stage_name(current), wanted=wanted)
    return Refusal("wrong_stage_kind", stage=stage_name(current), expected=wanted)


def body_later(ruleset: RuleSet, current: StageSpec, body_id: str) -> bool:
    """Whether ``body_id`` meets at a step after the current one (the user skipped ahead)."""
    ids = [s.id for s in ruleset.stages]
    return any(body_id in s.bodies for s in ruleset.stages[ids.index(current.id) + 1 :])
