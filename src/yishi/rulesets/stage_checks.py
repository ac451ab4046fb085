"""Cross-checks of each stage, by kind: a meeting's bodies, quorum, threshold and
vote methods; an election's seats and methods; a disclosure's days and
objections; who supervises, rates or answers; and where each outcome leads."""

from __future__ import annotations

from typing import Any

from yishi.domain.counting import Base
from yishi.domain.rules import RuleSet, StageKind, StageSpec, meeting_rules
from yishi.domain.transitions import Action
from yishi.rulesets.problems import Problem
from yishi.rulesets.ref_checks import (
    QUORUM_BASES,
    THRESHOLD_BASES,
    check_bases,
    check_ref,
    check_transition,
)


def check_stage(
    rs: RuleSet, index: int, stage: StageSpec, stage_ids: list[str], out: list[Problem]
) -> None:
    where = f"stages[{index}]"
    for a, ref in enumerate(stage.actors):
        check_ref(rs, ref, f"{where}.actors[{a}]", out)
    for t_name in ("on_pass", "on_reject", "on_no_quorum"):
        check_transition(rs, getattr(stage, t_name), f"{where}.{t_name}", stage_ids, out)
        taken = getattr(stage, t_name)
        if not stage.in_sequence and taken.action is Action.NEXT and _uses(stage, t_name):
            out.append(
                Problem(
                    "inconsistent",
                    f"{where}.{t_name}",
                    expected='不在顺序中的步骤没有“下一步”：请写 { action = "goto", stage = "..." }',
                    expected_en='a stage out of sequence has no next stage: use { action = "goto", stage = "..." }',
                    found="next",
                )
            )
    if stage.kind is StageKind.INTAKE and index != 0:
        out.append(
            Problem(
                "inconsistent",
                f"{where}.kind",
                expected="intake 只能是第一个步骤",
                expected_en="intake must be the first stage",
                found=stage.kind_spec.name,
            )
        )
    if stage.kind is StageKind.ELECTION:
        _election(rs, where, stage, out)
    if stage.kind is StageKind.MEETING:
        _motion_methods(rs, where, stage, out)
    if stage.kind in (StageKind.MEETING, StageKind.ELECTION):
        if not stage.bodies:
            out.append(
                Problem(
                    "missing",
                    f"{where}.bodies",
                    expected="开会的机构 id",
                    expected_en="the body that meets",
                )
            )
        for b, body_id in enumerate(stage.bodies):
            if body_id not in rs.bodies:
                out.append(
                    Problem(
                        "bad_ref",
                        f"{where}.bodies[{b}]",
                        expected="、".join(rs.bodies),
                        found=body_id,
                    )
                )
                continue
            rules = meeting_rules(rs, stage, body_id, None)
            _complete(rules.quorum, rules.threshold, rules.vote_methods, where, body_id, out)
        check_bases(stage.quorum, QUORUM_BASES, f"{where}.quorum", out)
        check_bases(stage.threshold, THRESHOLD_BASES, f"{where}.threshold", out)
        if stage.merge is not None:
            in_sequence = [x.id for x in rs.stages if x.in_sequence]
            if in_sequence[:2] != [stage.merge.absorbs, stage.id]:
                out.append(
                    Problem(
                        "bad_ref",
                        f"{where}.merge.absorbs",
                        expected="第一个步骤的 id（只有第二步可以吸收第一步）",
                        expected_en="the first stage (only the second stage may absorb the first)",
                        found=stage.merge.absorbs,
                    )
                )
            raw = [f"{b}.{r}" for b, r in stage.merge.same_person]
            if len(raw) < 2:
                out.append(
                    Problem(
                        "bad_value",
                        f"{where}.merge.same_person",
                        expected='至少两个 "机构.职务"',
                        expected_en='at least two "body.role" entries',
                    )
                )
            for r, ref in enumerate(raw):
                check_ref(rs, ref, f"{where}.merge.same_person[{r}]", out)
    elif stage.kind is StageKind.DISCLOSURE:
        if stage.disclosure_days < 1:
            out.append(
                Problem(
                    "missing",
                    f"{where}.disclosure_days",
                    expected="公示天数（至少 1 天）",
                    expected_en="posting days (at least 1)",
                )
            )
        if stage.objections is not None:
            window = stage.objections.window_days
            if window is not None and window > stage.disclosure_days:
                out.append(
                    Problem(
                        "inconsistent",
                        f"{where}.objections.window_days",
                        expected=f"不超过公示天数 {stage.disclosure_days}（公示结束后不再受理异议）",
                        expected_en=f"at most the posting days ({stage.disclosure_days}): objections close with the notice",
                        found=str(window),
                    )
                )
            for h, ref in enumerate(stage.objections.handler):
                check_ref(rs, ref, f"{where}.objections.handler[{h}]", out)
            if stage.objections.on_unresolved is not None:
                check_transition(
                    rs,
                    stage.objections.on_unresolved,
                    f"{where}.objections.on_unresolved",
                    stage_ids,
                    out,
                )
    elif stage.kind is StageKind.EXECUTION:
        for s, ref in enumerate(stage.supervisor):
            check_ref(rs, ref, f"{where}.supervisor[{s}]", out)
        for s, ref in enumerate(stage.reviewers):
            check_ref(rs, ref, f"{where}.reviewers[{s}]", out)
    elif stage.kind is StageKind.EVALUATION:
        if not stage.scale:
            out.append(
                Problem(
                    "missing",
                    f"{where}.scale",
                    expected='评价等级，如 ["满意", "基本满意", "不满意"]',
                )
            )
        for s, value in enumerate(stage.satisfied):
            if value not in stage.scale:
                out.append(
                    Problem(
                        "bad_ref",
                        f"{where}.satisfied[{s}]",
                        expected="、".join(stage.scale),
                        found=value,
                    )
                )
        if not stage.threshold:
            out.append(
                Problem(
                    "missing",
                    f"{where}.threshold",
                    expected='满意度要求，如 { base = "votes_cast", fraction = "2/3", cmp = ">=" }',
                )
            )
        check_bases(stage.threshold, {Base.VOTES_CAST}, f"{where}.threshold", out)
        for r, ref in enumerate(stage.raters):
            check_ref(rs, ref, f"{where}.raters[{r}]", out)
    elif stage.kind is StageKind.REFERRAL:
        from yishi.rulesets.referral_checks import check_referral

        out += check_referral(where, stage)
        if stage.on_overdue is not None:
            check_transition(rs, stage.on_overdue, f"{where}.on_overdue", stage_ids, out)
        for r, ref in enumerate(stage.responders):
            check_ref(rs, ref, f"{where}.responders[{r}]", out)
        for r, recipient in enumerate(stage.recipients):
            if recipient.body:
                check_ref(rs, recipient.body, f"{where}.recipients[{r}].body", out)


