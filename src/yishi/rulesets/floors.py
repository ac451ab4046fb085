"""Holding a statutory rule set to the statutory floors (domain/statutory.py)."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from yishi.domain.bodies import Membership
from yishi.domain.counting import Requirement
from yishi.domain.rules import EffectiveRules, RuleSet, StageKind, meeting_rules, stage_bodies
from yishi.domain.statutory import (
    ASSEMBLY_KINDS,
    BODY_FLOORS,
    MATTER_STATUTES,
    PARTY_KINDS,
    VERIFIED_VERSIONS,
    disclosure_floor,
    quorum_meets,
    threshold_meets,
)
from yishi.rulesets.problems import Problem

HINT = "如确为本地非法定程序，请设 statutory = false"
HINT_EN = "if this is a local, non-statutory procedure, set statutory = false"


def _show(reqs: Sequence[Requirement]) -> str:
    return "；".join(f"{r.base.value} {r.comparator.value} {r.fraction}" for r in reqs)


def check_floors(rs: RuleSet) -> list[Problem]:
    if not rs.statutory:
        return []
    out: list[Problem] = []
    if rs.law_version not in VERIFIED_VERSIONS:
        out.append(
            Problem(
                "unverified_law",
                "law_version",
                found=rs.law_version,
                severity="warning",
                hint="法定下限按 2026-01-01 施行的 2025 年修正（修订）文本核对；本规则声明的文本版本已被取代，"
                '请改为 law_version = "2025" 并按新条文核对引用',
                hint_en="floors are those of the 2025 texts in force since 2026-01-01; the version this "
                'rule set declares is superseded: set law_version = "2025" and re-check its citations',
            )
        )
    _bodies(rs, out)
    _disclosures(rs, out)
    _party_first(rs, out)
    for index, stage in enumerate(rs.stages):
        if stage.kind is not StageKind.MEETING:
            continue
        types: list[str | None] = [None, *rs.matter_types]
        for matter_type in types:
            bodies = stage_bodies(rs, stage, matter_type)
            for body_id in bodies:
                if body_id in rs.bodies:
                    out += _meeting_floor(rs, index, stage.id, body_id, matter_type)
    _statutes(rs, out)
    # A value written once (on a body) but used by several stages or matter
    # types is reported once, where it is written.
    return list(dict.fromkeys(out))


def _bodies(rs: RuleSet, out: list[Problem]) -> None:
    for body_id, body in rs.bodies.items():
        floor = BODY_FLOORS.get(body.statutory_kind or "")
        if floor is None:
            continue
        for role, gender, share in floor.composition:
            ok = any(
                c.role == role
                and c.gender == gender
                and threshold_meets((c.requirement,), (share,))
                for c in body.composition
            )
            if not ok:
                who = ("妇女" if gender == "female" else "") + body.role_names.get(role, role)
                who_en = ("female " if gender == "female" else "") + role.replace("_", " ") + "s"
                out.append(
                    Problem(
                        "below_floor",
                        f"bodies.{body_id}.composition",
                        expected=f"{who} {share.comparator.value} {share.fraction}（{floor.citation}）",
                        expected_en=f"{who_en} {share.comparator.value} {share.fraction} ({floor.citation_en})",
                        hint=HINT,
                        hint_en=HINT_EN,
                    )
                )
        if floor.steps_down and not body.steps_down_if_relative_nominated:
            out.append(
                Problem(
                    "below_floor",
                    f"bodies.{body_id}.steps_down_if_relative_nominated",
                    expected=f"true（{floor.citation}：{floor.quote}）",
                    expected_en=f"true ({floor.citation_en})",
                    found="false",
                    hint=HINT,
                    hint_en=HINT_EN,
                )
            )
        if body.urgent_notice and not floor.urgent_notice and floor.notice_days:
            out.append(
                Problem(
                    "below_floor",
                    f"bodies.{body_id}.urgent_notice",
                    expected=f"false：法律未许可临时通知（{floor.citation}）",
                    expected_en=f"false: the law allows no short notice ({floor.citation_en})",
                    found="true",
                    hint=HINT,
                    hint_en=HINT_EN,
                )
            )
        for kind in floor.excludes_relatives_of:
            committees = [b for b, spec in rs.bodies.items() if spec.statutory_kind == kind]
            missing = [b for b in committees if b not in body.excludes_relatives_of]
            if missing or not committees:
                names = "、".join(rs.bodies[b].name for b in missing) or kind
                out.append(
                    Problem(
                        "below_floor",
                        f"bodies.{body_id}.excludes_relatives_of",
                        expected=f"列出 {'、'.join(missing) or kind}（{names}成员及其近亲属不得担任；{floor.citation}）",
                        expected_en=f"list {', '.join(missing) or kind} (its members and their close "
                        f"relatives may not serve; {floor.citation_en})",
                        found="、".join(body.excludes_relatives_of) or "[]",
                        hint=HINT,
                        hint_en=HINT_EN,
                    )
                )


def _disclosures(rs: RuleSet, out: list[Problem]) -> None:
    floor = disclosure_floor(rs.scope)
    for index, stage in enumerate(rs.stages):
        if stage.kind is StageKind.DISCLOSURE and stage.disclosure_days < floor.days:
            out.append(
                Problem(
                    "below_floor",
                    f"stages[{index}].disclosure_days",
                    expected=f"≥ {floor.days} 日（{floor.citation}：{floor.quote}）",
                    expected_en=f">= {floor.days} days ({floor.citation_en})",
                    found=f"{stage.disclosure_days}（{stage.name}）",
                    hint=HINT,
                    hint_en=HINT_EN,
                )
            )


def _party_first(rs: RuleSet, out: list[Problem]) -> None:
    """Important matters go to the Party organisation before the assembly decides them."""
    party_met = False
    for index, stage in enumerate(rs.stages):
        if not stage.in_sequence or stage.kind is not StageKind.MEETING:
            continue
        kinds = [rs.bodies[b].statutory_kind for b in stage.bodies if b in rs.bodies]
        needs = [k for k in kinds if k in BODY_FLOORS and BODY_FLOORS[k or ""].party_first]
        if needs and not party_met:
            floor = BODY_FLOORS["party_committee"]
            out.append(
                Problem(
                    "below_floor",
                    f"stages[{index}].bodies",
                    expected="此前须有党组织研究讨论的步骤（机构 statutory_kind 为 "
                    f"{' 或 '.join(PARTY_KINDS)}）（{floor.citation}；居委会组织法第三十条第四款：需由会议"
                    "决定的重要事项，应当先经党组织研究讨论）",
                    expected_en="an earlier stage in which the Party organisation discusses the matter "
                    f"(a body whose statutory_kind is {' or '.join(PARTY_KINDS)}) ({floor.citation_en})",
                    found=stage.name,
                    hint=HINT,
                    hint_en=HINT_EN,
                )
            )
        if any(k in PARTY_KINDS for k in kinds):
            party_met = True


def _statutes(rs: RuleSet, out: list[Problem]) -> None:
    """A reserved matter may not be decided by an assembly its statute does not name."""
    for type_id, mt in rs.matter_types.items():
        statute = MATTER_STATUTES.get(mt.statute or "")
        if statute is None:
            continue
        for stage in rs.stages:
            if stage.kind is not StageKind.MEETING:
                continue
            for body_id in stage_bodies(rs, stage, type_id):
                kind = rs.bodies[body_id].statutory_kind if body_id in rs.bodies else None
                if kind in ASSEMBLY_KINDS and kind not in statute.kinds:
                    allowed = [
                        b
                        for b in stage_bodies(rs, stage, type_id)
                        if rs.bodies.get(b) is not None
                        and rs.bodies[b].statutory_kind in statute.kinds
                    ]
                    out.append(
                        Problem(
                            "below_floor",
                            f"matter_types.{type_id}.overrides.{stage.id}.bodies",
                            expected=f"{'、'.join(allowed) or '可决定此事项的机构'}"
                            f"（{statute.citation}：{rs.bodies[body_id].name}不得决定此事项）",
                            expected_en=f"{', '.join(allowed) or 'a body that may decide this matter'} "
                            f"({statute.citation_en})",
                            found=f"{body_id}（{rs.bodies[body_id].name}）",
                            hint="特别法保留给成员（村民）会议的事项，不能交代表会议决定",
                            hint_en="the special statute reserves this matter to the full assembly",
                        )
                    )
        if statute.approval and mt.approval is None:
            out.append(
                Problem(
                    "below_floor",
                    f"matter_types.{type_id}.approval",
                    expected=f'{{ by = "{statute.approval}", before = "<实施步骤 id>" }}（{statute.citation}）',
                    expected_en=f'{{ by = "...", before = "<execution stage id>" }} '
                    f"({statute.approval_en}; {statute.citation_en})",
                    hint="决议通过后须经批准方可实施",
                    hint_en="the decision must be approved before it is carried out",
                )
            )


def _source(rs: RuleSet, index: int, body_id: str, matter_type: str | None, name: str) -> str:
    """Key path where the effective ``name`` is written, in meeting_rules' order."""
    stage = rs.stages[index]
    if matter_type is not None:
        override = rs.matter_types[matter_type].overrides.get(stage.id)
        if override is not None and getattr(override, name) is not None:
            return f"matter_types.{matter_type}.overrides.{stage.id}.{name}"
    if getattr(stage, name) is not None:
        return f"stages[{index}].{name}"
    return f"bodies.{body_id}.{name}"


