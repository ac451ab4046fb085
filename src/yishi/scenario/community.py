"""The community a scenario sets up: its people, households, groups and bodies.

People are listed or generated in bulk (``generate``: numbered households of
adults for large villages); a body's members may be named by role
(``by_role``), and every list of ids may hold ranges.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from yishi.domain import commands as cmd
from yishi.scenario.dates import undate
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
    for g in community.get("generate", []):
        born = undate(g.get("born")) or dt.date(1970, 1, 1)
        number = g.get("start", 1)
        for h in range(1, g["households"] + 1):
            household = f"{g['prefix']}h{h:03d}"
            members = [f"{g['prefix']}{number + k:03d}" for k in range(g["adults_per_household"])]
            number += g["adults_per_household"]
            label = f"{g['name']}第{h}户" if "name" in g else f"{g['prefix']} 第{h}户"
            households.append(
                cmd.HouseholdSpec(
                    id=household,
                    name=label,
                    representative=members[0],
                    represented_by=g.get("represented_by"),
                    group=g.get("group"),
                )
            )
            people += [
                cmd.PersonSpec(
                    id=m,
                    name=f"村民{m}",
                    gender="male" if k % 2 == 0 else "female",
                    born=born,
                    household=household,
                )
                for k, m in enumerate(members)
            ]
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
