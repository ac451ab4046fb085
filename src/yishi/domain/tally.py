"""The numbers of a meeting, and its verdict: quorum first, then the vote."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from yishi.domain.bodies import Membership
from yishi.domain.counting import Base, Verdict, evaluate
from yishi.domain.lookup import rules_for
from yishi.domain.membership import (
    households_in_scope,
    in_group,
    represented_households,
    roster,
)
from yishi.domain.methods import CONSENSUS, YES_NO, MotionRule
from yishi.domain.rules import EffectiveRules, RuleSet
from yishi.domain.state import Meeting, State

CHOICES = YES_NO.choices


def motion_rule(ruleset: RuleSet, meeting: Meeting) -> MotionRule:
    """The counting rule of the meeting's vote method (赞成/反对/弃权 unless it says)."""
    spec = ruleset.vote_method(meeting.method)
    return spec.motion_rule() if spec is not None else YES_NO


@attrs.frozen
class Outcome:
    outcome: str  # passed | rejected | no_quorum
    quorum: Verdict
    threshold: Verdict | None
    counts: dict[str, int]
    recused: tuple[str, ...]
    quorum_lost_by_recusal: bool


def meeting_counts(
    state: State, ruleset: RuleSet, meeting: Meeting, *, apply_recusal: bool = True
) -> dict[str, int]:
    """Every number a quorum or threshold may need, for one meeting."""
    matter = state.matters[meeting.matter]
    members = roster(state, ruleset, meeting.body, meeting.date)
    recused = set(matter.recused) & set(members) if apply_recusal else set()
    removed = recused if ruleset.recusal.remove_from_bases else set()
    voting = {p for p, v in members.items() if v} - set(meeting.excused)
    attending = set(meeting.attendance)
    represented = attending | {g for g, h in meeting.proxies.items() if h in attending}
    present_members = (represented & set(members)) - removed
    # A roster body (a villager group, a courtyard) counts its own adults and
    # households; an assembly of the whole community counts the community's.
    # A 村民小组's meeting made from a per-group template counts its group's.
    spec = ruleset.bodies[meeting.body]
    whole = spec.membership is not Membership.ROSTER
    pool = in_group(state, spec.group) if whole else (state.people[p] for p in members)
    adults = {p.id for p in pool if p.is_adult(meeting.date)} - removed
    households = (
        households_in_scope(state, ruleset, meeting.body)
        if whole
        else {state.people[p].household for p in members if state.people[p].household}
    )
    households_present = {
        state.people[p].household for p in present_members if state.people[p].household
    }
    extra: dict[str, int] = {}
    through: dict[str, int] = {}
    rules = rules_for(state, ruleset, meeting)
    if any(r.base is Base.HOUSEHOLDS_REPRESENTED for r in (*rules.quorum, *rules.quorum_also)):
        # 一事一议: households counted through the 村民代表 present who answer for
        # them. Only where a rule counts them, so other meetings' records keep their form.
        scope = households_in_scope(state, ruleset, meeting.body)
        through["households_represented"] = len(
            represented_households(state, present_members, scope)
        )
        through["scope_households"] = len(scope)
    roster_body = state.bodies.get(meeting.body)
    representatives = (
        ({p for p, m in roster_body.members.items() if "representative" in m.roles} & set(members))
        - removed
        if roster_body is not None
        else set()
    )
    if meeting.tally is not None:
        yes, no, abstain = meeting.tally
    else:
        choices = [c for v, c in meeting.ballots.items() if v not in recused]
        choices += meeting.box.elements()  # secret ballots: a multiset, no voters
        extra = motion_rule(ruleset, meeting).count(choices)
        yes, no, abstain = extra.pop("yes"), extra.pop("no"), extra.pop("abstain")
    checked_in = set(meeting.attendance)
    return {
        # Who signed in, and why some of them are not counted: the check-in line
        # and the quorum line must agree or say why (attendance_note).
        "checked_in": len(checked_in),
        "checked_in_not_members": len(checked_in - set(members)),
        "checked_in_without_vote": len({p for p in checked_in & set(members) if not members[p]}),
        "checked_in_recused": len(checked_in & recused),
        "composition": len(set(members) - removed),
        "members_present": len(present_members),
        "entitled": len(voting - recused),
        "present": len((represented & voting) - recused),
        "present_base": len((represented & voting) - removed),
        "eligible_adults": len(adults),
        "adults_present": len(present_members & adults),
        "households": len(households),
        "households_present": len(households_present),
        "recused": len(recused),
        "representatives": len(representatives),
        "representatives_present": len(representatives & present_members),
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "votes_cast": yes + no + abstain,
        **through,
        **extra,  # per choice, for a method with its own scale (满意度)
    }


