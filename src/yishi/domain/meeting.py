"""Meeting stages: convene with notice, attendance, recusal, proxies, votes, verdict."""

from __future__ import annotations

import datetime as dt

import attrs

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.authority import authorize, name
from yishi.domain.counting import Base, Verdict, evaluate
from yishi.domain.errors import Refusal
from yishi.domain.flow import follow
from yishi.domain.rules import (
    BALLOT_METHODS,
    TALLY_METHODS,
    EffectiveRules,
    Membership,
    RuleSet,
    StageKind,
    StageSpec,
    VoteMethod,
    meeting_rules,
    stage_bodies,
)
from yishi.domain.state import Matter, Meeting, State

CHOICES = ("yes", "no", "abstain")


def current_stage(ruleset: RuleSet, matter: Matter) -> StageSpec:
    if matter.status != "in_progress" or matter.stage is None:
        raise Refusal("matter_closed", matter=matter.id, title=matter.title)
    return ruleset.stage(matter.stage)


def roster(state: State, ruleset: RuleSet, body_id: str, on: dt.date) -> dict[str, bool]:
    """Members of a body on a day, each with whether they may vote."""
    spec = ruleset.bodies[body_id]
    if spec.membership is Membership.ELIGIBLE_ADULTS:
        return {p.id: True for p in state.people.values() if p.is_adult(on)}
    if spec.membership is Membership.HOUSEHOLDS:
        return {h.representative: True for h in state.households.values() if h.representative}
    body = state.bodies.get(body_id)
    if body is None:
        return {}
    if spec.non_voting_party:
        # e.g. probationary Party members (预备党员) attend but do not vote, whatever the roster says
        return {
            m.person: m.voting and state.people[m.person].party not in spec.non_voting_party
            for m in body.members.values()
        }
    return {m.person: m.voting for m in body.members.values()}


def composition_problems(state: State, ruleset: RuleSet, body_id: str, on: dt.date) -> list[str]:
    """Unmet composition rules of a body (村民代表会议: representatives ≥ 4/5, women ≥ 1/3)."""
    spec = ruleset.bodies[body_id]
    body = state.bodies.get(body_id)
    if body is None or not spec.composition:
        return []
    problems = []
    for rule in spec.composition:
        count = sum(
            1
            for m in body.members.values()
            if rule.role in m.roles
            and (rule.gender is None or state.people[m.person].gender == rule.gender)
        )
        total = len(body.members)
        if not rule.requirement.is_met(count, total):
            problems.append(
                f"{rule.label}：{count} 人，组成人员 {total} 人，"
                f"须{rule.requirement.wording_zh()}（至少 {rule.requirement.minimum(total)} 人）"
            )
    return problems


def _meeting(state: State, meeting_id: str) -> Meeting:
    meeting = state.meetings.get(meeting_id)
    if meeting is None:
        raise Refusal("unknown_meeting", meeting=meeting_id)
    return meeting


def _open_meeting(state: State, ruleset: RuleSet, meeting_id: str) -> tuple[Meeting, Matter]:
    meeting = _meeting(state, meeting_id)
    matter = state.matters[meeting.matter]
    if meeting.closed:
        raise Refusal("meeting_closed", meeting=meeting_id)
    current_stage(ruleset, matter)
    return meeting, matter


def _held(meeting: Meeting, now: dt.datetime) -> None:
    if now.date() < meeting.date:
        raise Refusal("meeting_not_yet", meeting=meeting.id, date=meeting.date.isoformat())


def _rules(state: State, ruleset: RuleSet, meeting: Meeting) -> EffectiveRules:
    matter = state.matters[meeting.matter]
    return meeting_rules(ruleset, ruleset.stage(meeting.stage), meeting.body, matter.matter_type)


