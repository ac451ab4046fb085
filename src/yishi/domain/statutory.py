"""Statutory floors: the only procedure rules written into code.

Only rules found in a statute text live here, each with its citation and the
words of the article it rests on. Everything else — local practice, press
reports, design choices — belongs in a rule set, where a community can see and
change it.

A rule set marked ``statutory = true`` may be stricter than these floors, never
looser: ``yishi check`` refuses it, and the engine applies the floor itself
(``strengthen``) so that a rule set built without the checker cannot go below
it either. A rule set marked ``statutory = false`` (a local, non-statutory
procedure such as a courtyard 板凳会) is not held to them.

The figures are those of the texts in force since 2026-01-01: the 村民委员会组织法
as amended on 2025-10-28, the 城市居民委员会组织法 as revised on 2025-10-28, the
农村集体经济组织法 (2024) and the 农村土地承包法 (2018). The official text
(国家法律法规数据库) governs; docs/defaults.md quotes each article.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs

from yishi.domain.counting import Base, Comparator, Requirement, at_least_as_strict


def _req(base: Base, num: int, den: int, cmp: Comparator, note: str = "") -> Requirement:
    return Requirement(base=base, fraction=Fraction(num, den), comparator=cmp, note=note)


GT, GTE = Comparator.GT, Comparator.GTE

# The law versions whose figures these floors are; any other version warns.
VERIFIED_VERSIONS = ("2025",)

VILLAGE_LAW = "《村民委员会组织法》（2025 年修正）"
VILLAGE_LAW_EN = "Organic Law of Villagers' Committees (2025 amendment)"
URBAN_LAW = "《城市居民委员会组织法》（2025 年修订）"
URBAN_LAW_EN = "Organic Law of Urban Residents' Committees (2025 revision)"
COLLECTIVE_LAW = "《农村集体经济组织法》（2024）"
COLLECTIVE_LAW_EN = "Rural Collective Economic Organisations Law (2024)"
LAND_LAW = "《农村土地承包法》（2018 年修正）"
LAND_LAW_EN = "Rural Land Contracting Law (2018 amendment)"


@attrs.frozen
class Floor:
    citation: str
    citation_en: str
    notice_days: int = 0
    # "遇有特殊情况的，可以临时通知": the law allows a shorter, recorded notice.
    urgent_notice: bool = False
    quorum: tuple[Requirement, ...] = ()  # the law accepts any one of these
    threshold: tuple[Requirement, ...] = ()  # every one must be implied
    composition: tuple[tuple[str, str | None, Requirement], ...] = ()  # (role, gender, share)
    # Bodies whose members (and their 近亲属, 民法典 Art. 1045) may not sit on this one.
    excludes_relatives_of: tuple[str, ...] = ()  # statutory kinds
    # An assembly that decides the community's important matters: the Party
    # organisation discusses them first (村组法 Art. 28, 居委会组织法 Art. 30).
    party_first: bool = False
    party: bool = False  # a Party body: satisfies party_first when it meets earlier
    # An election committee: a member nominated, or whose close relative is, steps down.
    steps_down: bool = False
    quote: str = ""  # the article's words


_VA = "villagers_assembly"
_RA = "representatives_assembly"
_RES = "residents_assembly"
_RRA = "residents_representatives_assembly"
_MA = "members_assembly"
_MRA = "members_representatives_assembly"

BODY_FLOORS: dict[str, Floor] = {
    _VA: Floor(
        citation=f"{VILLAGE_LAW}第二十五、二十六条",
        citation_en=f"{VILLAGE_LAW_EN}, Arts. 25-26",
        notice_days=10,
        urgent_notice=True,
        quorum=(_req(Base.ELIGIBLE_ADULTS, 1, 2, GT), _req(Base.HOUSEHOLDS, 2, 3, GTE)),
        threshold=(_req(Base.PRESENT, 1, 2, GT),),
        party_first=True,
        quote="召集村民会议，应当提前十日通知村民；遇有特殊情况的，可以临时通知村民。"
        "召开村民会议，应当有本村十八周岁以上村民的过半数，或者本村三分之二以上的户的代表参加，"
        "村民会议所作决定应当经到会人员的过半数通过。",
    ),
    _RA: Floor(
        citation=f"{VILLAGE_LAW}第二十九、三十条",
        citation_en=f"{VILLAGE_LAW_EN}, Arts. 29-30",
        quorum=(_req(Base.COMPOSITION, 2, 3, GTE),),
        threshold=(_req(Base.PRESENT, 1, 2, GT),),
        composition=(
            ("representative", None, _req(Base.COMPOSITION, 4, 5, GTE)),
            ("representative", "female", _req(Base.COMPOSITION, 1, 3, GTE)),
        ),
        party_first=True,
        quote="村民代表应当占村民代表会议组成人员的五分之四以上，妇女村民代表应当占村民代表会议组成人员的"
        "三分之一以上。村民代表会议有三分之二以上的组成人员参加方可召开，所作决定应当经到会人员的过半数同意。",
    ),
    "villager_group_meeting": Floor(
        citation=f"{VILLAGE_LAW}第三十二条",
        citation_en=f"{VILLAGE_LAW_EN}, Art. 32",
        quorum=(_req(Base.ELIGIBLE_ADULTS, 2, 3, GTE), _req(Base.HOUSEHOLDS, 2, 3, GTE)),
        threshold=(_req(Base.PRESENT, 1, 2, GT),),
        quote="召开村民小组会议，应当有本村民小组十八周岁以上的村民三分之二以上，或者本村民小组三分之二以上的"
        "户的代表参加，所作决定应当经到会人员的过半数同意。",
    ),
    "party_members_assembly": Floor(
        # 半数以上 is read as >= for attendance: the looser reading is the floor;
        # rule sets choose their reading explicitly (docs/defaults.md).
        citation="《中国共产党支部工作条例（试行）》第十一条",
        citation_en="CPC Branch Work Regulations (trial), Art. 11",
        quorum=(_req(Base.ENTITLED, 1, 2, GTE),),
        threshold=(_req(Base.ENTITLED, 1, 2, GT),),
        party=True,
        quote="党员大会须有半数以上有表决权的党员到会方可进行；赞成人数超过应到会有表决权的党员的半数，方能通过。",
    ),
    "party_committee": Floor(
        citation="《中国共产党农村基层组织工作条例》；" + f"{VILLAGE_LAW}第二十八条第三款",
        citation_en=f"CPC rural grassroots organisation rules; {VILLAGE_LAW_EN}, Art. 28(3)",
        party=True,
        quote="需由村民会议或者村民代表会议决定的重要事项，应当先经村党组织研究讨论。",
    ),
    "villagers_committee": Floor(
        citation=f"{VILLAGE_LAW}第八条",
        citation_en=f"{VILLAGE_LAW_EN}, Art. 8",
        quote="村民委员会成员实行近亲属回避。",
    ),
    "election_committee": Floor(
        citation=f"{VILLAGE_LAW}第十五条；{URBAN_LAW}第十五条",
        citation_en=f"{VILLAGE_LAW_EN}, Art. 15; {URBAN_LAW_EN}, Art. 15",
        steps_down=True,
        quote="村民选举委员会成员或者其近亲属被提名为村民委员会成员候选人的，应当退出村民选举委员会。",
    ),
    "village_affairs_supervisory": Floor(
        citation=f"{VILLAGE_LAW}第三十七条",
        citation_en=f"{VILLAGE_LAW_EN}, Art. 37",
        excludes_relatives_of=("villagers_committee",),
        quote="村民委员会成员及其近亲属不得担任村务监督机构成员。……其成员可以列席村民委员会会议和村民代表会议，"
        "参与各项协商活动。",
    ),
    _RES: Floor(
        citation=f"{URBAN_LAW}第二十六、二十七条",
        citation_en=f"{URBAN_LAW_EN}, Arts. 26-27",
        notice_days=10,
        urgent_notice=True,
        quorum=(_req(Base.ELIGIBLE_ADULTS, 1, 2, GT), _req(Base.HOUSEHOLDS, 1, 2, GT)),
        threshold=(_req(Base.PRESENT, 1, 2, GT),),
        party_first=True,
        quote="召集居民会议，应当提前十日通知居民；遇有特殊情况的，可以临时通知居民。"
        "居民会议应当有全体十八周岁以上的本社区居民或者户的代表的过半数参加。居民会议所作决定，"
        "应当经到会人员的过半数通过。",
    ),
    _RRA: Floor(
        citation=f"{URBAN_LAW}第二十八、二十九条",
        citation_en=f"{URBAN_LAW_EN}, Arts. 28-29",
        quorum=(_req(Base.COMPOSITION, 2, 3, GTE),),
        # 到会组成人员的过半数: every member present counts, not only those entitled.
        threshold=(_req(Base.PRESENT, 1, 2, GT),),
        composition=(("representative", None, _req(Base.COMPOSITION, 4, 5, GTE)),),
        party_first=True,
        quote="居民代表应当占居民代表会议组成人员的五分之四以上。居民代表会议应当有三分之二以上的组成人员参加"
        "方可召开。居民代表会议所作决定，应当经到会组成人员的过半数通过。",
    ),
    "residents_committee": Floor(
        citation=f"{URBAN_LAW}第八条",
        citation_en=f"{URBAN_LAW_EN}, Art. 8",
        quote="居民委员会成员实行近亲属回避。",
    ),
    "residents_affairs_supervisory": Floor(
        citation=f"{URBAN_LAW}第三十六条",
        citation_en=f"{URBAN_LAW_EN}, Art. 36",
        excludes_relatives_of=("residents_committee",),
        quote="社区应当建立居务监督委员会……居民委员会成员及其近亲属不得担任居务监督委员会成员。"
        "……其成员可以列席居民委员会会议和居民代表会议，参与各项协商活动。",
    ),
    _MA: Floor(
        citation=f"{COLLECTIVE_LAW}第二十六、二十七条",
        citation_en=f"{COLLECTIVE_LAW_EN}, Arts. 26-27",
        notice_days=10,
        # Members are those with full civil capacity (Art. 26): the roster lists them.
        quorum=(_req(Base.COMPOSITION, 2, 3, GTE),),
        threshold=(_req(Base.COMPOSITION, 2, 3, GTE),),
        party_first=True,
        quote="应当将会议召开的时间、地点和审议的事项于会议召开十日前通知全体成员，有三分之二以上具有完全"
        "民事行为能力的成员参加。……成员大会作出决定，应当经本农村集体经济组织成员大会全体成员三分之二以上同意。",
    ),
    _MRA: Floor(
        citation=f"{COLLECTIVE_LAW}第二十八条",
        citation_en=f"{COLLECTIVE_LAW_EN}, Art. 28",
        threshold=(_req(Base.COMPOSITION, 2, 3, GTE),),
        party_first=True,
        quote="成员代表大会作出决定，应当经全体成员代表三分之二以上同意。",
    ),
}

# Kinds of body that may hold an assembly's decision on collective property.
ASSEMBLY_KINDS = (_VA, _RA, _RES, _RRA, _MA, _MRA)
PARTY_KINDS = tuple(k for k, f in BODY_FLOORS.items() if f.party)


@attrs.frozen
class DisclosureFloor:
    days: int
    citation: str
    citation_en: str
    quote: str
    # The same floor for what a consultation settled (协商确定的事项及其落实情况),
    # which the committee publishes whatever procedure settled it: the item of
    # the list of postings, and the paragraph that sets the period.
    consultation_citation: str = ""
    consultation_citation_en: str = ""
    consultation_quote: str = ""


DISCLOSURE_FLOORS: dict[str, DisclosureFloor] = {
    "village": DisclosureFloor(
        days=15,
        citation=f"{VILLAGE_LAW}第三十五条",
        citation_en=f"{VILLAGE_LAW_EN}, Art. 35",
        quote="村民委员会应当设立村务公开栏，可以采用现代信息技术进行村务公开。公布的期限不得少于十五日。",
        consultation_citation=f"{VILLAGE_LAW}第三十五条第二款第四项、第四款",
        consultation_citation_en=f"{VILLAGE_LAW_EN}, Art. 35(2)(iv) and (4)",
        consultation_quote="村民委员会应当及时公布下列事项，接受村民的监督：……（四）村民委员会组织协商确定的事项"
        "及其落实情况；……公布的期限不得少于十五日。",
    ),
    "community": DisclosureFloor(
        days=15,
        citation=f"{URBAN_LAW}第三十四条",
        citation_en=f"{URBAN_LAW_EN}, Art. 34",
        quote="居民委员会应当设立居务公开栏，可以采用现代信息技术进行居务公开。公布的期限不得少于十五日。",
        consultation_citation=f"{URBAN_LAW}第三十四条第二款第五项、第三款",
        consultation_citation_en=f"{URBAN_LAW_EN}, Art. 34(2)(v) and (3)",
        consultation_quote="居民委员会应当及时公布下列事项，接受居民的监督：……（五）居民委员会组织协商确定的事项"
        "及其落实情况；……公布的期限不得少于十五日。",
    ),
}


def disclosure_floor(scope: str) -> DisclosureFloor:
    """The posting floor for a rule set's scope; "any" is held to the stricter of both."""
    if scope in DISCLOSURE_FLOORS:
        return DISCLOSURE_FLOORS[scope]
    return max(DISCLOSURE_FLOORS.values(), key=lambda f: f.days)