_QUORUM_COUNT = {
    Base.COMPOSITION: ("members_present", "composition"),
    Base.ENTITLED: ("present", "entitled"),
    Base.REGISTERED: ("present", "entitled"),
    Base.ELIGIBLE_ADULTS: ("adults_present", "eligible_adults"),
    Base.HOUSEHOLDS: ("households_present", "households"),
    Base.PRESENT: ("present", "present_base"),
    Base.VOTES_CAST: ("votes_cast", "present_base"),
    Base.REPRESENTATIVES: ("representatives_present", "representatives"),
    Base.HOUSEHOLDS_REPRESENTED: ("households_represented", "scope_households"),
}
_THRESHOLD_BASE = {
    Base.COMPOSITION: "composition",
    Base.ENTITLED: "entitled",
    Base.REGISTERED: "entitled",
    Base.PRESENT: "present_base",
    Base.ELIGIBLE_ADULTS: "eligible_adults",
    Base.HOUSEHOLDS: "households",
    Base.VOTES_CAST: "votes_cast",
    Base.REPRESENTATIVES: "representatives",
}


def _quorum(rules: EffectiveRules, counts: dict[str, int]) -> Verdict:
    every = (*rules.quorum, *rules.quorum_also)
    return evaluate(
        "quorum",
        "any_of",
        rules.quorum,
        {r.base: counts[_QUORUM_COUNT[r.base][0]] for r in every},
        {r.base: counts[_QUORUM_COUNT[r.base][1]] for r in every},
        also=rules.quorum_also,
    )


def outcome(state: State, ruleset: RuleSet, meeting: Meeting) -> Outcome:
    rules = rules_for(state, ruleset, meeting)
    counts = meeting_counts(state, ruleset, meeting)
    quorum = _quorum(rules, counts)
    recused = tuple(
        sorted(
            set(state.matters[meeting.matter].recused)
            & set(roster(state, ruleset, meeting.body, meeting.date))
        )
    )
    if not quorum.met:
        without = _quorum(rules, meeting_counts(state, ruleset, meeting, apply_recusal=False))
        return Outcome("no_quorum", quorum, None, counts, recused, bool(recused) and without.met)
    if ruleset.records(meeting.method, "consensus"):
        return Outcome(
            "passed" if meeting.consensus else "rejected", quorum, None, counts, recused, False
        )
    threshold = evaluate(
        "threshold",
        "all_of",
        rules.threshold,
        {r.base: counts["yes"] for r in rules.threshold},
        {r.base: counts[_THRESHOLD_BASE[r.base]] for r in rules.threshold},
    )
    return Outcome(
        "passed" if threshold.met else "rejected", quorum, threshold, counts, recused, False
    )


def consensus_result(state: State, meeting: Meeting, result: Outcome) -> dict[str, object] | None:
    if meeting.consensus is None or result.outcome == "no_quorum":
        return None
    present = result.counts["present"]
    objections = [
        (state.people[p].name if p in state.people else p, t) for p, t in meeting.objections
    ]
    zh = CONSENSUS.explain(meeting.consensus, present, objections, "zh")
    en = CONSENSUS.explain(meeting.consensus, present, objections, "en")
    return {
        "consensus": meeting.consensus,
        "objections": [{"person": p, "objection": t} for p, t in meeting.objections],
        "explanation": {"zh": zh, "en": en},
    }


def attendance_note(counts: Mapping[str, int]) -> tuple[str, str] | None:
    """Why the number who signed in differs from the number counted present, if it does."""
    signed = counts.get("checked_in")
    if signed is None:
        return None
    outside = counts.get("checked_in_not_members", 0)
    no_vote = counts.get("checked_in_without_vote", 0)
    recused = counts.get("checked_in_recused", 0)
    proxies = counts.get("members_present", 0) - (signed - outside)
    zh: list[str] = []
    en: list[str] = []
    if no_vote:
        zh.append(f"{no_vote} 人无表决权")
        en.append(f"{no_vote} without a vote")
    if outside:
        zh.append(f"{outside} 人列席（不是本机构成员）")
        en.append(f"{outside} attending as observers (not members)")
    if recused:
        zh.append(f"{recused} 人回避")
        en.append(f"{recused} recused")
    if proxies > 0:
        zh.append(f"另有 {proxies} 人由受托人代为出席")
        en.append(f"{proxies} more represented by proxy")
    if not zh:
        return None
    return (
        f"签到 {signed} 人，其中 " + "，".join(zh),
        f"{signed} signed in: " + ", ".join(en),
    )
