"""Setting up a community: people, households and the rosters of bodies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.bodies import Membership
from yishi.domain.errors import Refusal, named
from yishi.domain.kinship import check_exclusions
from yishi.domain.rules import RuleSet
from yishi.domain.state import State

GENDERS = ("", "male", "female")
PARTY = (None, "full", "probationary")


def set_up(
    state: State, c: cmd.SetUpCommunity, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    people = {p.id for p in c.people} | set(state.people)
    households = {h.id for h in c.households} | set(state.households)
    groups = {g.id for g in c.groups} | set(state.groups)
    _unique("groups", [g.id for g in c.groups], state.groups)
    _unique("people", [p.id for p in c.people], state.people)
    _unique("households", [h.id for h in c.households], state.households)
    for p in c.people:
        if p.gender not in GENDERS:
            raise Refusal(
                "bad_value", field=f"people.{p.id}.gender", value=p.gender, allowed="male、female"
            )
        if p.party not in PARTY:
            raise Refusal(
                "bad_value",
                field=f"people.{p.id}.party",
                value=p.party,
                allowed="full、probationary",
            )
        if p.household is not None and p.household not in households:
            raise Refusal("unknown_ref", field=f"people.{p.id}.household", value=p.household)
        for relative in p.relatives:
            if relative not in people:
                raise Refusal("unknown_ref", field=f"people.{p.id}.relatives", value=relative)
    for h in c.households:
        if h.representative is not None and h.representative not in people:
            raise Refusal(
                "unknown_ref", field=f"households.{h.id}.representative", value=h.representative
            )
        if h.group is not None and h.group not in groups:
            raise Refusal("unknown_ref", field=f"households.{h.id}.group", value=h.group)
        if h.represented_by is not None and h.represented_by not in people:
            raise Refusal(
                "unknown_ref", field=f"households.{h.id}.represented_by", value=h.represented_by
            )
    for body in c.bodies:
        # A community's bodies serve every procedure it runs; only those this
        # rule set knows are checked against it.
        spec = ruleset.bodies.get(body.id)
        if spec is not None and spec.membership is not Membership.ROSTER:
            raise Refusal("derived_body", body=named(spec))
        seen: set[str] = set()
        for m in body.members:
            if m.person not in people:
                raise Refusal("unknown_ref", field=f"bodies.{body.id}.members", value=m.person)
            if m.person in seen:
                raise Refusal("duplicate_id", id=f"{body.id}/{m.person}")
            seen.add(m.person)
            for role in m.roles:
                if spec is not None and spec.roles and role not in spec.roles:
                    raise Refusal(
                        "unknown_role", body=named(spec), role=role, allowed="、".join(spec.roles)
                    )
    # Kinship after the whole register is known: a body set up with its excluded
    # committee in the same command is checked against that committee.
    relatives = {p.id: p.relatives for p in state.people.values()}
    relatives.update({p.id: p.relatives for p in c.people})
    names = {p.id: p.name for p in state.people.values()} | {p.id: p.name for p in c.people}
    rosters = {b: list(body.members) for b, body in state.bodies.items()}
    rosters.update({b.id: [m.person for m in b.members] for b in c.bodies})
    for body in c.bodies:
        check_exclusions(
            ruleset, body.id, [m.person for m in body.members], rosters, relatives, names
        )
    events: list[ev.Event] = []
    base: dict[str, Any] = {"at": now, "actor": c.actor, "on_behalf_of": c.on_behalf_of}
    recorded = (state.community_name, state.township, state.county)
    given = (c.name.strip(), c.township.strip(), c.county.strip())
    place = tuple(new or old for new, old in zip(given, recorded, strict=True))
    if place != recorded:
        if not place[0]:  # a township with no community in it
            raise Refusal("community_name_missing")
        events.append(ev.CommunityNamed(**base, name=place[0], township=place[1], county=place[2]))
    procedures = _procedures(state, c)
    if procedures is not None:
        events.append(ev.ProceduresRecorded(**base, procedures=procedures[0], routes=procedures[1]))
    events += [ev.GroupRegistered(**base, village_group=g.id, name=g.name) for g in c.groups]
    events += [
        ev.HouseholdRegistered(
            **base,
            household=h.id,
            name=h.name,
            representative=h.representative,
            represented_by=h.represented_by,
            group=h.group,
        )
        for h in c.households
    ]
    events += [
        ev.PersonRegistered(
            **base,
            person=p.id,
            name=p.name,
            gender=p.gender,
            born=p.born,
            adult=p.adult,
            household=p.household,
            party=p.party,
            relatives=p.relatives,
        )
        for p in c.people
    ]
    events += [
        ev.BodyConstituted(
            **base, body=b.id, members=tuple((m.person, m.roles, m.voting) for m in b.members)
        )
        for b in c.bodies
    ]
    return events


def _procedures(
    state: State, c: cmd.SetUpCommunity
) -> tuple[tuple[str, ...], dict[str, str]] | None:
    """The procedures and routes to record: None when none are given, or when they
    are the ones the log already records (set-up repeated, nothing changed)."""
    if not c.procedures and not c.routes:
        return None
    _unique("procedures", list(c.procedures), {})
    routes: dict[str, str] = {}
    for matter_type, procedure in c.routes:
        if matter_type in routes:
            raise Refusal("duplicate_id", id=f"routes.{matter_type}")
        # A route may only send a matter to a procedure the community runs.
        if procedure not in c.procedures:
            raise Refusal("unknown_ref", field=f"routes.{matter_type}", value=procedure)
        routes[matter_type] = procedure
    if (c.procedures, routes) == (state.procedures, state.routes):
        return None
    return c.procedures, routes


def _unique(what: str, ids: list[str], existing: Mapping[str, object]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen or item in existing:
            raise Refusal("duplicate_id", id=f"{what}.{item}")
        seen.add(item)
