"""Holding a statutory rule set to the statutory floors (domain/statutory.py)."""

from __future__ import annotations

from collections.abc import Sequence

from yishi.domain.counting import Requirement, at_least_as_strict
from yishi.domain.rules import RuleSet, StageKind, meeting_rules, stage_bodies
from yishi.domain.statutory import BODY_FLOORS, MATTER_STATUTES, VERIFIED_VERSIONS
from yishi.rulesets.problems import Problem


def _show(reqs: Sequence[Requirement]) -> str:
    return "；".join(f"{r.base.value} {r.comparator.value} {r.fraction}" for r in reqs)


def _quorum_ok(candidate: Sequence[Requirement], floor: Sequence[Requirement]) -> bool:
    # The rule set's alternatives are each acceptable only if each implies one of the law's.
    return bool(candidate) and all(
        any(at_least_as_strict(c, f, quorum=True) for f in floor) for c in candidate
    )


def _threshold_ok(candidate: Sequence[Requirement], floor: Sequence[Requirement]) -> bool:
    # All of the rule set's conditions must hold, so one implying each floor is enough.
    return all(any(at_least_as_strict(c, f) for c in candidate) for f in floor)


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
                hint="法定下限按 2018 年文本核对；2025 年修正文本的相关条款尚未取得（domain.md §0.2、§11.1），请向乡镇或法律顾问核实",
                hint_en="floors are those of the 2018 texts; the 2025 wording was not retrieved (domain.md §0.2, §11.1); verify with a legal adviser",
            )
        )
    for body_id, body in rs.bodies.items():
        floor = BODY_FLOORS.get(body.statutory_kind or "")
        if floor is None:
            continue
        for role, gender, share in floor.composition:
            ok = any(
                c.role == role and c.gender == gender and at_least_as_strict(c.requirement, share)
                for c in body.composition
            )
            if not ok:
                who = ("妇女" if gender == "female" else "") + role
                who_en = ("female " if gender == "female" else "") + role
                out.append(
                    Problem(
                        "below_floor",
                        f"bodies.{body_id}.composition",
                        expected=f"{who} {share.comparator.value} {share.fraction}（{floor.citation}）",
                        expected_en=f"{who_en} {share.comparator.value} {share.fraction} ({floor.citation_en})",
                        hint="如确为本地非法定程序，请设 statutory = false",
                        hint_en="if this is a local, non-statutory procedure, set statutory = false",
                    )
                )
    for index, stage in enumerate(rs.stages):
        if stage.kind is not StageKind.MEETING:
            continue
        types: list[str | None] = [None, *rs.matter_types]
        for matter_type in types:
            bodies = stage_bodies(rs, stage, matter_type)
            for body_id in bodies:
                if body_id in rs.bodies:
                    out += _meeting_floor(rs, index, stage.id, body_id, matter_type)
    # A value written once (on a body) but used by several stages or matter
    # types is reported once, where it is written.
    return list(dict.fromkeys(out))


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


def _meeting_floor(
    rs: RuleSet, index: int, stage_id: str, body_id: str, matter_type: str | None
) -> list[Problem]:
    out: list[Problem] = []
    stage = rs.stages[index]
    rules = meeting_rules(rs, stage, body_id, matter_type)
    body = rs.bodies[body_id]

    def where(name: str) -> str:
        return _source(rs, index, body_id, matter_type, name)

    hint = "如确为本地非法定程序，请设 statutory = false"
    hint_en = "if this is a local, non-statutory procedure, set statutory = false"
    floor = BODY_FLOORS.get(body.statutory_kind or "")
    if floor is not None and (
        matter_type is None or stage_id in rs.matter_types[matter_type].overrides
    ):
        if rules.notice_days < floor.notice_days:
            out.append(
                Problem(
                    "below_floor",
                    where("notice_days"),
                    expected=f"≥ {floor.notice_days} 日（{floor.citation}）",
                    expected_en=f">= {floor.notice_days} days ({floor.citation_en})",
                    found=f"{rules.notice_days}（{body.name}）",
                    hint=hint,
                    hint_en=hint_en,
                )
            )
        if floor.quorum and not _quorum_ok(rules.quorum, floor.quorum):
            out.append(
                Problem(
                    "below_floor",
                    where("quorum"),
                    expected=f"不低于 {_show(floor.quorum)} 之一（{floor.citation}）",
                    expected_en=f"at least one of {_show(floor.quorum)} ({floor.citation_en})",
                    found=f"{_show(rules.quorum)}（{body.name}）",
                    hint=hint,
                    hint_en=hint_en,
                )
            )
        if floor.threshold and not _threshold_ok(rules.threshold, floor.threshold):
            out.append(
                Problem(
                    "below_floor",
                    where("threshold"),
                    expected=f"不低于 {_show(floor.threshold)}（{floor.citation}）",
                    expected_en=f"at least {_show(floor.threshold)} ({floor.citation_en})",
                    found=f"{_show(rules.threshold)}（{body.name}）",
                    hint=hint,
                    hint_en=hint_en,
                )
            )
    if matter_type is not None:
        statute = MATTER_STATUTES.get(rs.matter_types[matter_type].statute or "")
        if (
            statute is not None
            and body.statutory_kind in statute.applies_to
            and not _threshold_ok(rules.threshold, statute.threshold)
        ):
            out.append(
                Problem(
                    "below_floor",
                    f"matter_types.{matter_type}.overrides.{stage_id}.threshold",
                    expected=f"{_show(statute.threshold)}（{statute.citation}）",
                    expected_en=f"{_show(statute.threshold)} ({statute.citation_en})",
                    found=f"{_show(rules.threshold)}（{body.name}）",
                    hint="特别法要求以全体成员或全体代表为基数",
                    hint_en="the special statute counts against all members or representatives",
                )
            )
    return out
