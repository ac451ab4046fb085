"""Cross-checks of a structurally valid rule set: ids, references, coherence.

Here the rule set as a whole (stage ids, who may propose, bodies, matter types);
each stage's checks by kind are in stage_checks.py, and the checks of a single
reference (an actor, a transition, a counting base) in ref_checks.py.
"""

from __future__ import annotations

from typing import Any

from yishi.domain.bodies import MeetingRules
from yishi.domain.rules import RuleSet, StageKind
from yishi.rulesets.problems import Problem
from yishi.rulesets.ref_checks import (
    QUORUM_BASES,
    THRESHOLD_BASES,
    check_bases,
    check_petition,
    check_ref,
    check_transition,
)
from yishi.rulesets.stage_checks import check_stage


def check_references(document: dict[str, Any], rs: RuleSet) -> list[Problem]:
    out: list[Problem] = []
    stage_ids = [s.id for s in rs.stages]
    seen: set[str] = set()
    for index, stage in enumerate(rs.stages):
        if stage.id in seen:
            out.append(
                Problem(
                    "duplicate",
                    f"stages[{index}].id",
                    found=stage.id,
                    hint="每个步骤的 id 须唯一",
                    hint_en="stage ids must be unique",
                )
            )
        seen.add(stage.id)
    if not any(s.in_sequence for s in rs.stages):
        out.append(
            Problem(
                "missing",
                "stages",
                expected="至少一个按顺序进行的步骤",
                expected_en="at least one stage in sequence",
            )
        )
    for i, ref in enumerate(rs.proposers):
        check_ref(rs, ref, f"proposers[{i}]", out)
    for i, way in enumerate(rs.petitions):
        check_petition(rs, way.requirement.base, way.body, f"petitions[{i}]", out)
    for i, ref in enumerate(rs.recorders):
        check_ref(rs, ref, f"recorders[{i}]", out)
    for body_id, body in rs.bodies.items():
        _body_rules(body_id, body.rules, out)
        for key in ("excludes_relatives_of", "observers"):
            for k, other in enumerate(getattr(body, key)):
                if other not in rs.bodies or other == body_id:
                    out.append(
                        Problem(
                            "bad_ref",
                            f"bodies.{body_id}.{key}[{k}]",
                            expected="、".join(b for b in rs.bodies if b != body_id),
                            found=other,
                        )
                    )
        for c, rule in enumerate(body.composition):
            if body.roles and rule.role not in body.roles:
                out.append(
                    Problem(
                        "bad_ref",
                        f"bodies.{body_id}.composition[{c}].role",
                        expected="、".join(body.roles),
                        found=rule.role,
                    )
                )
    if rs.recusal.on_quorum_lost is not None:
        check_transition(rs, rs.recusal.on_quorum_lost, "recusal.on_quorum_lost", stage_ids, out)
    for index, stage in enumerate(rs.stages):
        check_stage(rs, index, stage, stage_ids, out)
    for type_id, mt in rs.matter_types.items():
        if mt.further_approvals and mt.approval is None:
            out.append(
                Problem(
                    "missing",
                    f"matter_types.{type_id}.approval",
                    expected="further_approvals 之前的第一道批准 approval",
                    expected_en="the first approval, before further_approvals",
                )
            )
        for n, later in enumerate(mt.further_approvals):
            if later.before not in stage_ids:
                out.append(
                    Problem(
                        "bad_ref",
                        f"matter_types.{type_id}.further_approvals[{n}].before",
                        expected="步骤 id：" + "、".join(stage_ids),
                        expected_en="a stage id",
                        found=later.before,
                    )
                )
        if mt.approval is not None and mt.approval.before not in stage_ids:
            out.append(
                Problem(
                    "bad_ref",
                    f"matter_types.{type_id}.approval.before",
                    expected="、".join(stage_ids),
                    found=mt.approval.before,
                )
            )
        for stage_id, override in mt.overrides.items():
            where = f"matter_types.{type_id}.overrides.{stage_id}"
            if stage_id not in stage_ids:
                out.append(Problem("bad_ref", where, expected="、".join(stage_ids), found=stage_id))
                continue
            for b, body_id in enumerate(override.bodies or ()):
                if body_id not in rs.bodies:
                    out.append(
                        Problem(
                            "bad_ref",
                            f"{where}.bodies[{b}]",
                            expected="、".join(rs.bodies),
                            found=body_id,
                        )
                    )
            for name in ("on_pass", "on_reject"):
                taken = getattr(override, name)
                if taken is None:
                    continue
                check_transition(rs, taken, f"{where}.{name}", stage_ids, out)
                if stage_id in stage_ids and rs.stage(stage_id).kind is not StageKind.MEETING:
                    out.append(
                        Problem(
                            "inconsistent",
                            f"{where}.{name}",
                            expected="事项类型只能改变会议步骤的去向",
                            expected_en="a matter type can change the outcome of a meeting stage only",
                            found=rs.stage(stage_id).name,
                        )
                    )
            check_bases(override.quorum, QUORUM_BASES, f"{where}.quorum", out)
            check_bases(override.threshold, THRESHOLD_BASES, f"{where}.threshold", out)
            if override.answer_days is not None:
                from yishi.rulesets.referral_checks import check_answer_override

                out += check_answer_override(where, rs.stage(stage_id))
    return out


def _body_rules(body_id: str, rules: MeetingRules, out: list[Problem]) -> None:
    check_bases(rules.quorum, QUORUM_BASES, f"bodies.{body_id}.quorum", out)
    check_bases(rules.quorum_also, QUORUM_BASES, f"bodies.{body_id}.quorum_also", out)
    check_bases(rules.threshold, THRESHOLD_BASES, f"bodies.{body_id}.threshold", out)
