"""Execution (办) and evaluation (评) stages."""

from __future__ import annotations

import datetime as dt

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.approval import require_approval
from yishi.domain.authority import authorize, authorize_stage, describe, holds, name
from yishi.domain.counting import Base, evaluate
from yishi.domain.errors import Refusal
from yishi.domain.flow import follow
from yishi.domain.lookup import current_stage, get_matter
from yishi.domain.rules import RuleSet, StageKind, StageSpec
from yishi.domain.state import Matter, State
from yishi.domain.steps import wrong_step


def _in_stage(
    state: State, ruleset: RuleSet, matter_id: str, kind: StageKind
) -> tuple[Matter, StageSpec]:
    matter = get_matter(state, matter_id)
    stage = current_stage(state, ruleset, matter)
    if stage.kind is not kind:
        raise wrong_step(ruleset, matter, stage, kind)
    return matter, stage


def record_progress(
    state: State, c: cmd.RecordProgress, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter, stage = _in_stage(state, ruleset, c.matter, StageKind.EXECUTION)
    require_approval(state, ruleset, matter, stage)
    authorize_stage(state, ruleset, c, stage)
    if c.percent is not None and not 0 <= c.percent <= 100:
        raise Refusal("bad_percent", percent=c.percent)
    return [
        ev.ProgressRecorded(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            text=c.text,
            percent=c.percent,
        )
    ]


def sign_off(state: State, c: cmd.SignOff, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    matter, stage = _in_stage(state, ruleset, c.matter, StageKind.EXECUTION)
    require_approval(state, ruleset, matter, stage)
    person = c.on_behalf_of or c.actor
    if not stage.supervisor:
        raise Refusal("no_supervisor", rule=f"stages.{stage.id}.supervisor")
    authorize(state, ruleset, person, stage.supervisor, f"stages.{stage.id}.supervisor")
    if person in matter.signed_off_by:
        raise Refusal("already_signed", person=name(state, person))
    return [
        ev.ExecutionSignedOff(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            supervisor=person,
            text=c.text,
        )
    ]


def complete(
    state: State, c: cmd.CompleteExecution, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter, stage = _in_stage(state, ruleset, c.matter, StageKind.EXECUTION)
    require_approval(state, ruleset, matter, stage)
    authorize_stage(state, ruleset, c, stage)
    if stage.supervisor and not matter.signed_off_by:
        raise Refusal(
            "needs_sign_off",
            rule=f"stages.{stage.id}.supervisor",
            who=describe(ruleset, stage.supervisor),
        )
    if stage.accounts and matter.accounts.budget is None:
        raise Refusal("needs_budget", rule=f"stages.{stage.id}.accounts")
    done = ev.ExecutionCompleted(
        at=now, actor=c.actor, on_behalf_of=c.on_behalf_of, matter=matter.id, text=c.text
    )
    reason = f"{stage.name}：实施完成"
    return [
        done,
        *follow(
            ruleset,
            matter,
            stage.on_pass,
            now,
            c.actor,
            reason,
            f"{stage.name_en or stage.name}: carried out",
        ),
    ]


def rate(state: State, c: cmd.Rate, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    matter, stage = _in_stage(state, ruleset, c.matter, StageKind.EVALUATION)
    actor = c.on_behalf_of or c.actor
    if actor != c.person:
        authorize_stage(state, ruleset, c, stage)
    if c.person not in state.people:
        raise Refusal("unknown_person", person=c.person)
    if not any(holds(state, c.person, ref) for ref in stage.raters):
        raise Refusal(
            "not_authorized",
            rule=f"stages.{stage.id}.raters",
            person=name(state, c.person),
            who=describe(ruleset, stage.raters),
        )
    if c.rating not in stage.scale:
        raise Refusal("bad_rating", rating=c.rating, scale="、".join(stage.scale))
    if c.person in matter.ratings:
        raise Refusal("already_rated", person=name(state, c.person))
    return [
        ev.RatingSubmitted(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            person=c.person,
            rating=c.rating,
        )
    ]


def close_evaluation(
    state: State, c: cmd.CloseEvaluation, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter, stage = _in_stage(state, ruleset, c.matter, StageKind.EVALUATION)
    authorize_stage(state, ruleset, c, stage)
    if not matter.ratings:
        raise Refusal("no_ratings")
    satisfied = sum(1 for r in matter.ratings.values() if r in stage.satisfied)
    cast = len(matter.ratings)
    requirements = stage.threshold or ()
    verdict = evaluate(
        "satisfaction",
        "all_of",
        requirements,
        {r.base: satisfied for r in requirements},
        {Base.VOTES_CAST: cast, Base.PRESENT: cast},
    )
    counts = {"ratings": cast, "satisfied": satisfied}
    passed = verdict.met
    closed = ev.EvaluationClosed(
        at=now,
        actor=c.actor,
        on_behalf_of=c.on_behalf_of,
        matter=matter.id,
        outcome="passed" if passed else "rejected",
        threshold=verdict.as_dict(),
        counts=counts,
    )
    transition = stage.on_pass if passed else stage.on_reject
    zh = f"{stage.name}：满意 {satisfied} 票，共 {cast} 票，{'达到' if passed else '未达到'}要求，{transition.describe('zh', ruleset.names('zh'))}"
    en = f"{stage.name_en or stage.name}: {satisfied} satisfied of {cast}; {'met' if passed else 'not met'}; {transition.describe('en', ruleset.names('en'))}"
    return [closed, *follow(ruleset, matter, transition, now, c.actor, zh, en)]
