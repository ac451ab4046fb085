"""Who may act: resolving "residents", "body" and "body.role" references."""

from __future__ import annotations

from collections.abc import Sequence

from yishi.domain.commands import Command
from yishi.domain.errors import Refusal, Text
from yishi.domain.rules import RuleSet, StageSpec
from yishi.domain.state import State

RESIDENTS = "residents"


def holds(state: State, person: str, ref: str) -> bool:
    if ref == RESIDENTS:
        return person in state.people
    body_id, _, role = ref.partition(".")
    body = state.bodies.get(body_id)
    if body is None or person not in body.members:
        return False
    return not role or role in body.members[person].roles


def acting_person(command_actor: str, on_behalf_of: str | None) -> str:
    return on_behalf_of or command_actor


def authorize(state: State, ruleset: RuleSet, person: str, refs: Sequence[str], rule: str) -> None:
    if person not in state.people:
        raise Refusal("unknown_person", person=person)
    if not refs or any(holds(state, person, ref) for ref in refs):
        return
    raise Refusal(
        "not_authorized", rule=rule, person=name(state, person), who=describe(ruleset, refs)
    )


def describe(ruleset: RuleSet, refs: Sequence[str]) -> Text:
    """ "village_committee.director" → "村民委员会（主任）" / "Villagers' committee (director)",
    for messages: names, never the rule set's identifiers."""
    zh, en = [], []
    for ref in refs:
        if ref == RESIDENTS:
            zh.append("本村（社区）居民")
            en.append("residents")
            continue
        body_id, _, role = ref.partition(".")
        body = ruleset.bodies.get(body_id)
        label = body.name if body else body_id
        label_en = (body.name_en or body.name) if body else body_id
        if role:
            label += f"（{body.role_names.get(role, role) if body else role}）"
            label_en += f" ({role.replace('_', ' ')})"
        zh.append(label)
        en.append(label_en)
    return Text("、".join(zh), ", ".join(en))


def name(state: State, person: str) -> str:
    found = state.people.get(person)
    return f"{found.name}（{person}）" if found else person


def authorize_stage(state: State, ruleset: RuleSet, command: Command, stage: StageSpec) -> None:
    """The command's acting person must be one of the stage's ``actors``."""
    person = command.on_behalf_of or command.actor
    authorize(state, ruleset, person, stage.actors, f"stages.{stage.id}.actors")
