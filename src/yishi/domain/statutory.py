"""Statutory floors: the only procedure rules written into code.

Only rules that ../shared/domain.md tags [S] (found in a source) live here, each
with its citation. Everything else — local practice, press reports, design
choices — belongs in a rule set, where a community can see and change it.

A rule set marked ``statutory = true`` may be stricter than these floors, never
looser. A rule set marked ``statutory = false`` (a local, non-statutory
procedure such as a courtyard 板凳会) is not held to them.

The figures come from the 2018 texts. The 2025 amendments (in force
2026-01-01) were not retrieved (domain.md §0.2, §11.1); a rule set that cites
the 2025 version is checked against the same floors and warned about it.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from yishi.domain.counting import Base, Comparator, Requirement


def _req(base: Base, num: int, den: int, cmp: Comparator) -> Requirement:
    return Requirement(base=base, fraction=Fraction(num, den), comparator=cmp)


GT, GTE = Comparator.GT, Comparator.GTE

VERIFIED_VERSIONS = ("2018",)


@attrs.frozen
class Floor:
    citation: str
    citation_en: str
    notice_days: int = 0
    quorum: tuple[Requirement, ...] = ()  # the law accepts any one of these
    threshold: tuple[Requirement, ...] = ()  # every one must be implied
    composition: tuple[tuple[str, str | None, Requirement], ...] = ()  # (role, gender, share)


BODY_FLOORS: dict[str, Floor] = {
    "villagers_assembly": Floor(
        citation="《村民委员会组织法》（2018）第二十一、二十二条",
        citation_en="Organic Law of Villagers' Committees (2018), Arts. 21-22",
        notice_days=10,
        quorum=(_req(Base.ELIGIBLE_ADULTS, 1, 2, GT), _req(Base.HOUSEHOLDS, 2, 3, GTE)),
        threshold=(_req(Base.PRESENT, 1, 2, GT),),
    ),
    "representatives_assembly": Floor(
        citation="《村民委员会组织法》（2018）第二十五、二十六条",
        citation_en="Organic Law of Villagers' Committees (2018), Arts. 25-26",
        quorum=(_req(Base.COMPOSITION, 2, 3, GTE),),
        threshold=(_req(Base.PRESENT, 1, 2, GT),),
        composition=(
            ("representative", None, _req(Base.COMPOSITION, 4, 5, GTE)),
            ("representative", "female", _req(Base.COMPOSITION, 1, 3, GTE)),
        ),
    ),
    "villager_group_meeting": Floor(
        citation="《村民委员会组织法》（2018）第二十八条（省级实施办法转载）",
        citation_en="Organic Law of Villagers' Committees (2018), Art. 28 (provincial copy)",
        quorum=(_req(Base.ELIGIBLE_ADULTS, 2, 3, GTE), _req(Base.HOUSEHOLDS, 2, 3, GTE)),
        threshold=(_req(Base.PRESENT, 1, 2, GT),),
    ),
    "party_members_assembly": Floor(
        # 半数以上 is read as >= for attendance: the looser reading is the floor;
        # rule sets choose their reading explicitly (domain.md §11.3).
        citation="《中国共产党支部工作条例（试行）》第十一条",
        citation_en="CPC Branch Work Regulations (trial), Art. 11",
        quorum=(_req(Base.ENTITLED, 1, 2, GTE),),
        threshold=(_req(Base.ENTITLED, 1, 2, GT),),
    ),
    "residents_assembly": Floor(
        citation="《城市居民委员会组织法》（2018）第九条",
        citation_en="Organic Law of Urban Residents' Committees (2018), Art. 9",
        quorum=(_req(Base.ELIGIBLE_ADULTS, 1, 2, GT), _req(Base.HOUSEHOLDS, 1, 2, GT)),
        threshold=(_req(Base.PRESENT, 1, 2, GT),),
    ),
}


@attrs.frozen
class MatterStatute:
    citation: str
    citation_en: str
    applies_to: tuple[str, ...]  # statutory body kinds whose decision it governs
    threshold: tuple[Requirement, ...]


_TWO_THIRDS_OF_ALL = (_req(Base.COMPOSITION, 2, 3, GTE),)
_ASSEMBLIES = ("villagers_assembly", "representatives_assembly")

MATTER_STATUTES: dict[str, MatterStatute] = {
    "land_contract_outsiders": MatterStatute(
        citation="《农村土地承包法》：发包给本集体经济组织以外的单位或个人，须经村民会议三分之二以上成员或者三分之二以上村民代表同意",
        citation_en="Rural Land Contracting Law: contracting to non-members needs 2/3 of all members or representatives",
        applies_to=_ASSEMBLIES,
        threshold=_TWO_THIRDS_OF_ALL,
    ),
    "land_contracting_plan": MatterStatute(
        citation="《农村土地承包法》第十九、二十条：承包方案须经村民会议三分之二以上成员或者三分之二以上村民代表同意",
        citation_en="Rural Land Contracting Law, Arts. 19-20: contracting plan needs 2/3 of all members or representatives",
        applies_to=_ASSEMBLIES,
        threshold=_TWO_THIRDS_OF_ALL,
    ),
    "collective_land_lease": MatterStatute(
        citation="农业部《农村土地经营权流转交易市场运行规范》（2016）：须有三分之二以上成员或村民代表同意的书面证明",
        citation_en="MOA land-transfer trading rules (2016): written consent of 2/3 of members or representatives",
        applies_to=_ASSEMBLIES,
        threshold=_TWO_THIRDS_OF_ALL,
    ),
}
