"""Meeting stages: convene with notice, attendance, recusal, proxies, votes, verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from yishi.domain import canvass, groups, levy, secrecy
from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.attendance_gate import apply_gate
from yishi.domain.authority import authorize_stage, name
from yishi.domain.errors import Refusal, Text, named
from yishi.domain.flow import follow
from yishi.domain.kinship import check_exclusions, check_steps_down
from yishi.domain.lookup import (
    current_stage,
    get_matter,
    open_meeting,
    require_held,
    rules_for,
    run_meeting,
)
from yishi.domain.membership import composition_problems, group_of, roster, votes_in
from yishi.domain.periods import Counting
from yishi.domain.rules import (
    Membership,
    RuleSet,
    StageKind,
    meeting_rules,
    stage_bodies,
    stage_outcome,
    statute_forbids,
)
from yishi.domain.secrecy import has_voted, is_secret
from yishi.domain.state import Meeting, State
from yishi.domain.steps import KIND_NAMES, body_later, stage_name, wrong_step
from yishi.domain.tally import consensus_result, meeting_counts, motion_rule, outcome
from yishi.i18n import message


def convene(
    state: State, c: cmd.ConveneMeeting, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter = get_matter(state, c.matter)
    stage = current_stage(ruleset, matter)
    if stage.kind not in (StageKind.MEETING, StageKind.ELECTION):
        raise wrong_step(ruleset, matter, stage, StageKind.MEETING)
    skipped = c.body and c.body not in stage_bodies(ruleset, stage, matter.matter_type)
    if skipped and body_later(ruleset, stage, c.body or ""):
        # The user skipped ahead: name the step to finish, before any permission question.
        raise Refusal("step_missing", step=stage_name(stage), wanted=KIND_NAMES[StageKind.MEETING])
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
    if c.candidates:
        _kinship(state, ruleset, stage.fills, c.candidates)
    authorize_stage(state, ruleset, c, stage)
    if matter.open_meeting(state) is not None:
        raise Refusal("meeting_already_open", stage=named(stage))
    levy.require_plan(state, ruleset, matter, stage)
    canvass.require_complete(state, ruleset, matter, stage)
    if c.meeting in state.meetings:
        raise Refusal("duplicate_id", id=c.meeting)
    allowed = (
        (matter.stage_body,)
        if matter.stage_body
        else stage_bodies(ruleset, stage, matter.matter_type)
    )
    # A 村民小组's matter is decided by its own group's meeting (村组法 Art. 32).
    allowed = tuple(groups.resolve(ruleset, b, matter.group, state.groups) for b in allowed)
    wanted = groups.resolve(ruleset, c.body, matter.group, state.groups) if c.body else None
    body_id = wanted or (allowed[0] if len(allowed) == 1 else None)
    if body_id is None or body_id not in allowed:
        known = ruleset.bodies.get(c.body or "")
        names = Text(
            "、".join(ruleset.bodies[b].name for b in allowed),
            ", ".join(ruleset.bodies[b].name_en or ruleset.bodies[b].name for b in allowed),
        )
        shown = named(known) if known else (c.body or "—")
        mt = ruleset.matter_types.get(matter.matter_type or "")
        override = mt.overrides.get(stage.id) if mt is not None else None
        if mt is not None and override is not None and override.bodies is not None and known:
            # The matter type, not the stage, narrows the bodies (宅基地使用方案 → 村民会议 only).
            raise Refusal(
                "body_reserved_for_matter",
                rule=f"matter_types.{mt.id}.overrides.{stage.id}.bodies",
                matter_type=named(mt),
                body=shown,
                allowed=names,
                why=mt.note or "—",
            )
        raise Refusal(
            "body_not_allowed", rule=f"stages.{stage.id}.bodies", body=shown, allowed=names
        )
    spec = ruleset.bodies[body_id]
    if statute_forbids(ruleset, body_id, matter.matter_type):
        mt = ruleset.matter_types[matter.matter_type or ""]
        raise Refusal(
            "statute_reserves_matter",
            rule=f"matter_types.{mt.id}.statute",
            body=Text(spec.name, spec.name_en or spec.name),
            matter_type=Text(mt.name, mt.name_en or mt.name),
        )
    if spec.membership is Membership.ROSTER and body_id not in state.bodies:
        raise Refusal("body_not_constituted", body=Text(spec.name, spec.name_en or spec.name))
    rules = meeting_rules(ruleset, stage, body_id, matter.matter_type)
    if c.method not in {m.name for m in rules.vote_methods}:
        spec_method = ruleset.vote_method(c.method)
        if spec_method is None:
            raise Refusal("unknown_method", method=c.method)
        raise Refusal(
            "method_not_allowed",
            rule=rules.sources["vote_methods"],
            method=Text(spec_method.label_zh, spec_method.label_en),
            allowed=Text(
                "、".join(m.label_zh for m in rules.vote_methods),
                ", ".join(m.label_en for m in rules.vote_methods),
            ),
        )
    method = ruleset.vote_method(c.method)
    if method is not None and stage.kind is StageKind.MEETING and not method.for_motions:
        raise Refusal("method_for_elections", method=Text(method.label_zh, method.label_en))
    days = (c.date - now.date()).days
    # A reconvened meeting may need a longer fresh notice; it never shortens the rule's own.
    required = max(rules.notice_days, matter.notice_days or 0)
    urgent = c.urgent_reason.strip()
    if urgent and not spec.urgent_notice:
        raise Refusal(
            "urgent_notice_not_allowed",
            rule=f"bodies.{body_id}.urgent_notice",
            body=Text(spec.name, spec.name_en or spec.name),
        )
    # The notice period is counted as every period is (民法典 Art. 201; working
    # days where the rule set says so), but not moved past rest days (Art. 203):
    # it only says how early the notice goes out, and nobody must act within it.
    notice = ruleset.period(now.date(), required, extend=False)
    enough = c.date >= notice.last_day
    if urgent and enough:
        # Recorded only when it is used: a full notice needs no special circumstance.
        urgent = ""
    if urgent and days < 0:
        raise Refusal("meeting_in_past", date=c.date.isoformat())
    if not enough and not urgent:
        rule = (
            rules.sources["notice_days"]
            if required == rules.notice_days
            else f"stages.{stage.id}.on_no_quorum.notice_days"
        )
        if notice.counting is Counting.WORKING_DAYS:
            raise Refusal(
                "notice_working_days",
                rule=rule,
                body=named(spec),
                required=required,
                first_day=notice.first_day.isoformat(),
                last_day=notice.last_day.isoformat(),
            )
        raise Refusal("notice_too_short", rule=rule, body=named(spec), days=days, required=required)
    if spec.membership is not Membership.ROSTER:
        # An assembly of all adults cannot know who should attend without ages.
        unknown = [p.id for p in state.people.values() if p.born is None and p.adult is None]
        if unknown:
            shown = "、".join(unknown[:5]) + ("……" if len(unknown) > 5 else "")
            raise Refusal("ages_unknown", body=named(spec), count=len(unknown), people=shown)
    problems = composition_problems(state, ruleset, body_id, c.date)
    if problems:
        raise Refusal(
            "composition_invalid",
            rule=f"bodies.{body_id}.composition",
            body=named(spec),
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
            method=c.method,
            place=c.place,
            candidates=c.candidates,
            urgent_reason=urgent,
            periods={"notice": notice.to_json()},
        )
    ]


def check_in(state: State, c: cmd.CheckIn, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    meeting, matter = open_meeting(state, ruleset, c.meeting)
    require_held(meeting, now)
    stage = ruleset.stage(meeting.stage)
    actor = c.on_behalf_of or c.actor
    if not (len(c.people) == 1 and c.people[0] == actor):
        authorize_stage(state, ruleset, c, stage)
    members = roster(state, ruleset, meeting.body, meeting.date)
    seen: set[str] = set()
    for person in c.people:
        if person not in state.people:
            raise Refusal("unknown_person", person=person)
        if person not in members and _observes(state, ruleset, meeting.body, person):
            pass  # 列席: recorded as present, never counted (tally counts members only)
        elif person not in members:
            spec = ruleset.bodies[meeting.body]
            if spec.group is not None and group_of(state, person) != spec.group:
                raise Refusal("not_in_group", person=name(state, person), body=named(spec))
            born = state.people[person].born
            if ruleset.bodies[meeting.body].membership is Membership.ELIGIBLE_ADULTS and born:
                raise Refusal(
                    "not_adult",
                    person=name(state, person),
                    born=born.isoformat(),
                    date=meeting.date.isoformat(),
                )
            raise Refusal(
                "not_member", person=name(state, person), body=named(ruleset.bodies[meeting.body])
            )
        if person in meeting.excused:
            raise Refusal("excused_present", person=name(state, person))
        if person in meeting.present or person in seen:
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


def _kinship(
    state: State, ruleset: RuleSet, fills: tuple[str, str] | None, candidates: tuple[str, ...]
) -> None:
    """Candidates the law (or the rule set) bars by kinship, and committee members who
    must step down because they or a close relative stand."""
    relatives = {p.id: p.relatives for p in state.people.values()}
    names = {p.id: p.name for p in state.people.values()}
    rosters = {b: list(body.members) for b, body in state.bodies.items()}
    if fills is not None:
        check_exclusions(ruleset, fills[0], candidates, rosters, relatives, names)
    for body_id, spec in ruleset.bodies.items():
        if spec.steps_down_if_relative_nominated:
            check_steps_down(ruleset, body_id, candidates, rosters, relatives, names)


def _observes(state: State, ruleset: RuleSet, body_id: str, person: str) -> bool:
    """Whether ``person`` sits on a body the rule set lets attend this one (列席)."""
    return any(
        other in state.bodies and person in state.bodies[other].members
        for other in ruleset.bodies[body_id].observers
    )


def declare_interest(
    state: State, c: cmd.DeclareInterest, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter = get_matter(state, c.matter)
    stage = current_stage(ruleset, matter)
    if not ruleset.recusal.enabled:
        raise Refusal("recusal_disabled", rule="recusal.enabled")
    actor = c.on_behalf_of or c.actor
    if actor != c.person:
        authorize_stage(state, ruleset, c, stage)
    if c.person not in state.people:
        raise Refusal("unknown_person", person=c.person)
    if c.person in matter.recused:
        raise Refusal("already_recused", person=name(state, c.person))
    if not c.reason.strip():
        raise Refusal("reason_required")
    open_ = matter.open_meeting(state)
    if open_ is not None and c.person in open_.received and not open_.box_opened:
        # A sealed ballot cannot be taken back out of the box: no one knows which it is.
        raise Refusal("recusal_after_secret_ballot", person=name(state, c.person))
    reason = c.reason
    if c.relative is not None:
        if not ruleset.recusal.relatives:
            raise Refusal("recusal_relatives_disabled", rule="recusal.relatives")
        if c.relative not in state.people:
            raise Refusal("unknown_person", person=c.relative)
        who, relative = state.people[c.person], state.people[c.relative]
        if c.relative not in who.relatives and c.person not in relative.relatives:
            raise Refusal(
                "not_close_relative", person=name(state, c.person), other=name(state, c.relative)
            )
        reason = message("relative_interest", "zh", person=who.name, relative=relative.name)
        reason += f"：{c.reason}"
    return [
        ev.InterestDeclared(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            person=c.person,
            reason=reason,
            meeting=c.meeting,
        )
    ]


def excuse_member(
    state: State, c: cmd.ExcuseMember, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter = open_meeting(state, ruleset, c.meeting)
    stage = ruleset.stage(meeting.stage)
    authorize_stage(state, ruleset, c, stage)
    if not rules_for(state, ruleset, meeting).excusal:
        raise Refusal(
            "excusal_not_allowed",
            rule=f"bodies.{meeting.body}.excusal",
            body=named(ruleset.bodies[meeting.body]),
        )
    members = roster(state, ruleset, meeting.body, meeting.date)
    if c.person not in state.people:
        raise Refusal("unknown_person", person=c.person)
    if not members.get(c.person, False):
        raise Refusal(
            "not_voting_member",
            person=name(state, c.person),
            body=named(ruleset.bodies[meeting.body]),
        )
    if c.person in meeting.excused:
        raise Refusal("already_excused", person=name(state, c.person))
    if c.person in meeting.attendance:
        raise Refusal("excused_present", person=name(state, c.person))
    if not c.reason.strip() or not c.approval.strip():
        raise Refusal("approval_required")
    return [
        ev.MemberExcused(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            person=c.person,
            reason=c.reason,
            approval=c.approval,
        )
    ]


def register_proxy(
    state: State, c: cmd.RegisterProxy, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter = open_meeting(state, ruleset, c.meeting)
    stage = ruleset.stage(meeting.stage)
    authorize_stage(state, ruleset, c, stage)
    policy = rules_for(state, ruleset, meeting).proxies
    rule = f"bodies.{meeting.body}.proxies"
    if not policy.allowed:
        raise Refusal("proxy_not_allowed", rule=rule, body=named(ruleset.bodies[meeting.body]))
    members = roster(state, ruleset, meeting.body, meeting.date)
    for person in (c.grantor, c.holder):
        if person not in state.people:
            raise Refusal("unknown_person", person=person)
        if not members.get(person, False):
            raise Refusal(
                "not_voting_member",
                person=name(state, person),
                body=named(ruleset.bodies[meeting.body]),
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
    if has_voted(meeting, c.grantor):
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
    meeting, matter = open_meeting(state, ruleset, c.meeting)
    require_held(meeting, now)
    if not ruleset.records(meeting.method, "ballots"):
        raise Refusal("ballots_not_used", method=meeting.method)
    if meeting.tally is not None:
        raise Refusal("tally_exists", meeting=meeting.id)
    actor = c.on_behalf_of or c.actor
    stage = ruleset.stage(meeting.stage)
    if actor != c.voter:
        authorize_stage(state, ruleset, c, stage)
    voting = partial(votes_in, state, ruleset, meeting.body, meeting.date)
    represented = check_ballot(state, ruleset, meeting, c.voter, c.choice, c.for_person, voting)
    if is_secret(ruleset, meeting):
        cast_by = c.voter if c.for_person else None
        return secrecy.cast(
            meeting, matter.id, represented, c.choice, now, c.actor, c.on_behalf_of, cast_by
        )
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


def check_ballot(
    state: State,
    ruleset: RuleSet,
    meeting: Meeting,
    voter: str,
    choice: str,
    for_person: str | None,
    voting: Callable[[str], bool],
) -> str:
    """The checks every ballot passes, cast alone or entered in a batch of paper
    ballots; returns whose vote it is (the grantor, when cast by proxy).

    ``voting`` says whether a person may vote in the meeting's body; it answers
    one person at a time so that a ballot costs the same in a body of 10,000."""
    rule = motion_rule(ruleset, meeting)
    if rule.invalid(choice) is not None:
        raise Refusal("bad_choice", choice=choice, choices="、".join(rule.choices))
    represented = for_person or voter
    for person in {voter, represented}:
        if person not in state.people:
            raise Refusal("unknown_person", person=person)
    if not voting(represented):
        raise Refusal(
            "not_voting_member",
            person=name(state, represented),
            body=named(ruleset.bodies[meeting.body]),
        )
    if for_person is not None and meeting.proxies.get(for_person) != voter:
        raise Refusal("no_proxy", holder=name(state, voter), grantor=name(state, for_person))
    if voter not in meeting.present:
        raise Refusal("not_present", person=name(state, voter))
    recused = state.matters[meeting.matter].recused
    if represented in recused:
        raise Refusal("recused", person=name(state, represented), reason=recused[represented])
    if has_voted(meeting, represented):
        raise Refusal("already_voted", person=name(state, represented))
    if for_person is None and voter in meeting.proxies:
        raise Refusal("proxy_given", person=name(state, voter))
    return represented


def enter_hand_count(
    state: State, c: cmd.EnterHandCount, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    meeting, matter, _stage = run_meeting(state, ruleset, c, c.meeting, now)
    if not ruleset.records(meeting.method, "tally"):
        raise Refusal("tally_not_used", method=meeting.method)
    if meeting.tally is not None:
        raise Refusal("tally_exists", meeting=meeting.id)
    if meeting.ballots or meeting.received:
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
    meeting, matter, _stage = run_meeting(state, ruleset, c, c.meeting, now)
    if not ruleset.records(meeting.method, "consensus"):
        raise Refusal("consensus_not_used", method=meeting.method)
    for person, _text in c.objections:
        if person not in state.people:
            raise Refusal("unknown_person", person=person)
    return [
        ev.ConsensusRecorded(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            meeting=meeting.id,
            reached=c.reached,
            objections=tuple(c.objections),
        )
    ]


def close(state: State, c: cmd.CloseMeeting, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    meeting, matter = open_meeting(state, ruleset, c.meeting)
    if ruleset.stage(meeting.stage).kind is StageKind.ELECTION:
        from yishi.domain import election  # election builds on this module

        return election.close(state, c, ruleset, now)
    require_held(meeting, now)
    stage = ruleset.stage(meeting.stage)
    authorize_stage(state, ruleset, c, stage)
    result = outcome(state, ruleset, meeting)
    result, quorum, gated = apply_gate(state, ruleset, meeting, result)
    if result.outcome != "no_quorum":
        voted = (
            meeting.tally is not None
            or meeting.ballots
            or meeting.received
            or meeting.consensus is not None
        )
        if not voted:
            raise Refusal("no_votes", meeting=meeting.id)
    closed = ev.MeetingClosed(
        at=now,
        actor=c.actor,
        on_behalf_of=c.on_behalf_of,
        matter=matter.id,
        meeting=meeting.id,
        outcome=result.outcome,
        quorum=quorum,
        threshold=result.threshold.as_dict()
        if result.threshold
        else consensus_result(state, meeting, result),
        counts=result.counts,
        recused=result.recused,
    )
    if result.outcome == "passed":
        transition, zh, en = (
            stage_outcome(ruleset, stage, matter.matter_type, "on_pass"),
            "表决通过",
            "passed",
        )
    elif result.outcome == "rejected":
        transition = stage_outcome(ruleset, stage, matter.matter_type, "on_reject")
        zh, en = "表决未通过", "rejected"
    elif gated:
        transition = stage.on_no_quorum
        zh, en = "到会妇女未达到规定比例", "too few women present"
    elif result.quorum_lost_by_recusal and ruleset.recusal.on_quorum_lost is not None:
        transition = ruleset.recusal.on_quorum_lost
        zh, en = "回避后不足法定人数", "not quorate after recusal"
    else:
        transition, zh, en = stage.on_no_quorum, "不足法定人数", "not quorate"
    reason = f"{stage.name}：{zh}，{transition.describe('zh', ruleset.names('zh'))}"
    reason_en = (
        f"{stage.name_en or stage.name}: {en}; {transition.describe('en', ruleset.names('en'))}"
    )
    opened = secrecy.open_box(meeting, now, c.actor)
    return [*opened, closed, *follow(ruleset, matter, transition, now, c.actor, reason, reason_en)]
