"""Proposals by petition: people outside the proposer bodies raise a matter by
co-signing, when enough of the right people sign (一事一议: 十分之一以上村民, or
五分之一以上村民代表). Each way is counted on its own base, exactly, and the
verdict with its numbers is kept with the proposal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from yishi.domain.authority import name
from yishi.domain.counting import Base, Verdict, check
from yishi.domain.errors import Refusal
from yishi.domain.rules import Petition, RuleSet
from yishi.domain.state import State

REPRESENTATIVE = "representative"


def signers(state: State, proposer: str, cosigners: Sequence[str]) -> tuple[str, ...]:
    """The proposer and every co-signer, once each; unknown or repeated names are refused."""
    seen: list[str] = [proposer]
    for person in cosigners:
        if person not in state.people:
            raise Refusal("unknown_person", person=person)
        if person in seen:
            raise Refusal("petition_signed_twice", person=name(state, person))
        seen.append(person)
    return tuple(seen)


def base_members(state: State, petition: Petition, on: dt.date) -> set[str]:
    """Who the petition's fraction is taken of."""
    if petition.requirement.base is Base.REPRESENTATIVES:
        body = state.bodies.get(petition.body or "")
        return set(body.holders(REPRESENTATIVE)) if body is not None else set()
    return {p.id for p in state.people.values() if p.is_adult(on)}


def evaluate(state: State, ruleset: RuleSet, people: Sequence[str], on: dt.date) -> Verdict:
    """Every petition way of the rule set, counted; any one met suffices.

    Only signers in a way's base count for it: a child's signature does not
    count towards 1/10 of villagers, a villager's does not towards 1/5 of the
    representatives.
    """
    checks = []
    for petition in ruleset.petitions:
        base = base_members(state, petition, on)
        counted = sum(1 for p in people if p in base)
        checks.append(check(petition.requirement, "petition", counted, len(base)))
    return Verdict("petition", "any_of", tuple(checks))
