"""Who may act: resolving "residents", "body" and "body.role" references."""

from __future__ import annotations

from collections.abc import Sequence

from yishi.domain.errors import Refusal
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


def authorize(state: State, person: str, refs: Sequence[str], rule: str) -> None:
    if person not in state.people:
        raise Refusal("unknown_person", person=person)
    if not refs or any(holds(state, person, ref) for ref in refs):
        return
    raise Refusal("not_authorized", rule=rule, person=name(state, person), who="、".join(refs))


def name(state: State, person: str) -> str:
    found = state.people.get(person)
    return f"{found.name}（{person}）" if found else person
