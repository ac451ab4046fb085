"""Cross-checks of a structurally valid rule set: ids, references, coherence."""

from __future__ import annotations

from typing import Any

from yishi.domain.bodies import MeetingRules, Membership
from yishi.domain.counting import Base
from yishi.domain.rules import RuleSet, StageKind, StageSpec, meeting_rules
from yishi.domain.transitions import Action, Transition
from yishi.rulesets.problems import Problem

QUORUM_BASES = {
    Base.COMPOSITION,
    Base.ENTITLED,
    Base.ELIGIBLE_ADULTS,
    Base.HOUSEHOLDS,
    Base.REGISTERED,
    Base.REPRESENTATIVES,
    Base.HOUSEHOLDS_REPRESENTED,
}
THRESHOLD_BASES = set(Base) - {Base.HOUSEHOLDS, Base.HOUSEHOLDS_REPRESENTED}


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
        _ref(rs, ref, f"proposers[{i}]", out)
    for i, way in enumerate(rs.petitions):
        _petition(rs, way.requirement.base, way.body, f"petitions[{i}]", out)
    for i, ref in enumerate(rs.recorders):
        _ref(rs, ref, f"recorders[{i}]", out)
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
        _transition(rs, rs.recusal.on_quorum_lost, "recusal.on_quorum_lost", stage_ids, out)
    for index, stage in enumerate(rs.stages):
        _stage(rs, index, stage, stage_ids, out)
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
                _transition(rs, taken, f"{where}.{name}", stage_ids, out)
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
            _bases(override.quorum, QUORUM_BASES, f"{where}.quorum", out)
            _bases(override.threshold, THRESHOLD_BASES, f"{where}.threshold", out)
            if override.answer_days is not None:
                from yishi.rulesets.referral_checks import check_answer_override

                out += check_answer_override(where, rs.stage(stage_id))
    return out


def _stage(
    rs: RuleSet, index: int, stage: StageSpec, stage_ids: list[str], out: list[Problem]
) -> None:
    where = f"stages[{index}]"
    for a, ref in enumerate(stage.actors):
        _ref(rs, ref, f"{where}.actors[{a}]", out)
    for t_name in ("on_pass", "on_reject", "on_no_quorum"):
        _transition(rs, getattr(stage, t_name), f"{where}.{t_name}", stage_ids, out)
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
        _bases(stage.quorum, QUORUM_BASES, f"{where}.quorum", out)
        _bases(stage.threshold, THRESHOLD_BASES, f"{where}.threshold", out)
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
                _ref(rs, ref, f"{where}.merge.same_person[{r}]", out)
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
                _ref(rs, ref, f"{where}.objections.handler[{h}]", out)
            if stage.objections.on_unresolved is not None:
                _transition(
                    rs,
                    stage.objections.on_unresolved,
                    f"{where}.objections.on_unresolved",
                    stage_ids,
                    out,
                )
    elif stage.kind is StageKind.EXECUTION:
        for s, ref in enumerate(stage.supervisor):
            _ref(rs, ref, f"{where}.supervisor[{s}]", out)
        for s, ref in enumerate(stage.reviewers):
            _ref(rs, ref, f"{where}.reviewers[{s}]", out)
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
        _bases(stage.threshold, {Base.VOTES_CAST}, f"{where}.threshold", out)
        for r, ref in enumerate(stage.raters):
            _ref(rs, ref, f"{where}.raters[{r}]", out)
    elif stage.kind is StageKind.REFERRAL:
        from yishi.rulesets.referral_checks import check_referral

        out += check_referral(where, stage)
        if stage.on_overdue is not None:
            _transition(rs, stage.on_overdue, f"{where}.on_overdue", stage_ids, out)
        for r, ref in enumerate(stage.responders):
            _ref(rs, ref, f"{where}.responders[{r}]", out)
        for r, recipient in enumerate(stage.recipients):
            if recipient.body:
                _ref(rs, recipient.body, f"{where}.recipients[{r}].body", out)


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
            _bases(rules.threshold, {Base.VOTES_CAST}, f"{where}.threshold", out)
            turnout = {Base.COMPOSITION, Base.ENTITLED, Base.REGISTERED}
            _bases(rules.quorum, turnout, f"{where}.quorum", out)
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


