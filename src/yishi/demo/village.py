"""A realistic sample village, generated from a seed.

柳湾村 is fictional. The generator draws households of two to five people
(elderly couples, young families, three generations under one roof), groups
them into 村民小组, and fills the offices the way a real village does: a Party
branch of about forty members (a few of them 预备党员), a five-member branch
committee, a five-member 村民委员会 with two members serving on both
committees, a 村务监督委员会 with no committee member or close relative on it,
and a 村民代表会议 whose representatives each answer for five to fifteen
neighbouring households.

Everything comes from ``random.Random(seed)``: the same seed gives the same
village, name for name and date for date. Nothing reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

import attrs

from yishi.demo.families import CLANS, Draw, draw_household
from yishi.domain import commands as cmd
from yishi.domain.rules import RuleSet

SEED = 2026
NAME = "柳湾村"
TOWNSHIP = "青石镇"
GROUPS = 6
# Households per 村民小组. Each representative answers for 5–15 households
# (村组法第二十五条), and with a five-member 村委会 the representatives must be
# at least four fifths of the assembly, so at least 20 of them: about 120 households.
GROUP_SIZE = (20, 23)
PARTY_FULL = 37
PARTY_PROBATIONARY = 3
HOUSEHOLDS_PER_REPRESENTATIVE = (5, 15)
CN_DIGITS = "零一二三四五六七八九十"


@attrs.frozen
class Resident:
    id: str
    name: str
    gender: str  # male | female
    born: dt.date
    household: str
    party: str | None = None  # full | probationary
    relatives: tuple[str, ...] = ()  # close relatives already listed (one way is enough)

    def age(self, on: dt.date) -> int:
        return on.year - self.born.year - ((on.month, on.day) < (self.born.month, self.born.day))

    def is_adult(self, on: dt.date) -> bool:
        return self.age(on) >= 18


@attrs.frozen
class VillageHousehold:
    id: str
    name: str
    group: int
    head: str  # 户主, the household's representative at a 村民会议
    members: tuple[str, ...]


@attrs.frozen
class VillagerGroup:
    """A 村民小组: a set of neighbouring households with a group leader."""

    number: int
    households: tuple[str, ...]
    leader: str

    @property
    def id(self) -> str:
        return f"villager_group_{self.number}"

    @property
    def name(self) -> str:
        return f"第{CN_DIGITS[self.number]}村民小组"


@attrs.frozen
class CompositionCheck:
    """One composition rule evaluated on the generated village, with its numbers."""

    label: str
    label_en: str
    ok: bool
    detail_zh: str
    detail_en: str

    def line(self, lang: str = "zh") -> str:
        mark = "✓" if self.ok else "✗"
        if lang == "en":
            return f"{mark} {self.label_en}: {self.detail_en}"
        return f"{mark} {self.label}：{self.detail_zh}"


@attrs.frozen
class Village:
    name: str
    township: str
    seed: int
    people: Mapping[str, Resident]
    households: Mapping[str, VillageHousehold]
    groups: tuple[VillagerGroup, ...]
    # secretary, deputy_secretary, director, deputy_director, women_officer, accountant,
    # monitoring_chair
    offices: Mapping[str, str]
    branch_committee: Mapping[str, tuple[str, ...]]  # person -> roles
    village_committee: Mapping[str, tuple[str, ...]]
    monitoring_committee: Mapping[str, tuple[str, ...]]
    party_members: tuple[str, ...]
    # representative -> the households they answer for
    representatives: Mapping[str, tuple[str, ...]]

    # -- reading -------------------------------------------------------------

    def name_of(self, person: str) -> str:
        return self.people[person].name

    def adults(self, on: dt.date) -> list[str]:
        return [p.id for p in self.people.values() if p.is_adult(on)]

    def group_of(self, person: str) -> VillagerGroup:
        number = self.households[self.people[person].household].group
        return self.groups[number - 1]

    @property
    def two_committees(self) -> dict[str, tuple[str, ...]]:
        joint: dict[str, tuple[str, ...]] = {}
        for person in [*self.branch_committee, *self.village_committee]:
            roles: tuple[str, ...] = ()
            if person == self.offices["secretary"]:
                roles = ("secretary",)
            elif person == self.offices["director"]:
                roles = ("director",)
            else:
                roles = ("member",)
            joint.setdefault(person, roles)
        return joint

    @property
    def assembly(self) -> dict[str, str]:
        """The 村民代表会议: every 村委会 member, then the representatives (person -> role)."""
        members = {p: "committee_member" for p in self.village_committee}
        members.update({p: "representative" for p in self.representatives})
        return members

    def women_representatives(self) -> list[str]:
        return [p for p in self.representatives if self.people[p].gender == "female"]

    # -- the register, as the engine takes it ---------------------------------

    def bodies(self) -> tuple[cmd.BodySpecEntry, ...]:
        def entry(
            body: str, members: Mapping[str, Iterable[str]], non_voting=()
        ) -> cmd.BodySpecEntry:
            return cmd.BodySpecEntry(
                id=body,
                members=tuple(
                    cmd.MemberSpec(person=p, roles=tuple(r), voting=p not in non_voting)
                    for p, r in members.items()
                ),
            )

        probationary = {p for p in self.party_members if self.people[p].party == "probationary"}
        bodies = [
            entry("party_branch_committee", self.branch_committee),
            entry("village_committee", self.village_committee),
            entry("two_committees", self.two_committees),
            entry("party_members_assembly", {p: () for p in self.party_members}, probationary),
            entry("representatives_assembly", {p: (r,) for p, r in self.assembly.items()}),
            entry("monitoring_committee", self.monitoring_committee),
        ]
        # 村民小组: every resident of the group's households, with the group leader (组长).
        # No procedure in the shipped rule sets meets as a group, so these rosters
        # record who belongs where without being checked against a rule set.
        for group in self.groups:
            members = {
                p: (("leader",) if p == group.leader else ())
                for h in group.households
                for p in self.households[h].members
            }
            bodies.append(entry(group.id, members))
        return tuple(bodies)

    def setup_command(self) -> cmd.SetUpCommunity:
        return cmd.SetUpCommunity(
            actor="system",
            name=self.name,
            township=self.township,
            households=tuple(
                cmd.HouseholdSpec(id=h.id, name=h.name, representative=h.head)
                for h in self.households.values()
            ),
            people=tuple(
                cmd.PersonSpec(
                    id=p.id,
                    name=p.name,
                    gender=p.gender,
                    born=p.born,
                    household=p.household,
                    party=p.party,
                    relatives=p.relatives,
                )
                for p in self.people.values()
            ),
            bodies=self.bodies(),
        )

    # -- checks ------------------------------------------------------------------

    def composition_checks(self, ruleset: RuleSet) -> list[CompositionCheck]:
        """The rule set's composition rules, and the statutory ones it does not encode."""
        found: list[CompositionCheck] = []
        assembly = self.assembly
        total = len(assembly)
        spec = ruleset.bodies.get("representatives_assembly")
        for rule in spec.composition if spec else ():
            count = sum(
                1
                for p, role in assembly.items()
                if role == rule.role
                and (rule.gender is None or self.people[p].gender == rule.gender)
            )
            need = rule.requirement.minimum(total)
            found.append(
                CompositionCheck(
                    rule.label,
                    rule.label,  # rule sets label their rules in Chinese only
                    rule.requirement.is_met(count, total),
                    f"{count} 人，组成人员 {total} 人，须{rule.requirement.wording_zh()}（至少 {need} 人）",
                    f"{count} of {total} members; {rule.requirement.wording_en()} required (at least {need})",
                )
            )
        low, high = HOUSEHOLDS_PER_REPRESENTATIVE
        sizes = [len(h) for h in self.representatives.values()]
        covered = [h for hs in self.representatives.values() for h in hs]
        each_once = sorted(covered) == sorted(self.households)
        found.append(
            CompositionCheck(
                f"每名村民代表由 {low}–{high} 户推选",
                f"one representative per {low}–{high} households",
                each_once and all(low <= n <= high for n in sizes),
                f"{len(sizes)} 名代表，每人 {min(sizes)}–{max(sizes)} 户，{len(covered)} 户各有一名代表",
                f"{len(sizes)} representatives, {min(sizes)}–{max(sizes)} households each; each of {len(covered)} households has one",
            )
        )
        size = len(self.village_committee)
        women = sum(1 for p in self.village_committee if self.people[p].gender == "female")
        found.append(
            CompositionCheck(
                "村民委员会 3–7 人，有妇女成员",
                "villagers' committee of 3–7 with a woman member",
                3 <= size <= 7 and women >= 1,
                f"{size} 人，其中妇女 {women} 人",
                f"{size} members, {women} of them women",
            )
        )
        committee_households = {self.people[p].household for p in self.village_committee}
        committee_relatives = {r for p in self.village_committee for r in self.people[p].relatives}
        clash = [
            p
            for p in self.monitoring_committee
            if p in self.village_committee
            or self.people[p].household in committee_households
            or p in committee_relatives
            or set(self.people[p].relatives) & set(self.village_committee)
        ]
        chair_ok = self.offices["monitoring_chair"] != self.offices["secretary"]
        found.append(
            CompositionCheck(
                "村务监督委员会 3–5 人，不含村委会成员及其近亲属",
                "monitoring committee of 3–5, no committee member or close relative",
                3 <= len(self.monitoring_committee) <= 5 and not clash and chair_ok,
                f"{len(self.monitoring_committee)} 人，与村委会成员无同户、无近亲属",
                f"{len(self.monitoring_committee)} members, none in a committee member's household or family",
            )
        )
        return found

    def facts(self, on: dt.date) -> dict[str, int]:
        full = sum(1 for p in self.party_members if self.people[p].party == "full")
        return {
            "people": len(self.people),
            "adults": len(self.adults(on)),
            "children": len(self.people) - len(self.adults(on)),
            "elderly": sum(1 for p in self.people.values() if p.age(on) >= 60),
            "households": len(self.households),
            "groups": len(self.groups),
            "party_members": len(self.party_members),
            "party_full": full,
            "party_probationary": len(self.party_members) - full,
            "branch_committee": len(self.branch_committee),
            "village_committee": len(self.village_committee),
            "two_committees": len(self.two_committees),
            "monitoring_committee": len(self.monitoring_committee),
            "assembly": len(self.assembly),
            "representatives": len(self.representatives),
            "women_representatives": len(self.women_representatives()),
        }


