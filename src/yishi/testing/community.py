"""A village for tests: people, households and every body of ``siyi_liang_gongkai``.

``village(adults)`` is the one ``SetUpCommunity`` command a test needs before
it can propose a matter and hold meetings under the shipped 四议两公开 rule set:
people ``v00001`` … with households of four, a Party branch committee, 村民委员会,
“两委”, 党员大会, 村民代表会议 and 村务监督委员会 that meet the rule set's
composition rules. ``v00001`` is 书记 and 主任 (一肩挑) and may propose and
convene; ``v00060`` chairs the 监督委员会.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from yishi.domain import commands as cmd

MINIMUM = 62  # the bodies need this many distinct adults
CHAIR = "v00001"
SUPERVISOR = "v00060"


def person(index: int) -> str:
    return f"v{index + 1:05d}"


def village(adults: int = MINIMUM) -> cmd.SetUpCommunity:
    if adults < MINIMUM:
        raise ValueError(f"a village for siyi_liang_gongkai needs at least {MINIMUM} adults")
    v = [person(i) for i in range(adults)]
    people, households = [], []
    for index, pid in enumerate(v):
        household = f"h{index // 4 + 1:05d}"
        if index % 4 == 0:
            households.append(
                cmd.HouseholdSpec(id=household, name=f"第{index // 4 + 1}户", representative=pid)
            )
        people.append(
            cmd.PersonSpec(
                id=pid,
                name=f"村民{index + 1}",
                gender="female" if index % 2 else "male",
                born=dt.date(1950 + index % 50, 1 + index % 12, 1 + index % 28),
                household=household,
                party="full" if index < 50 else None,
            )
        )

    def body(body_id: str, members: Mapping[str, tuple[str, ...]]) -> cmd.BodySpecEntry:
        return cmd.BodySpecEntry(
            id=body_id,
            members=tuple(cmd.MemberSpec(person=p, roles=r) for p, r in members.items()),
        )

    committee: dict[str, tuple[str, ...]] = {v[0]: ("director",), v[5]: ("deputy_director",)}
    committee.update({p: ("member",) for p in v[6:9]})
    bodies = (
        body(
            "party_branch_committee",
            {v[0]: ("secretary",), v[1]: ("deputy_secretary",), **{p: ("member",) for p in v[2:5]}},
        ),
        body("village_committee", committee),
        body(
            "two_committees", {v[0]: ("secretary", "director"), **{p: ("member",) for p in v[1:9]}}
        ),
        body("party_members_assembly", {p: ("member",) for p in v[:50]}),
        body(
            "representatives_assembly",
            {
                **{p: ("committee_member",) for p in (v[0], *v[5:9])},
                **{p: ("representative",) for p in v[9:54]},
            },
        ),
        body("monitoring_committee", {v[59]: ("chair",), v[60]: ("member",), v[61]: ("member",)}),
    )
    return cmd.SetUpCommunity(
        actor="system", people=tuple(people), households=tuple(households), bodies=bodies
    )
