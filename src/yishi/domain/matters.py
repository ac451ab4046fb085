"""Raising matters: direct proposals, and suggestions merged into one topic (智慧云)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain import petition
from yishi.domain.authority import authorize, authorize_stage, describe, holds
from yishi.domain.errors import Refusal, Text, named
from yishi.domain.flow import follow
from yishi.domain.naming import suggestion_name
from yishi.domain.rules import RuleSet, StageKind, StageSpec
from yishi.domain.state import Matter, State


def _check_type(ruleset: RuleSet, matter_type: str | None) -> None:
    if matter_type is None:
        return
    found = ruleset.matter_types.get(matter_type)
    if found is None:
        raise Refusal("unknown_matter_type", matter_type=matter_type, rule="matter_types")
    if found.procedure != ruleset.id:
        raise Refusal(
            "wrong_procedure",
            rule=f"matter_types.{matter_type}.procedure",
            matter_type=named(found),
            procedure=found.procedure,
        )


def _merge_target(state: State, ruleset: RuleSet, first: StageSpec) -> StageSpec:
    for stage in ruleset.stages:
        if stage.merge is not None and stage.merge.absorbs == first.id:
            holders = None
            for body_id, role in stage.merge.same_person:
                body = state.bodies.get(body_id)
                found = set(body.holders(role)) if body else set()
                holders = found if holders is None else holders & found
            if holders:
                return stage
            pairs = "、".join(f"{b}.{r}" for b, r in stage.merge.same_person)
            raise Refusal("merge_not_allowed", rule=f"stages.{stage.id}.merge", roles=pairs)
    raise Refusal("merge_not_defined", stage=named(first))


def _proposed(
    c: cmd.ProposeMatter | cmd.MergeSuggestions, ruleset: RuleSet, now: dt.datetime, **extra: Any
) -> ev.MatterProposed:
    """A matter raised directly or formed from suggestions: the same fact either way."""
    return ev.MatterProposed(
        at=now,
        actor=c.actor,
        on_behalf_of=c.on_behalf_of,
        matter=c.matter,
        title=c.title,
        matter_type=c.matter_type,
        procedure=ruleset.id,
        ruleset_digest=ruleset.digest,
        description=c.description,
        **extra,
    )


def propose(
    state: State, c: cmd.ProposeMatter, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    person = c.on_behalf_of or c.actor
    extra: dict[str, Any] = {}
    if c.cosigners or not _proposer(state, ruleset, person):
        extra = _by_petition(state, ruleset, person, c.cosigners, now)
    if c.matter in state.matters:
        raise Refusal("duplicate_id", id=c.matter)
    if not c.title.strip():
        raise Refusal("title_required")
    _check_type(ruleset, c.matter_type)
    if c.group is not None:
        if c.group not in state.groups:
            raise Refusal("unknown_group", group=c.group)
        extra["group"] = c.group
    first = ruleset.first_stage()
    if first.kind is StageKind.INTAKE:
        raise Refusal("intake_only", stage=named(first))
    merged: tuple[str, ...] = ()
    target = first
    if c.merge_steps:
        target = _merge_target(state, ruleset, first)
        merged = (first.id,)
    proposed = _proposed(c, ruleset, now, merged=merged, **extra)
    reason = (
        "提出议题" if not merged else f"书记、主任一肩挑，“{first.name}”与“{target.name}”合并进行"
    )
    reason_en = (
        "matter proposed"
        if not merged
        else f"one person holds both offices: '{first.id}' merged into '{target.id}'"
    )
    entered = ev.StageEntered(
        at=now, actor=c.actor, matter=c.matter, stage=target.id, reason=reason, reason_en=reason_en
    )
    return [proposed, entered]


def suggest(state: State, c: cmd.Suggest, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    first = ruleset.first_stage()
    if first.kind is not StageKind.INTAKE:
        raise Refusal("no_intake", procedure=ruleset.title)
    actor = c.on_behalf_of or c.actor
    if c.person not in state.people:
        raise Refusal("unknown_person", person=c.person)
    if actor != c.person:
        authorize_stage(state, ruleset, c, first)
    if c.suggestion in state.suggestions:
        raise Refusal("duplicate_id", id=c.suggestion)
    if not c.title.strip():
        raise Refusal("title_required")
    return [
        ev.SuggestionSubmitted(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            suggestion=c.suggestion,
            person=c.person,
            title=c.title,
            procedure=ruleset.id,
            text=c.text,
        )
    ]


def merge(
    state: State, c: cmd.MergeSuggestions, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    first = ruleset.first_stage()
    if first.kind is not StageKind.INTAKE:
        raise Refusal("no_intake", procedure=ruleset.title)
    authorize_stage(state, ruleset, c, first)
    if c.matter in state.matters:
        raise Refusal("duplicate_id", id=c.matter)
    if not c.title.strip():
        raise Refusal("title_required")
    _check_type(ruleset, c.matter_type)
    if len(set(c.suggestions)) < max(first.min_suggestions, 1):
        raise Refusal(
            "too_few_suggestions",
            rule=f"stages.{first.id}.min_suggestions",
            count=len(set(c.suggestions)),
            required=first.min_suggestions,
        )
    for suggestion_id in c.suggestions:
        suggestion = state.suggestions.get(suggestion_id)
        if suggestion is None:
            raise Refusal("unknown_suggestion", suggestion=suggestion_id)
        if suggestion.status != "open" or suggestion.procedure != ruleset.id:
            raise Refusal("suggestion_not_open", suggestion=suggestion_name(state, suggestion))
    proposed = _proposed(c, ruleset, now, suggestions=tuple(dict.fromkeys(c.suggestions)))
    # The matter is born at the intake stage and leaves it at once.
    matter = Matter(
        c.matter,
        c.title,
        c.matter_type,
        ruleset.id,
        ruleset.digest,
        c.actor,
        now.date(),
        stage=first.id,
    )
    reason = f"{first.name}：{len(proposed.suggestions)} 条建议合并为议题"
    reason_en = f"{first.name_en or first.name}: {len(proposed.suggestions)} suggestions merged into one topic"
    return [proposed, *follow(ruleset, matter, first.on_pass, now, c.actor, reason, reason_en)]


def decline(
    state: State, c: cmd.DeclineSuggestion, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    first = ruleset.first_stage()
    if first.kind is not StageKind.INTAKE:
        raise Refusal("no_intake", procedure=ruleset.title)
    authorize_stage(state, ruleset, c, first)
    suggestion = state.suggestions.get(c.suggestion)
    if suggestion is None:
        raise Refusal("unknown_suggestion", suggestion=c.suggestion)
    if suggestion.status != "open" or suggestion.procedure != ruleset.id:
        raise Refusal("suggestion_not_open", suggestion=suggestion_name(state, suggestion))
    if not c.reason.strip():
        raise Refusal("reason_required")
    return [
        ev.SuggestionDeclined(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            suggestion=c.suggestion,
            reason=c.reason,
        )
    ]


def _proposer(state: State, ruleset: RuleSet, person: str) -> bool:
    if person not in state.people:
        raise Refusal("unknown_person", person=person)
    return not ruleset.proposers or any(holds(state, person, r) for r in ruleset.proposers)


def _by_petition(
    state: State,
    ruleset: RuleSet,
    person: str,
    cosigners: tuple[str, ...],
    now: dt.datetime,
) -> dict[str, Any]:
    """A proposal from outside the proposer bodies, let in by enough co-signers."""
    if not ruleset.petitions:
        if cosigners:
            raise Refusal("petition_not_allowed", rule="petitions")
        authorize(state, ruleset, person, ruleset.proposers, "proposers")
    people = petition.signers(state, person, cosigners)
    verdict = petition.evaluate(state, ruleset, people, now.date())
    if not verdict.met:
        raise Refusal(
            "petition_short",
            rule="petitions",
            who=describe(ruleset, ruleset.proposers),
            explanation=Text(verdict.explain("zh"), verdict.explain("en")),
        )
    return {"cosigners": people[1:], "petition": verdict.as_dict()}