def convene(
    state: State, c: cmd.ConveneMeeting, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter = _matter(state, c.matter)
    stage = current_stage(ruleset, matter)
    if stage.kind not in (StageKind.MEETING, StageKind.ELECTION):
        raise Refusal("wrong_stage_kind", stage=stage.name, expected="meeting")
    if (stage.kind is StageKind.ELECTION) != bool(c.candidates):
        code = "candidates_required" if stage.kind is StageKind.ELECTION else "not_an_election"
        raise Refusal(code, meeting=c.meeting)
    already = {p for people in matter.elected.values() for p in people}
    for candidate in c.candidates:
        if candidate not in state.people:
            raise Refusal("unknown_person", person=candidate)
        if candidate in already:
            raise Refusal("already_elected", person=name(state, candidate))
    if len(set(c.candidates)) != len(c.candidates):
        raise Refusal("duplicate_choice")
    authorize(state, ruleset, c.on_behalf_of or c.actor, stage.actors, f"stages.{stage.id}.actors")
    if matter.open_meeting(state) is not None:
        raise Refusal("meeting_already_open", stage=stage.name)
    if c.meeting in state.meetings:
        raise Refusal("duplicate_id", id=c.meeting)
    allowed = (
        (matter.stage_body,)
        if matter.stage_body
        else stage_bodies(ruleset, stage, matter.matter_type)
    )
    body_id = c.body or (allowed[0] if len(allowed) == 1 else None)
    if body_id is None or body_id not in allowed:
        raise Refusal(
            "body_not_allowed",
            rule=f"stages.{stage.id}.bodies",
            body=c.body or "",
            allowed="、".join(allowed),
        )
    spec = ruleset.bodies[body_id]
    if spec.membership is Membership.ROSTER and body_id not in state.bodies:
        raise Refusal("body_not_constituted", body=spec.name)
    rules = meeting_rules(ruleset, stage, body_id, matter.matter_type)
    try:
        method = VoteMethod(c.method)
    except ValueError:
        raise Refusal("unknown_method", method=c.method) from None
    if method not in rules.vote_methods:
        raise Refusal(
            "method_not_allowed",
            rule=rules.sources["vote_methods"],
            method=c.method,
            allowed="、".join(m.value for m in rules.vote_methods),
        )
    days = (c.date - now.date()).days
    # A reconvened meeting may need a longer fresh notice; it never shortens the rule's own.
    required = max(rules.notice_days, matter.notice_days or 0)
    if days < required:
        raise Refusal(
            "notice_too_short",
            rule=rules.sources["notice_days"]
            if required == rules.notice_days
            else f"stages.{stage.id}.on_no_quorum.notice_days",
            body=spec.name,
            days=days,
            required=required,
        )
    problems = composition_problems(state, ruleset, body_id, c.date)
    if problems:
        raise Refusal(
            "composition_invalid",
            rule=f"bodies.{body_id}.composition",
            body=spec.name,
            problems="；".join(problems),
        )
    return [
        ev.MeetingConvened(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=c.meeting,
            stage=stage.id,
            body=body_id,
            date=c.date,
            method=method.value,
            place=c.place,
            candidates=c.candidates,
        )
    ]


def check_in(state: State, c: cmd.CheckIn, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    meeting, matter = _open_meeting(state, ruleset, c.meeting)
    _held(meeting, now)
    stage = ruleset.stage(meeting.stage)
    actor = c.on_behalf_of or c.actor
    if not (len(c.people) == 1 and c.people[0] == actor):
        authorize(state, ruleset, actor, stage.actors, f"stages.{stage.id}.actors")
    members = roster(state, ruleset, meeting.body, meeting.date)
    seen: set[str] = set()
    for person in c.people:
        if person not in state.people:
            raise Refusal("unknown_person", person=person)
        if person not in members:
            born = state.people[person].born
            if ruleset.bodies[meeting.body].membership is Membership.ELIGIBLE_ADULTS and born:
                raise Refusal(
                    "not_adult",
                    person=name(state, person),
                    born=born.isoformat(),
                    date=meeting.date.isoformat(),
                )
            raise Refusal(
                "not_member", person=name(state, person), body=ruleset.bodies[meeting.body].name
            )
        if person in meeting.attendance or person in seen:
            raise Refusal("already_checked_in", person=name(state, person))
        seen.add(person)
    return [
        ev.AttendanceRecorded(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            person=person,
        )
        for person in c.people
    ]


def declare_interest(
    state: State, c: cmd.DeclareInterest, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter = _matter(state, c.matter)
    stage = current_stage(ruleset, matter)
    if not ruleset.recusal.enabled:
        raise Refusal("recusal_disabled", rule="recusal.enabled")
    actor = c.on_behalf_of or c.actor
    if actor != c.person:
        authorize(state, ruleset, actor, stage.actors, f"stages.{stage.id}.actors")
    if c.person not in state.people:
        raise Refusal("unknown_person", person=c.person)
    if c.person in matter.recused:
        raise Refusal("already_recused", person=name(state, c.person))
    if not c.reason.strip():
        raise Refusal("reason_required")
    return [
        ev.InterestDeclared(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            person=c.person,
            reason=c.reason,
            meeting=c.meeting,
        )
    ]


def register_proxy(
    state: State, c: cmd.RegisterProxy, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter = _open_meeting(state, ruleset, c.meeting)
    stage = ruleset.stage(meeting.stage)
    authorize(state, ruleset, c.on_behalf_of or c.actor, stage.actors, f"stages.{stage.id}.actors")
    policy = _rules(state, ruleset, meeting).proxies
    rule = f"bodies.{meeting.body}.proxies"
    if not policy.allowed:
        raise Refusal("proxy_not_allowed", rule=rule, body=ruleset.bodies[meeting.body].name)
    members = roster(state, ruleset, meeting.body, meeting.date)
    for person in (c.grantor, c.holder):
        if person not in state.people:
            raise Refusal("unknown_person", person=person)
        if not members.get(person, False):
            raise Refusal(
                "not_voting_member",
                person=name(state, person),
                body=ruleset.bodies[meeting.body].name,
            )
    if c.grantor == c.holder:
        raise Refusal("proxy_self")
    if c.grantor in meeting.proxies:
        raise Refusal("proxy_exists", person=name(state, c.grantor))
    if c.holder in meeting.proxies:
        raise Refusal("proxy_chain", person=name(state, c.holder))
    if policy.absent_only and c.grantor in meeting.attendance:
        raise Refusal(
            "proxy_grantor_present", rule=f"{rule}.absent_only", person=name(state, c.grantor)
        )
    if c.grantor in meeting.ballots:
        raise Refusal("already_voted", person=name(state, c.grantor))
    grantor, holder = state.people[c.grantor], state.people[c.holder]
    if policy.holder == "close_relative":
        related = c.holder in grantor.relatives or c.grantor in holder.relatives
    elif policy.holder == "same_household":
        related = grantor.household is not None and grantor.household == holder.household
    else:
        related = True
    if not related:
        raise Refusal(
            "proxy_holder_ineligible",
            rule=f"{rule}.holder",
            holder=name(state, c.holder),
            kind=policy.holder,
        )
    held = sum(1 for h in meeting.proxies.values() if h == c.holder)
    if held >= policy.max_per_holder:
        raise Refusal(
            "proxy_cap",
            rule=f"{rule}.max_per_holder",
            holder=name(state, c.holder),
            cap=policy.max_per_holder,
        )
    return [
        ev.ProxyRegistered(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            grantor=c.grantor,
            holder=c.holder,
            document=c.document,
        )
    ]


def cast_vote(state: State, c: cmd.CastVote, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    meeting, matter = _open_meeting(state, ruleset, c.meeting)
    _held(meeting, now)
    if VoteMethod(meeting.method) not in BALLOT_METHODS:
        raise Refusal("ballots_not_used", method=meeting.method)
    if meeting.tally is not None:
        raise Refusal("tally_exists", meeting=meeting.id)
    actor = c.on_behalf_of or c.actor
    stage = ruleset.stage(meeting.stage)
    if actor != c.voter:
        authorize(state, ruleset, actor, stage.actors, f"stages.{stage.id}.actors")
    if c.choice not in CHOICES:
        raise Refusal("bad_choice", choice=c.choice)
    members = roster(state, ruleset, meeting.body, meeting.date)
    represented = c.for_person or c.voter
    for person in {c.voter, represented}:
        if person not in state.people:
            raise Refusal("unknown_person", person=person)
    if not members.get(represented, False):
        raise Refusal(
            "not_voting_member",
            person=name(state, represented),
            body=ruleset.bodies[meeting.body].name,
        )
    if c.for_person is not None and meeting.proxies.get(c.for_person) != c.voter:
        raise Refusal("no_proxy", holder=name(state, c.voter), grantor=name(state, c.for_person))
    if c.voter not in meeting.attendance:
        raise Refusal("not_present", person=name(state, c.voter))
    if represented in matter.recused:
        raise Refusal(
            "recused", person=name(state, represented), reason=matter.recused[represented]
        )
    if represented in meeting.ballots:
        raise Refusal("already_voted", person=name(state, represented))
    if c.for_person is None and c.voter in meeting.proxies:
        raise Refusal("proxy_given", person=name(state, c.voter))
    return [
        ev.BallotCast(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            voter=represented,
            choice=c.choice,
            cast_by=c.voter if c.for_person else None,
        )
    ]


def enter_hand_count(
    state: State, c: cmd.EnterHandCount, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter = _open_meeting(state, ruleset, c.meeting)
    _held(meeting, now)
    stage = ruleset.stage(meeting.stage)
    authorize(state, ruleset, c.on_behalf_of or c.actor, stage.actors, f"stages.{stage.id}.actors")
    if VoteMethod(meeting.method) not in TALLY_METHODS:
        raise Refusal("tally_not_used", method=meeting.method)
    if meeting.tally is not None:
        raise Refusal("tally_exists", meeting=meeting.id)
    if meeting.ballots:
        raise Refusal("ballots_exist", meeting=meeting.id)
    if min(c.yes, c.no, c.abstain) < 0:
        raise Refusal("negative_count")
    counts = meeting_counts(state, ruleset, meeting)
    total = c.yes + c.no + c.abstain
    if total > counts["present"]:
        raise Refusal("tally_exceeds_present", total=total, present=counts["present"])
    return [
        ev.HandCountEntered(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            yes=c.yes,
            no=c.no,
            abstain=c.abstain,
        )
    ]


def record_consensus(
    state: State, c: cmd.RecordConsensus, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter = _open_meeting(state, ruleset, c.meeting)
    _held(meeting, now)
    stage = ruleset.stage(meeting.stage)
    authorize(state, ruleset, c.on_behalf_of or c.actor, stage.actors, f"stages.{stage.id}.actors")
    if meeting.method != VoteMethod.CONSENSUS.value:
        raise Refusal("consensus_not_used", method=meeting.method)
    return [
        ev.ConsensusRecorded(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            reached=c.reached,
        )
    ]


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
    voting = {p for p, v in members.items() if v}
    attending = set(meeting.attendance)
    represented = attending | {g for g, h in meeting.proxies.items() if h in attending}
    present_members = (represented & set(members)) - removed
    # A roster body (a villager group, a courtyard) counts its own adults and
    # households; an assembly of the whole community counts the community's.
    whole = ruleset.bodies[meeting.body].membership is not Membership.ROSTER
    pool = state.people.values() if whole else (state.people[p] for p in members)
    adults = {p.id for p in pool if p.is_adult(meeting.date)} - removed
    households = (
        set(state.households)
        if whole
        else {state.people[p].household for p in members if state.people[p].household}
    )
    households_present = {
        state.people[p].household for p in present_members if state.people[p].household
    }
    if meeting.tally is not None:
        yes, no, abstain = meeting.tally
    else:
        choices = [c for v, c in meeting.ballots.items() if v not in recused]
        yes, no, abstain = (choices.count(x) for x in CHOICES)
    return {
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
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "votes_cast": yes + no + abstain,
    }


_QUORUM_COUNT = {
    Base.COMPOSITION: ("members_present", "composition"),
    Base.ENTITLED: ("present", "entitled"),
    Base.REGISTERED: ("present", "entitled"),
    Base.ELIGIBLE_ADULTS: ("adults_present", "eligible_adults"),
    Base.HOUSEHOLDS: ("households_present", "households"),
    Base.PRESENT: ("present", "present_base"),
    Base.VOTES_CAST: ("votes_cast", "present_base"),
}
_THRESHOLD_BASE = {
    Base.COMPOSITION: "composition",
    Base.ENTITLED: "entitled",
    Base.REGISTERED: "entitled",
    Base.PRESENT: "present_base",
    Base.ELIGIBLE_ADULTS: "eligible_adults",
    Base.HOUSEHOLDS: "households",
    Base.VOTES_CAST: "votes_cast",
}


def _quorum(rules: EffectiveRules, counts: dict[str, int]) -> Verdict:
    return evaluate(
        "quorum",
        "any_of",
        rules.quorum,
        {r.base: counts[_QUORUM_COUNT[r.base][0]] for r in rules.quorum},
        {r.base: counts[_QUORUM_COUNT[r.base][1]] for r in rules.quorum},
    )


def outcome(state: State, ruleset: RuleSet, meeting: Meeting) -> Outcome:
    rules = _rules(state, ruleset, meeting)
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
    if meeting.method == VoteMethod.CONSENSUS.value:
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


def _consensus(meeting: Meeting, result: Outcome) -> dict[str, object] | None:
    if meeting.consensus is None or result.outcome == "no_quorum":
        return None
    present = result.counts["present"]
    if meeting.consensus:
        zh, en = (
            f"到会 {present} 人协商一致。表决通过",
            f"consensus of the {present} present — passed",
        )
    else:
        zh = f"到会 {present} 人未能协商一致。表决未通过"
        en = f"no consensus among the {present} present — not passed"
    return {"consensus": meeting.consensus, "explanation": {"zh": zh, "en": en}}


def close(state: State, c: cmd.CloseMeeting, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    meeting, matter = _open_meeting(state, ruleset, c.meeting)
    if ruleset.stage(meeting.stage).kind is StageKind.ELECTION:
        from yishi.domain import election  # election builds on this module

        return election.close(state, c, ruleset, now)
    _held(meeting, now)
    stage = ruleset.stage(meeting.stage)
    authorize(state, ruleset, c.on_behalf_of or c.actor, stage.actors, f"stages.{stage.id}.actors")
    result = outcome(state, ruleset, meeting)
    if result.outcome != "no_quorum":
        voted = meeting.tally is not None or meeting.ballots or meeting.consensus is not None
        if not voted:
            raise Refusal("no_votes", meeting=meeting.id)
    closed = ev.MeetingClosed(
        at=now,
        actor=c.actor,
        on_behalf_of=c.on_behalf_of,
        matter=matter.id,
        meeting=meeting.id,
        outcome=result.outcome,
        quorum=result.quorum.as_dict(),
        threshold=result.threshold.as_dict() if result.threshold else _consensus(meeting, result),
        counts=result.counts,
        recused=result.recused,
    )
    if result.outcome == "passed":
        transition, zh, en = stage.on_pass, "表决通过", "passed"
    elif result.outcome == "rejected":
        transition, zh, en = stage.on_reject, "表决未通过", "rejected"
    elif result.quorum_lost_by_recusal and ruleset.recusal.on_quorum_lost is not None:
        transition = ruleset.recusal.on_quorum_lost
        zh, en = "回避后不足法定人数", "not quorate after recusal"
    else:
        transition, zh, en = stage.on_no_quorum, "不足法定人数", "not quorate"
    reason = f"{stage.name}：{zh}，{transition.describe('zh', ruleset.names('zh'))}"
    reason_en = (
        f"{stage.name_en or stage.id}: {en}; {transition.describe('en', ruleset.names('en'))}"
    )
    return [closed, *follow(ruleset, matter, transition, now, c.actor, reason, reason_en)]


def _matter(state: State, matter_id: str) -> Matter:
    matter = state.matters.get(matter_id)
    if matter is None:
        raise Refusal("unknown_matter", matter=matter_id)
    return matter
