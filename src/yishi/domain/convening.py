"""Convening a meeting: the step, the body, the vote method and the notice.

Every check a meeting's convening passes before anyone is asked to attend:
that the matter is at a meeting (or election) step, that the body may decide
it (the stage, the matter type and the statute each may narrow the bodies),
that the body is constituted and composed as its rules require, that the vote
method is allowed, that the notice is long enough (or the urgency allowed),
and that no candidate is barred by kinship.
"""

from __future__ import annotations

import datetime as dt

from yishi.domain import canvass, groups, levy
from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.authority import authorize_stage, name
from yishi.domain.bodies import Membership
from yishi.domain.errors import Refusal, Text, named
from yishi.domain.kinship import check_exclusions, check_steps_down
from yishi.domain.lookup import current_stage, get_matter
from yishi.domain.membership import composition_problems
from yishi.domain.naming import meeting_name
from yishi.domain.periods import Counting
from yishi.domain.person_names import people_names
from yishi.domain.rules import (
    RuleSet,
    StageKind,
    StageSpec,
    meeting_rules,
    stage_bodies,
    statute_forbids,
)
from yishi.domain.state import Matter, Meeting, State
from yishi.domain.steps import KIND_NAMES, body_later, stage_name, wrong_step


def convene(
    state: State, c: cmd.ConveneMeeting, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter = get_matter(state, c.matter)
    stage = current_stage(state, ruleset, matter)
    if stage.kind not in (StageKind.MEETING, StageKind.ELECTION):
        raise wrong_step(ruleset, matter, stage, StageKind.MEETING)
    skipped = c.body and c.body not in stage_bodies(ruleset, stage, matter.matter_type)
    if skipped and body_later(ruleset, stage, c.body or ""):
        # The user skipped ahead: name the step to finish, before any permission question.
        raise Refusal("step_missing", step=stage_name(stage), wanted=KIND_NAMES[StageKind.MEETING])
    if stage.kind is StageKind.ELECTION and not c.candidates:
        raise Refusal("candidates_required", meeting=c.meeting)  # the API's field: meeting
    if c.candidates and stage.kind is not StageKind.ELECTION:
        raise Refusal("not_an_election", meeting=_planned(state, ruleset, matter, stage, c, now))
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
            shown = _first_five(state, unknown)
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


def _first_five(state: State, people: list[str]) -> Text:
    """The first five of ``people`` by name, each told apart from the whole register
    (the one whose age to fill in, not another of that name), then …… for the rest."""
    labels = people_names(state, state.people)
    first = [labels[p] for p in people[:5]]
    more = len(people) > 5
    return Text(
        "、".join(n.zh for n in first) + ("……" if more else ""),
        ", ".join(n.en for n in first) + ("…" if more else ""),
    )


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


def _planned(
    state: State,
    ruleset: RuleSet,
    matter: Matter,
    stage: StageSpec,
    c: cmd.ConveneMeeting,
    now: dt.datetime,
) -> Text:
    """The meeting ``c`` would convene, named as if it had been: it has no record yet,
    and the id its command gives is nobody's name for it."""
    bodies = stage_bodies(ruleset, stage, matter.matter_type)
    body = c.body or (bodies[0] if len(bodies) == 1 else "")
    planned = Meeting(
        c.meeting,
        matter.id,
        stage.id,
        body,
        c.date,
        now.date(),
        c.method,
        procedure=matter.procedure,
    )
    return meeting_name(state, ruleset, planned)
