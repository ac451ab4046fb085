"""Checks of one reference in a rule set against what the rule set has: an actor
(a body, or a role in it), a transition's target, a counting base, a petition's
body. Each appends its located problems to ``out``; refs.py and stage_checks.py
call them wherever such a reference appears."""

from __future__ import annotations

from typing import Any

from yishi.domain.bodies import Membership
from yishi.domain.counting import Base
from yishi.domain.rules import RuleSet
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


def check_bases(reqs: Any, allowed: set[Base], where: str, out: list[Problem]) -> None:
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


def check_ref(rs: RuleSet, ref: str, where: str, out: list[Problem]) -> None:
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


def check_transition(
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


def check_petition(
    rs: RuleSet, base: Base, body_id: str | None, where: str, out: list[Problem]
) -> None:
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