def _motion_methods(rs: RuleSet, where: str, stage: StageSpec, out: list[Problem]) -> None:
    """A meeting votes on a motion: a method that counts elections cannot serve."""
    for body_id in stage.bodies:
        if body_id not in rs.bodies:
            continue
        for m in meeting_rules(rs, stage, body_id, None).vote_methods:
            if not m.for_motions:
                out.append(
                    Problem(
                        "bad_value",
                        f"{where}.vote_methods",
                        expected="事项表决的表决方式（如 show_of_hands、secret）",
                        expected_en="a method that votes on a motion (e.g. show_of_hands, secret)",
                        found=m.name,
                    )
                )


def _election(rs: RuleSet, where: str, stage: StageSpec, out: list[Problem]) -> None:
    if stage.seats < 1:
        out.append(
            Problem(
                "missing",
                f"{where}.seats",
                expected="应选名额（至少 1）",
                expected_en="the number of seats (at least 1)",
            )
        )
    methods = tuple(
        m
        for body_id in stage.bodies
        if body_id in rs.bodies
        for m in meeting_rules(rs, stage, body_id, None).vote_methods
    )
    if not methods:
        out.append(Problem("missing", f"{where}.vote_methods", expected='["secret"]'))
    elif not all(m.elections for m in methods):
        # Secret ballot for personnel matters is a convention (domain.md §7.1, [K]):
        # binding on a statutory rule set, a warning on a local one.
        out.append(
            Problem(
                "bad_value",
                f"{where}.vote_methods",
                expected='["secret"]（人事事项通常无记名投票）',
                expected_en='["secret"] (personnel matters are normally decided by secret ballot)',
                found=", ".join(m.name for m in methods),
                severity="error" if rs.statutory else "warning",
            )
        )
    for m in methods:
        rule = m.election_rule()
        if rule.max_seats is not None and stage.seats > rule.max_seats:
            out.append(
                Problem(
                    "bad_value",
                    f"{where}.seats",
                    expected=f"“{m.label_zh}”至多 {rule.max_seats} 名",
                    expected_en=f"at most {rule.max_seats} for '{m.name}'",
                    found=str(stage.seats),
                )
            )
    for body_id in stage.bodies:
        if body_id in rs.bodies:
            rules = meeting_rules(rs, stage, body_id, None)
            check_bases(rules.threshold, {Base.VOTES_CAST}, f"{where}.threshold", out)
            turnout = {Base.COMPOSITION, Base.ENTITLED, Base.REGISTERED}
            check_bases(rules.quorum, turnout, f"{where}.quorum", out)
    if stage.fills is not None:
        body_id, role = stage.fills
        if body_id not in rs.bodies:
            out.append(
                Problem("bad_ref", f"{where}.fills", expected="、".join(rs.bodies), found=body_id)
            )
        elif rs.bodies[body_id].roles and role not in rs.bodies[body_id].roles:
            out.append(
                Problem(
                    "bad_ref",
                    f"{where}.fills",
                    expected="、".join(rs.bodies[body_id].roles),
                    found=role,
                )
            )


def _uses(stage: StageSpec, transition: str) -> bool:
    """Whether a stage kind can ever take this transition."""
    if transition == "on_pass":
        return True
    if transition == "on_no_quorum":
        return stage.kind in (StageKind.MEETING, StageKind.ELECTION)
    return stage.kind in (
        StageKind.MEETING,
        StageKind.ELECTION,
        StageKind.EVALUATION,
        StageKind.REFERRAL,
    )


def _complete(
    quorum: Any, threshold: Any, methods: Any, where: str, body_id: str, out: list[Problem]
) -> None:
    for key, value in (("quorum", quorum), ("threshold", threshold), ("vote_methods", methods)):
        if not value:
            out.append(
                Problem(
                    "missing",
                    f"{where}.{key}",
                    expected=f"在本步骤或 bodies.{body_id} 中设定 {key}",
                    expected_en=f"{key} set on the stage or on bodies.{body_id}",
                )
            )