# ---------------------------------------------------------------------------
# generation
# ---------------------------------------------------------------------------
def generate_village(seed: int = SEED, *, on: dt.date = dt.date(2026, 3, 1)) -> Village:
    """The sample village for ``seed``; ``on`` is the day ages are reckoned for the offices."""
    draw = Draw(seed)
    rng = draw.rng
    people: dict[str, Resident] = {}
    households: dict[str, VillageHousehold] = {}
    group_households: list[list[str]] = []
    for number in range(1, GROUPS + 1):
        clans = CLANS[(number - 1) % len(CLANS)]
        ids = []
        for index in range(1, rng.randint(*GROUP_SIZE) + 1):
            household = f"h{number}{index:02d}"
            head, members = draw_household(draw, clans)
            member_ids = [f"{household}-{k + 1}" for k in range(len(members))]
            for k, (pid, person) in enumerate(zip(member_ids, members, strict=True)):
                people[pid] = Resident(
                    pid,
                    person.name,
                    person.gender,
                    person.born,
                    household,
                    relatives=tuple(member_ids[:k]),
                )
            head_name = members[head].name
            households[household] = VillageHousehold(
                household, f"{head_name}户", number, member_ids[head], tuple(member_ids)
            )
            ids.append(household)
        group_households.append(ids)

    taken: set[str] = set()  # people already holding an office

    def pick(
        gender: str | None,
        first: int,
        last: int,
        among: Iterable[str] | None = None,
        avoid: Callable[[Resident], bool] = lambda _p: False,
    ) -> str:
        pool = [
            p.id
            for p in (people[i] for i in (among if among is not None else people))
            if p.id not in taken
            and (gender is None or p.gender == gender)
            and first <= p.born.year <= last
            and p.is_adult(on)
            and not avoid(p)
        ]
        if not pool:
            raise RuntimeError(f"no one to pick ({gender}, {first}–{last})")
        chosen = rng.choice(pool)
        taken.add(chosen)
        return chosen

    def household_of(pid: str) -> str:
        return people[pid].household

    # The two committees: secretary; director who is also deputy secretary (交叉任职);
    # deputy director who is also a branch committee member.
    secretary = pick("male", 1964, 1976)
    director = pick("male", 1972, 1985, avoid=lambda p: p.household == household_of(secretary))
    deputy_director = pick("female", 1975, 1988)
    organiser = pick("male", 1963, 1980)
    branch_woman = pick("female", 1968, 1985)
    women_officer = pick("female", 1985, 1996)
    young_member = pick("male", 1982, 1994)
    accountant = pick(None, 1970, 1986)
    branch = {
        secretary: ("secretary",),
        director: ("deputy_secretary",),
        deputy_director: ("member",),
        organiser: ("member",),
        branch_woman: ("member",),
    }
    committee = {
        director: ("director",),
        deputy_director: ("deputy_director",),
        women_officer: ("member",),
        young_member: ("member",),
        accountant: ("member",),
    }
    committee_households = {household_of(p) for p in committee}

    def near_committee(p: Resident) -> bool:
        return p.household in committee_households

    monitoring_chair = pick("male", 1958, 1972, avoid=near_committee)
    monitoring = {
        monitoring_chair: ("chair",),
        pick("female", 1975, 1990, avoid=near_committee): ("member",),
        pick("male", 1960, 1978, avoid=near_committee): ("member",),
    }

    # Representatives: each 村民小组's households split into runs of neighbours,
    # 5–15 households each; each run chooses one of its adults, alternately a man
    # and a woman, so that women make up well over a third of the assembly.
    representatives: dict[str, tuple[str, ...]] = {}
    groups = []
    low, _high = HOUSEHOLDS_PER_REPRESENTATIVE
    for number, ids in enumerate(group_households, start=1):
        runs = len(ids) // low
        size, extra = divmod(len(ids), runs)
        start = 0
        leader = None
        for run in range(runs):
            chunk = tuple(ids[start : start + size + (1 if run < extra else 0)])
            start += len(chunk)
            gender = "male" if run % 2 == 0 else "female"
            residents = [p for h in chunk for p in households[h].members]
            rep_households = {household_of(r) for r in representatives}

            def unsuitable(p: Resident, busy: set[str] = rep_households) -> bool:
                return near_committee(p) or p.household in busy

            try:
                rep = pick(gender, 1956, 1998, among=residents, avoid=unsuitable)
            except RuntimeError:  # no one of that gender free in these households
                rep = pick(None, 1950, 2004, among=residents, avoid=unsuitable)
            representatives[rep] = chunk
            if leader is None:
                leader = rep  # the group leader (组长) is usually one of its representatives
        assert leader is not None
        groups.append(VillagerGroup(number, tuple(ids), leader))

    # Party members: the officials (all but one committee member), then others,
    # more often men of working age and representatives, as in most villages.
    party = list(
        dict.fromkeys(p for p in [*branch, *committee, monitoring_chair] if p != young_member)
    )
    adults = [p for p in people.values() if p.is_adult(on) and 1938 <= p.born.year <= 2000]

    def weight(p: Resident) -> float:
        w = 2.0 if p.gender == "male" else 1.0
        w *= 1.5 if 1950 <= p.born.year <= 1985 else 1.0
        return w * (3.0 if p.id in representatives else 1.0)

    candidates = [p for p in adults if p.id not in party and p.id != young_member]
    while len(party) < PARTY_FULL:
        chosen = rng.choices(candidates, weights=[weight(p) for p in candidates])[0]
        candidates.remove(chosen)
        party.append(chosen.id)
    young = [
        p.id
        for p in people.values()
        if p.is_adult(on) and 1992 <= p.born.year <= 2004 and p.id not in party
    ]
    probationary = rng.sample(young, PARTY_PROBATIONARY)
    for pid in party:
        people[pid] = attrs.evolve(people[pid], party="full")
    for pid in probationary:
        people[pid] = attrs.evolve(people[pid], party="probationary")
    party_members = tuple(sorted([*party, *probationary]))

    return Village(
        name=NAME,
        township=TOWNSHIP,
        seed=seed,
        people=people,
        households=households,
        groups=tuple(groups),
        offices={
            "secretary": secretary,
            "deputy_secretary": director,
            "director": director,
            "deputy_director": deputy_director,
            "women_officer": women_officer,
            "accountant": accountant,
            "monitoring_chair": monitoring_chair,
        },
        branch_committee=branch,
        village_committee=committee,
        monitoring_committee=monitoring,
        party_members=party_members,
        representatives=representatives,
    )