def _body_rules(body_id: str, rules: MeetingRules, out: list[Problem]) -> None:
    _bases(rules.quorum, QUORUM_BASES, f"bodies.{body_id}.quorum", out)
    _bases(rules.quorum_also, QUORUM_BASES, f"bodies.{body_id}.quorum_also", out)
    _bases(rules.threshold, THRESHOLD_BASES, f"bodies.{body_id}.threshold", out)


def _bases(reqs: Any, allowed: set[Base], where: str, out: list[Problem]) -> None:
    for r in reqs or ():
        if r.base not in allowed:
            out.append(
                Problem(
                    "bad_value",
                    f"{where}.base",
                    expected="、".join(sorted(b.value for b in allowed)),
                    found=r.base.value,
                    hint="法定人数按应到人数计，不能以“到会人员”或“投票数”为基数"
                    if "quorum" in where.rsplit(".", 1)[-1]
                    else "表决不以户数为基数",
                    hint_en="a quorum counts against those who should attend, not those present"
                    if "quorum" in where.rsplit(".", 1)[-1]
                    else "votes are not counted per household",
                )
            )


def _ref(rs: RuleSet, ref: str, where: str, out: list[Problem]) -> None:
    if ref == "residents":
        return
    body_id, _, role = ref.partition(".")
    body = rs.bodies.get(body_id)
    if body is not None and body.membership is not Membership.ROSTER:
        out.append(
            Problem(
                "bad_ref",
                where,
                found=ref,
                expected='"residents" 或有成员名单的机构',
                expected_en='"residents" or a body with a roster',
                hint=f'{body.name}的成员由居民自动确定，没有名单可以核对；请写 "residents"',
                hint_en=f'{body_id} has no roster to check against; write "residents"',
            )
        )
        return
    if body is None:
        out.append(
            Problem(
                "bad_ref",
                where,
                expected='"residents" 或机构 id：' + "、".join(rs.bodies),
                expected_en='"residents" or a body id',
                found=ref,
            )
        )
    elif role and body.roles and role not in body.roles:
        out.append(
            Problem(
                "bad_ref", where, expected=f"{body_id} 的职务：" + "、".join(body.roles), found=role
            )
        )


def _transition(
    rs: RuleSet, t: Transition, where: str, stage_ids: list[str], out: list[Problem]
) -> None:
    if t.action in (Action.GOTO, Action.REVISE_AND_RESTART):
        if t.stage is None:
            out.append(
                Problem(
                    "missing",
                    f"{where}.stage",
                    expected="目标步骤 id",
                    expected_en="the target stage id",
                )
            )
        elif t.stage not in stage_ids:
            out.append(
                Problem("bad_ref", f"{where}.stage", expected="、".join(stage_ids), found=t.stage)
            )
    if t.action is Action.HAND_OFF:
        for key, value in (("procedure", t.procedure), ("stage", t.stage)):
            if value is None:
                out.append(
                    Problem(
                        "missing",
                        f"{where}.{key}",
                        expected="移交到的规则 id" if key == "procedure" else "目标程序中的步骤 id",
                        expected_en="the rule set handed to"
                        if key == "procedure"
                        else "the entry stage in the target procedure",
                    )
                )
        if t.procedure == rs.id:
            out.append(
                Problem(
                    "bad_value",
                    f"{where}.procedure",
                    expected="另一程序的规则 id（本程序内请用 goto）",
                    expected_en="another procedure's id (within this one, use goto)",
                    found=t.procedure,
                )
            )
    if t.action is Action.ESCALATE:
        if t.body is None:
            out.append(
                Problem(
                    "missing",
                    f"{where}.body",
                    expected="升级到的机构 id",
                    expected_en="the body to escalate to",
                )
            )
        elif t.body not in rs.bodies:
            out.append(
                Problem("bad_ref", f"{where}.body", expected="、".join(rs.bodies), found=t.body)
            )


def _petition(rs: RuleSet, base: Base, body_id: str | None, where: str, out: list[Problem]) -> None:
    """A petition counted among representatives names a roster body that has them."""
    if base is not Base.REPRESENTATIVES:
        return
    body = rs.bodies.get(body_id or "")
    if body is None or "representative" not in body.roles:
        out.append(
            Problem(
                "bad_ref",
                f"{where}.body",
                found=body_id or "—",
                expected="有 representative 职务的机构 id："
                + "、".join(b for b, spec in rs.bodies.items() if "representative" in spec.roles),
                expected_en="a body with the role 'representative'",
            )
        )