@attrs.frozen
class MatterStatute:
    citation: str
    citation_en: str
    # statutory body kind -> conditions its decision must also meet (cumulative)
    thresholds: Mapping[str, tuple[Requirement, ...]]
    quorum: Mapping[str, tuple[Requirement, ...]] = attrs.field(factory=dict)
    notice_days: int = 0
    # An outside approval that must be recorded before the matter is carried out.
    approval: str = ""
    approval_en: str = ""
    quote: str = ""

    def notice_for(self, kind: str) -> int:
        """Notice applies to the full assemblies the statute sets attendance for."""
        return self.notice_days if kind in self.quorum else 0

    @property
    def kinds(self) -> tuple[str, ...]:
        """The only kinds of assembly that may decide this matter."""
        return tuple(self.thresholds)


def _all(kinds: Sequence[str], req: Requirement) -> dict[str, tuple[Requirement, ...]]:
    return {k: (req,) for k in kinds}


_LAND_NOTE = "农村土地承包法：村民会议三分之二以上成员或者三分之二以上村民代表同意"
_TWO_THIRDS_MEMBERS = _req(Base.COMPOSITION, 2, 3, GTE, "全体成员的三分之二以上同意")
_TWO_THIRDS_REPS = _req(
    Base.REPRESENTATIVES, 2, 3, GTE, "全体（成员）代表的三分之二以上同意，不是到会人员"
)
_TWO_THIRDS_ATTEND = _req(Base.COMPOSITION, 2, 3, GTE, "三分之二以上成员参加")