def _written(rs: RuleSet, index: int, body_id: str, matter_type: str | None) -> EffectiveRules:
    """The meeting rules as the rule set writes them, before the engine adds any floor."""
    plain = attrs.evolve(rs, statutory=False)
    return meeting_rules(plain, rs.stages[index], body_id, matter_type)


def _meeting_floor(
    rs: RuleSet, index: int, stage_id: str, body_id: str, matter_type: str | None
) -> list[Problem]:
    out: list[Problem] = []
    rules = _written(rs, index, body_id, matter_type)
    body = rs.bodies[body_id]

    def where(name: str) -> str:
        return _source(rs, index, body_id, matter_type, name)

    adults = body.membership is Membership.ELIGIBLE_ADULTS
    floor = BODY_FLOORS.get(body.statutory_kind or "")
    checks: list[tuple[int, tuple[Requirement, ...], tuple[Requirement, ...], str, str, bool]] = []
    if floor is not None and (
        matter_type is None or stage_id in rs.matter_types[matter_type].overrides
    ):
        checks.append(
            (
                floor.notice_days,
                floor.quorum,
                floor.threshold,
                floor.citation,
                floor.citation_en,
                False,
            )
        )
    statute = (
        MATTER_STATUTES.get(rs.matter_types[matter_type].statute or "") if matter_type else None
    )
    if statute is not None and body.statutory_kind in statute.thresholds:
        kind = body.statutory_kind or ""
        checks.append(
            (
                statute.notice_for(kind),
                statute.quorum.get(kind, ()),
                statute.thresholds[kind],
                statute.citation,
                statute.citation_en,
                True,
            )
        )
    for notice, quorum, threshold, citation, citation_en, special in checks:
        hint = "特别法要求以全体成员或全体代表为基数" if special else HINT
        hint_en = (
            "the special statute counts against all members or representatives"
            if special
            else HINT_EN
        )
        at = (
            (lambda name: f"matter_types.{matter_type}.overrides.{stage_id}.{name}")
            if special
            else where
        )
        if rules.notice_days < notice:
            out.append(
                Problem(
                    "below_floor",
                    at("notice_days"),
                    expected=f"≥ {notice} 日（{citation}）",
                    expected_en=f">= {notice} days ({citation_en})",
                    found=f"{rules.notice_days}（{body.name}）",
                    hint=hint,
                    hint_en=hint_en,
                )
            )
        if quorum and not quorum_meets(rules.quorum, quorum, adults):
            out.append(
                Problem(
                    "below_floor",
                    at("quorum"),
                    expected=f"不低于 {_show(quorum)} 之一（{citation}）",
                    expected_en=f"at least one of {_show(quorum)} ({citation_en})",
                    found=f"{_show(rules.quorum)}（{body.name}）",
                    hint=hint,
                    hint_en=hint_en,
                )
            )
        if threshold and not threshold_meets(rules.threshold, threshold):
            out.append(
                Problem(
                    "below_floor",
                    at("threshold"),
                    expected=f"不低于 {_show(threshold)}（{citation}）",
                    expected_en=f"at least {_show(threshold)} ({citation_en})",
                    found=f"{_show(rules.threshold)}（{body.name}）",
                    hint=hint,
                    hint_en=hint_en,
                )
            )
    return out
