"""An optional attendance gate: a share of those present must be women.

The 2018 guidance on 村规民约 and 居民公约 asks that "a certain share of women"
take part when the assembly votes, without saying how many [S: 指导意见]. A
rule set that wants the gate names the share on the meeting stage
(``women_present``); the base is those present with a vote. A meeting that
misses it is not quorate: it may not vote, and follows ``on_no_quorum``.
Nothing here is statutory, so no rule set is held to it.
"""

from __future__ import annotations

from typing import Any

import attrs

from yishi.domain.counting import Requirement
from yishi.domain.membership import roster
from yishi.domain.rules import RuleSet
from yishi.domain.state import Meeting, State
from yishi.domain.tally import Outcome

FEMALE = "female"


def women_gate(
    state: State, req: Requirement, ruleset: RuleSet, meeting: Meeting
) -> dict[str, Any]:
    """The gate's check for one meeting, as plain data with its explanation."""
    matter = state.matters[meeting.matter]
    members = roster(state, ruleset, meeting.body, meeting.date)
    voting = {p for p, v in members.items() if v} - set(meeting.excused) - set(matter.recused)
    attending = set(meeting.attendance)
    represented = attending | {g for g, h in meeting.proxies.items() if h in attending}
    present = represented & voting
    women = sum(1 for p in present if state.people[p].gender == FEMALE)
    met = req.is_met(women, len(present))
    minimum = req.minimum(len(present))
    note_zh = f"〔规则说明：{req.note}〕" if req.note else ""
    note_en = f" [rule note: {req.note}]" if req.note else ""
    return {
        "what": "women_present",
        "requirement": {
            "base": req.base.value,
            "fraction": f"{req.fraction.numerator}/{req.fraction.denominator}",
            "cmp": req.comparator.value,
            **({"note": req.note} if req.note else {}),
        },
        "count": women,
        "base_value": len(present),
        "minimum": minimum,
        "met": met,
        "explanation": {
            "zh": f"到会妇女 {women} 人，到会人员 {len(present)} 人，须{req.wording_zh()}"
            f"（至少 {minimum} 人），{'达到' if met else '未达到'}{note_zh}",
            "en": f"{women} women of {len(present)} present; {req.wording_en()} required "
            f"(at least {minimum}): {'met' if met else 'not met'}{note_en}",
        },
    }


def apply_gate(
    state: State, ruleset: RuleSet, meeting: Meeting, result: Outcome
) -> tuple[Outcome, dict[str, Any], bool]:
    """The meeting's outcome and quorum record with the stage's gate applied.

    Returns (outcome, quorum as recorded, whether the gate stopped the vote).
    """
    quorum: dict[str, Any] = result.quorum.as_dict()
    stage = ruleset.stage(meeting.stage)
    if stage.women_present is None or result.outcome == "no_quorum":
        return result, quorum, False
    gate = women_gate(state, stage.women_present, ruleset, meeting)
    said: dict[str, str] = quorum["explanation"]
    if gate["met"]:
        explanation = {
            lang: f"{said[lang]}{'；' if lang == 'zh' else '; '}{gate['explanation'][lang]}"
            for lang in ("zh", "en")
        }
        return result, {**quorum, "gates": [gate], "explanation": explanation}, False
    # The attendance itself was enough: say so, without "会议有效", then why no vote.
    checks = result.quorum.checks
    met = [c for c in checks if c.met] or list(checks)
    explanation = {
        "zh": "；".join(c.explain("zh") for c in met)
        + f"；但{gate['explanation']['zh']}，不能表决",
        "en": "; ".join(c.explain("en") for c in met)
        + f"; but {gate['explanation']['en']}: no vote may be taken",
    }
    stopped = attrs.evolve(result, outcome="no_quorum", threshold=None)
    return stopped, {**quorum, "met": False, "gates": [gate], "explanation": explanation}, True