def _land(
    item: str, item_en: str, quote: str, approval: str = "", approval_en: str = ""
) -> MatterStatute:
    return MatterStatute(
        citation=f"{LAND_LAW}{item}",
        citation_en=f"{LAND_LAW_EN}, {item_en}",
        thresholds={
            _VA: (attrs.evolve(_TWO_THIRDS_MEMBERS, note=_LAND_NOTE),),
            _RA: (attrs.evolve(_TWO_THIRDS_REPS, note=_LAND_NOTE),),
            _MA: (_TWO_THIRDS_MEMBERS,),
            _MRA: (_TWO_THIRDS_MEMBERS,),
        },
        approval=approval,
        approval_en=approval_en,
        quote=quote,
    )


def _collective(item: str, item_en: str, subject: str, *, delegable: bool) -> MatterStatute:
    """A power of the 成员大会 (Art. 26); ``delegable`` = not one Art. 28 withholds."""
    thresholds = {_MA: (_TWO_THIRDS_MEMBERS,), _VA: (_TWO_THIRDS_MEMBERS,)}
    # Art. 27 governs the full assembly (its notice and attendance); Art. 28 sets
    # only the decision rule of a representative assembly.
    quorum = {_MA: (_TWO_THIRDS_ATTEND,), _VA: (_TWO_THIRDS_ATTEND,)}
    if delegable:
        thresholds |= {_MRA: (_TWO_THIRDS_MEMBERS,), _RA: (_TWO_THIRDS_REPS,)}
    words = "" if delegable else "；成员代表大会不得行使（第二十八条第四款）"
    return MatterStatute(
        citation=f"{COLLECTIVE_LAW}第二十六条第一款第{item}项、第二十七条{'、第二十八条' if delegable else ''}",
        citation_en=f"{COLLECTIVE_LAW_EN}, Art. 26(1)({item_en}), Art. 27"
        + (
            ", Art. 28"
            if delegable
            else "; not for the members' representative assembly (Art. 28(4))"
        ),
        thresholds=thresholds,
        quorum=quorum,
        notice_days=10,
        quote=f"成员大会……{subject}{words}。村民委员会依法代行农村集体经济组织职能的，讨论决定有关集体财产和"
        "成员权益的事项，参照适用《中华人民共和国农村集体经济组织法》的相关规定（村组法第二十八条第四款）。",
    )


