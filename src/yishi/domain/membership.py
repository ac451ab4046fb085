"""Who belongs to a body on a given day, and whether its make-up is lawful."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from functools import partial

from yishi.domain.bodies import Membership
from yishi.domain.rules import RuleSet
from yishi.domain.state import Person, State, adult_cutoff


def roster(state: State, ruleset: RuleSet, body_id: str, on: dt.date) -> dict[str, bool]:
    """Members of a body on a day, each with whether they may vote."""
    spec = ruleset.bodies[body_id]
    if spec.membership is Membership.ELIGIBLE_ADULTS:
        return {p.id: True for p in in_group(state, spec.group) if p.is_adult(on)}
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


def votes_in(state: State, ruleset: RuleSet, body_id: str, on: dt.date, person: str) -> bool:
    """Whether ``person`` is a voting member of the body on a day: ``roster(...).get(person,
    False)`` without building the roster, so one ballot in a body of 10,000 costs O(1)."""
    spec = ruleset.bodies[body_id]
    if spec.membership is Membership.ELIGIBLE_ADULTS:
        found = state.people.get(person)
        return (
            found is not None
            and found.is_adult(on)
            and (spec.group is None or group_of(state, person) == spec.group)
        )
    if spec.membership is Membership.HOUSEHOLDS:
        found = state.people.get(person)
        own = state.households.get(found.household) if found and found.household else None
        if own is not None and own.representative == person:
            return True
        return any(h.representative == person for h in state.households.values())
    body = state.bodies.get(body_id)
    member = body.members.get(person) if body is not None else None
    if member is None:
        return False
    if spec.non_voting_party:
        return member.voting and state.people[person].party not in spec.non_voting_party
    return member.voting


def voting_check(
    state: State, ruleset: RuleSet, body_id: str, on: dt.date
) -> Callable[[str], bool]:
    """``votes_in`` for many people of one body on one day, with what is the same
    for all of them worked out once: the roster of households (finding a
    household's representative may take a pass over the households), or the age
    cutoff of a body of every adult (``state.adult_cutoff``)."""
    spec = ruleset.bodies[body_id]
    if spec.membership is Membership.HOUSEHOLDS:
        members = roster(state, ruleset, body_id, on)
        return lambda person: members.get(person, False)
    if spec.membership is Membership.ELIGIBLE_ADULTS and spec.group is None:
        people, cutoff = state.people, adult_cutoff(on)

        def adult(person: str) -> bool:
            found = people.get(person)
            if found is None:
                return False
            return found.born <= cutoff if found.born is not None else bool(found.adult)

        return adult
    return partial(votes_in, state, ruleset, body_id, on)


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


def group_of(state: State, person: str) -> str | None:
    """The 村民小组 of a person's household."""
    household = state.people[person].household
    found = state.households.get(household) if household else None
    return found.group if found is not None else None


def in_group(state: State, group: str | None) -> Iterable[Person]:
    """Everyone on the register, or only the people of one 村民小组's households."""
    if group is None:
        return state.people.values()
    return (p for p in state.people.values() if group_of(state, p.id) == group)


def households_in_scope(state: State, ruleset: RuleSet, body_id: str) -> set[str]:
    """The households a body's decision concerns: its 村民小组's, else the whole village's."""
    group = ruleset.bodies[body_id].group
    if group is None:
        return set(state.households)
    return {h.id for h in state.households.values() if h.group == group}


def represented_households(
    state: State, present: Collection[str], scope: Collection[str]
) -> set[str]:
    """Households in ``scope`` whose 村民代表 (``represented_by``) is among ``present``.

    A household is counted once, through the one representative who answers for
    it (村组法 Art. 29); a household with no representative on record is never
    counted, but stays in the base: the law counts every household.
    """
    here = set(present)
    return {
        h for h in scope if (rep := state.households[h].represented_by) is not None and rep in here
    }
