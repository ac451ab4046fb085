"""Drawing households: who lives with whom, when they were born, what they are called.

Names follow the generations of a north-China village: 德福 and 秀英 among the
elderly, 建国 and 丽娟 in middle age, single-character names for those born in
the 1980s and 90s, 子轩 and 欣怡 among the children. Each 村民小组 has one or two
large clans. Every draw comes from one ``random.Random``, in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import random

import attrs

from yishi.names import SURNAMES, full_name

# Each 村民小组 has one or two large clans besides the surnames spread over the village.
CLANS = (("王", "刘"), ("李", "赵"), ("张", "孙"), ("陈", "周"), ("杨", "马"), ("郭", "何"))


class Draw:
    """The random choices, kept in one place so that the order of draws is fixed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names: set[str] = set()

    def day(self, first_year: int, last_year: int) -> dt.date:
        year = self.rng.randint(first_year, last_year)
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randint(0, 364))

    def surname(self, clans: tuple[str, ...], avoid: str = "") -> str:
        while True:
            name = self.rng.choice(clans) if self.rng.random() < 0.5 else self.rng.choice(SURNAMES)
            if name != avoid:
                return name

    def full_name(self, surname: str, gender: str, born: dt.date) -> str:
        name = full_name(self.rng, surname, gender, born.year, self.names)
        if name is None:  # pragma: no cover - pools are large enough
            raise RuntimeError("name pool exhausted")
        return name


@attrs.define
class Drawn:
    name: str
    gender: str
    born: dt.date


def draw_household(draw: Draw, clans: tuple[str, ...]) -> tuple[int, list[Drawn]]:
    """One household's members, head first (index of the head, members)."""
    rng = draw.rng
    kind = rng.choices(("elderly", "young", "middle", "three"), weights=(15, 25, 32, 28))[0]
    surname = draw.surname(clans)

    def spouse_of(husband: Drawn) -> Drawn:
        born = husband.born + dt.timedelta(days=rng.randint(-3 * 365, 5 * 365))
        return Drawn(
            draw.full_name(draw.surname(clans, avoid=surname), "female", born), "female", born
        )

    def man(first: int, last: int) -> Drawn:
        born = draw.day(first, last)
        return Drawn(draw.full_name(surname, "male", born), "male", born)

    def children(parent: Drawn, count: int, latest: int) -> list[Drawn]:
        found = []
        for _ in range(count):
            first = parent.born.year + 22
            last = min(parent.born.year + 38, latest)
            born = draw.day(min(first, last), last)
            gender = rng.choice(("male", "female"))
            found.append(Drawn(draw.full_name(surname, gender, born), gender, born))
        return sorted(found, key=lambda c: c.born)

    if kind == "elderly":
        husband = man(1938, 1956)
        members = [husband, spouse_of(husband)]
        if rng.random() < 0.25:  # a widow living with an unmarried son
            members = [members[1], *children(husband, 1, 1995)]
        return 0, members
    if kind == "young":
        husband = man(1984, 1996)
        return 0, [husband, spouse_of(husband), *children(husband, rng.choice((1, 1, 2)), 2024)]
    if kind == "middle":
        husband = man(1966, 1983)
        kids = children(husband, rng.choice((1, 2, 2)), 2014)
        members = [husband, spouse_of(husband), *kids]
        if len(members) < 5 and rng.random() < 0.35:
            born = husband.born - dt.timedelta(days=rng.randint(24 * 365, 32 * 365))
            gender = rng.choice(("male", "female"))
            grand_surname = surname if gender == "male" else draw.surname(clans, avoid=surname)
            members.append(Drawn(draw.full_name(grand_surname, gender, born), gender, born))
        return 0, members
    # three generations: grandparents, their son (the head) and his wife, a grandchild
    grandfather = man(1944, 1958)
    son = Drawn("", "male", grandfather.born + dt.timedelta(days=rng.randint(22 * 365, 30 * 365)))
    son.name = draw.full_name(surname, "male", son.born)
    members = [son, spouse_of(son), *children(son, 1, 2023), grandfather]
    if rng.random() < 0.6:
        members.append(spouse_of(grandfather))
    return 0, members[:5]