MATTER_STATUTES: dict[str, MatterStatute] = {
    "land_contract_outsiders": _land(
        "第五十二条",
        "Art. 52",
        "发包方将农村土地发包给本集体经济组织以外的单位或者个人承包，应当事先经本集体经济组织成员的村民会议"
        "三分之二以上成员或者三分之二以上村民代表的同意，并报乡（镇）人民政府批准。",
        approval="乡（镇）人民政府批准",
        approval_en="approval by the township government",
    ),
    "land_contracting_plan": _land(
        "第十九条第三项、第二十条",
        "Arts. 19(3), 20",
        "承包方案应当按照本法第十三条的规定，依法经本集体经济组织成员的村民会议三分之二以上成员或者三分之二以上"
        "村民代表的同意。",
    ),
    "collective_land_lease": MatterStatute(
        citation="农业部《农村土地经营权流转交易市场运行规范（试行）》（2016）",
        citation_en="MOA land-transfer trading rules (2016)",
        thresholds={
            _VA: (_TWO_THIRDS_MEMBERS,),
            _RA: (_TWO_THIRDS_REPS,),
            _MA: (_TWO_THIRDS_MEMBERS,),
            _MRA: (_TWO_THIRDS_MEMBERS,),
        },
        quote="须有三分之二以上成员或村民代表同意的书面证明。",
    ),
    "collective_homestead": _collective(
        "八",
        "8",
        "对农村土地承包、宅基地使用和集体经营性财产收益权份额量化方案等事项作出决定",
        delegable=False,
    ),
    "collective_compensation": _collective(
        "十", "10", "决定土地补偿费等的分配、使用办法", delegable=False
    ),
    "collective_membership": _collective("三", "3", "确认农村集体经济组织成员", delegable=False),
    "collective_investment": _collective("十一", "11", "决定投资等重大事项", delegable=True),
}


