"""``[[community.generate]]``: numbered households of adults with made-up Chinese names.

Ids stay numbered (``{prefix}001``, ``{prefix}h001``) so that a scenario can name
people by range; what people see is a name like 王建国, never the id. The draws
come from a ``random.Random`` seeded with the community's name and the block's
prefix and start (a string seed is hashed with SHA-512, not ``hash()``), so the
same scenario always gives the same village.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import attrs

from yishi.domain import commands as cmd
from yishi.names import GIVEN, SURNAMES, full_name, given_names
from yishi.scenario.dates import undate

# Draws that look for a name nobody in the village has yet; after them a large
# village may repeat a name (as real ones do), though never within one household.
VILLAGE_TRIES = 8


@attrs.define
class Taken:
    """What the community already uses, growing as blocks are drawn: people's
    names, households' names, and the surnames (with gender and birth year)
    whose names have run out, so that a large village stops looking for new ones."""

    names: set[str]
    labels: set[str]
    crowded: set[tuple[str, str, tuple[str, ...]]] = attrs.field(factory=set)


def generate(
    block: dict[str, Any], community_name: str, taken: Taken
) -> tuple[list[cmd.HouseholdSpec], list[cmd.PersonSpec]]:
    """One block's households and people."""
    born = undate(block.get("born")) or dt.date(1970, 1, 1)
    prefix, size = block["prefix"], block["adults_per_household"]
    number = block.get("start", 1)
    rng = random.Random(f"yishi generate|{community_name}|{prefix}|{number}")
    households, people = [], []
    for h in range(1, block["households"] + 1):
        household = f"{prefix}h{h:03d}"
        members = [f"{prefix}{number + k:03d}" for k in range(size)]
        number += size
        surname = rng.choice(SURNAMES)
        home: set[str] = set()
        for k, member in enumerate(members):
            # The 户代表 and the men after him carry the family's surname; the
            # women are wives (or daughters-in-law) from other families.
            gender = "male" if k % 2 == 0 else "female"
            own = surname if gender == "male" else _other(rng, surname)
            name = _name(rng, own, gender, born.year, taken, home)
            people.append(
                cmd.PersonSpec(id=member, name=name, gender=gender, born=born, household=household)
            )
        households.append(
            cmd.HouseholdSpec(
                id=household,
                name=_label(block, h, people[-size].name, taken.labels),
                representative=members[0],
                represented_by=block.get("represented_by"),
                group=block.get("group"),
            )
        )
    return households, people


def _other(rng: random.Random, surname: str) -> str:
    while True:
        other = rng.choice(SURNAMES)
        if other != surname:
            return other


def _name(
    rng: random.Random, surname: str, gender: str, year: int, taken: Taken, home: set[str]
) -> str:
    crowd = (surname, gender, given_names(gender, year))
    name = None
    if crowd not in taken.crowded:
        name = full_name(rng, surname, gender, year, taken.names, tries=VILLAGE_TRIES)
        if name is None:
            taken.crowded.add(crowd)
    if name is None:
        # A name someone else in the village has, but nobody in this household:
        # the generation's names first, then any generation's (a household may
        # hold up to 25 men of one surname, more than one generation's names).
        name = full_name(rng, surname, gender, year, home, tries=VILLAGE_TRIES)
        if name is None:
            pools = (male if gender == "male" else female for _, male, female in GIVEN)
            name = next(surname + g for pool in pools for g in pool if surname + g not in home)
        taken.names.add(name)
    home.add(name)
    return name


def _label(block: dict[str, Any], h: int, representative: str, labels: set[str]) -> str:
    """``{name}第N户`` when the block names its households, else the 户代表's
    name (王建国户), told apart by its number where that is already taken."""
    if "name" in block:
        label = f"{block['name']}第{h}户"
    else:
        label, n = f"{representative}户", 1
        while label in labels:
            n += 1
            label = (
                f"{representative}户（第{h}户）"
                if n == 2
                else f"{representative}户（第{h}户之{n}）"
            )
    labels.add(label)
    return label
