"""Who is at a meeting, and for whom: check-in (members, and observers who sit in
without a vote), members excused with approval, and proxies registered as the
body's rules allow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.authority import authorize_stage, name
from yishi.domain.bodies import Membership
from yishi.domain.errors import Refusal, named
from yishi.domain.lookup import open_meeting, require_held, rules_for
from yishi.domain.membership import group_of, roster
from yishi.domain.rules import RuleSet
from yishi.domain.secrecy import has_voted
from yishi.domain.state import Meeting, State


def check_in(state: State, c: cmd.CheckIn, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    meeting, matter = open_meeting(state, ruleset, c.meeting)
    require_held(state, ruleset, meeting, now)
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


def _observes(state: State, ruleset: RuleSet, body_id: str, person: str) -> bool:
    """Whether ``person`` sits on a body the rule set lets attend this one (列席)."""
    return any(
        other in state.bodies and person in state.bodies[other].members
        for other in ruleset.bodies[body_id].observers
    )


def _require_voting(
    state: State, ruleset: RuleSet, meeting: Meeting, members: Mapping[str, bool], person: str
) -> None:
    """Only a member with a vote is excused, gives a proxy or holds one; ``members``
    is the meeting's roster (person → votes), computed once by the caller."""
    if person not in state.people:
        raise Refusal("unknown_person", person=person)
    if not members.get(person, False):
        raise Refusal(
            "not_voting_member",
            person=name(state, person),
            body=named(ruleset.bodies[meeting.body]),
        )


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
    _require_voting(state, ruleset, meeting, members, c.person)
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
        _require_voting(state, ruleset, meeting, members, person)
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