def _floor_note(req: Requirement, citation: str) -> Requirement:
    return attrs.evolve(
        req, note=f"法定下限，{req.note}（{citation}）" if req.note else f"法定下限：{citation}"
    )


def strengthen_threshold(
    threshold: Sequence[Requirement], floor: Sequence[Requirement], citation: str
) -> tuple[Requirement, ...]:
    """``threshold`` plus every floor condition it does not already imply (all must hold)."""
    added = [
        _floor_note(f, citation)
        for f in floor
        if not any(at_least_as_strict(c, f) for c in threshold)
    ]
    return (*threshold, *added)


def _as_adults(req: Requirement) -> Requirement:
    return attrs.evolve(req, base=Base.ELIGIBLE_ADULTS) if req.base is Base.COMPOSITION else req


def _quorum_implies(c: Requirement, f: Requirement, adults: bool) -> bool:
    # In an assembly of all adults the members *are* the adults: 全体成员 and
    # 十八周岁以上村民 are one base, counted the same way.
    if adults:
        c, f = _as_adults(c), _as_adults(f)
    return at_least_as_strict(c, f, quorum=True)


def quorum_meets(
    candidate: Sequence[Requirement], floor: Sequence[Requirement], adults: bool = False
) -> bool:
    """Every alternative the rule set accepts implies one the law accepts."""
    return bool(candidate) and all(
        any(_quorum_implies(c, f, adults) for f in floor) for c in candidate
    )


def threshold_meets(candidate: Sequence[Requirement], floor: Sequence[Requirement]) -> bool:
    return all(any(at_least_as_strict(c, f) for c in candidate) for f in floor)


def strengthen_quorum(
    quorum: Sequence[Requirement],
    floor: Sequence[Requirement],
    citation: str,
    adults: bool = False,
) -> tuple[Requirement, ...]:
    """The rule set's quorum alternatives that meet the floor; the floor's own if none do."""
    kept = tuple(c for c in quorum if any(_quorum_implies(c, f, adults) for f in floor))
    return kept or tuple(_floor_note(f, citation) for f in floor)
