"""The community a scenario sets up: its people, households, groups and bodies.

People are listed or generated in bulk (``generate``: numbered households of
adults with made-up names, for large villages); a body's members may be named by role
(``by_role``), and every list of ids may hold ranges.
"""

from __future__ import annotations

from typing import Any

from yishi.domain import commands as cmd
from yishi.scenario.dates import undate
from yishi.scenario.generate import Taken, generate
from yishi.scenario.limits import expand


def setup_community(community: dict[str, Any]) -> cmd.SetUpCommunity:
    households = [
        cmd.HouseholdSpec(
            id=h["id"],
            name=h.get("name", h["id"]),
            representative=h.get("representative"),
            represented_by=h.get("represented_by"),
            group=h.get("group"),
        )
        for h in community.get("households", [])
    ]
    people = [
        cmd.PersonSpec(
            id=p["id"],
            name=p["name"],
            gender=p.get("gender", ""),
            born=undate(p.get("born")),
            adult=p.get("adult"),
            household=p.get("household"),
            party=p.get("party"),
            relatives=tuple(p.get("relatives", ())),
        )
        for p in community.get("people", [])
    ]
    taken = Taken(names={p.name for p in people}, labels={h.name for h in households})
    for block in community.get("generate", []):
        more_households, more_people = generate(block, community.get("name", ""), taken)
        households += more_households
        people += more_people
    bodies = []
    for body in community.get("bodies", []):
        roles = {person: list(r) for person, r in body.get("roles", {}).items()}
        members = list(expand(body.get("members", [])))
        for role, holders in body.get("by_role", {}).items():
            for person in expand(holders):
                roles.setdefault(person, []).append(role)
                if person not in members:
                    members.append(person)
        non_voting = set(expand(body.get("non_voting", [])))
        bodies.append(
            cmd.BodySpecEntry(
                id=body["id"],
                members=tuple(
                    cmd.MemberSpec(
                        person=m, roles=tuple(roles.get(m, ())), voting=m not in non_voting
                    )
                    for m in members
                ),
            )
        )
    return cmd.SetUpCommunity(
        actor="system",
        name=community.get("name", ""),
        township=community.get("township", ""),
        county=community.get("county", ""),
        people=tuple(people),
        households=tuple(households),
        bodies=tuple(bodies),
        groups=tuple(
            cmd.GroupSpec(id=g["id"], name=g["name"]) for g in community.get("groups", [])
        ),
    )
