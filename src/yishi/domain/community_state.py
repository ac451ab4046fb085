"""What the log says about the community itself: its name, people, households,
村民小组, bodies and procedures.

Kept apart from ``state`` (which imports this module, so the folds are registered
before any event is folded) to keep each module readable.
"""

from __future__ import annotations

from yishi.domain import events as ev
from yishi.domain.state import Body, Group, Household, Member, Person, State, _apply


@_apply.register
def _(e: ev.CommunityNamed, s: State) -> None:
    s.community_name, s.township, s.county = e.name, e.township, e.county


@_apply.register
def _(e: ev.PersonRegistered, s: State) -> None:
    s.people[e.person] = Person(
        e.person, e.name, e.gender, e.born, e.adult, e.household, e.party, e.relatives
    )


@_apply.register
def _(e: ev.ProceduresRecorded, s: State) -> None:
    s.procedures = tuple(e.procedures)
    s.routes = dict(e.routes)


@_apply.register
def _(e: ev.GroupRegistered, s: State) -> None:
    s.groups[e.village_group] = Group(e.village_group, e.name)


@_apply.register
def _(e: ev.HouseholdRegistered, s: State) -> None:
    s.households[e.household] = Household(
        e.household, e.name, e.representative, e.represented_by, e.group
    )


@_apply.register
def _(e: ev.BodyConstituted, s: State) -> None:
    s.bodies[e.body] = Body(
        e.body, {p: Member(p, tuple(roles), voting) for p, roles, voting in e.members}
    )
