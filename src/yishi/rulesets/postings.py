"""The 15-day posting floor for what a consultation settled, in local procedures.

村组法 (2025) Art. 35 and 居委会组织法 (2025) Art. 34 list what the villagers' or
residents' committee must publish, among them "村（居）民委员会组织协商确定的事项及其
落实情况" (Art. 35(2)(iv); Art. 34(2)(v)), and set one period for every item:
"公布的期限不得少于十五日". A 板凳会, 议事会 or online consultation is a local,
non-statutory procedure (``statutory = false``), but what it settles is still a
consultation the committee organised, and its posting is the committee's: the
statute's floor holds whatever procedure produced it. So ``statutory = false``
lowers the floors of meetings (quorum, threshold, notice: the procedure is the
community's own), never this one.

Which postings are the committee's is read from the stage: a ``resolution`` or
``result`` posting is (the matter settled, and how it was carried out), an
``other`` one (a plan posted for comment) is not, and ``statutory_posting``
says so explicitly either way: ``false`` for a posting that is not one the
committee must make (an owners' committee's or the property manager's own
notice), ``true`` for an ``other`` posting that is. A statutory rule set is
held to the floor on every posting (rulesets/floors.py), so
``statutory_posting = false`` has no place in it.

The item and the period are new in the 2025 texts (in force 2026-01-01), which
a rule set declares with ``law_version = "2025"``: such a rule set is refused
below the floor. One that follows the superseded 2018 texts (the default when
``law_version`` is not written), which have neither, is warned instead, so that
a local rule set written before, and every log decided under it, still loads.
"""

from __future__ import annotations

from yishi.domain.catalog import StageKind
from yishi.domain.rules import RuleSet
from yishi.domain.statutory import VERIFIED_VERSIONS, DisclosureFloor, disclosure_floor
from yishi.rulesets.problems import Problem

# Postings that are, by their kind, what a consultation settled and how it was carried out.
SETTLED = frozenset({"resolution", "result"})


def check_postings(rs: RuleSet) -> list[Problem]:
    out: list[Problem] = []
    floor = disclosure_floor(rs.scope)
    for index, stage in enumerate(rs.stages):
        if stage.kind_spec.behaviour is not StageKind.DISCLOSURE:
            continue
        where = f"stages[{index}]"
        if rs.statutory:
            if stage.statutory_posting is False:
                out.append(
                    Problem(
                        "inconsistent",
                        f"{where}.statutory_posting",
                        expected="不写：法定程序的每一次公布都不少于十五日"
                        f"（{floor.citation}：{floor.quote}）",
                        expected_en="no such key: every posting of a statutory procedure lasts "
                        f"at least {floor.days} days ({floor.citation_en})",
                        found=f"false（{stage.name}）",
                        hint="statutory_posting = false 只用于本地非法定程序（statutory = false）",
                        hint_en="statutory_posting = false is for local, non-statutory procedures "
                        "(statutory = false) only",
                    )
                )
            continue
        posted = (
            stage.disclosure_kind in SETTLED
            if stage.statutory_posting is None
            else stage.statutory_posting
        )
        if posted and stage.disclosure_days < floor.days:
            out.append(_below(rs, index, floor))
    return out


def _below(rs: RuleSet, index: int, floor: DisclosureFloor) -> Problem:
    stage, days = rs.stages[index], floor.days
    hint = (
        "本地程序也不例外：协商确定的事项由村（居）委会公布，期限不得少于十五日；"
        "如此步骤公布的不是村（居）委会依法须公布的事项（如业主委员会、物业自己的公告），"
        "在该步骤写 statutory_posting = false 并在 note 中说明"
    )
    hint_en = (
        "a local procedure too: what a consultation settled is posted by the committee for at "
        f"least {days} days; if this stage posts something the committee need not publish (an "
        "owners' committee's or the property manager's own notice), write "
        "statutory_posting = false on it and say why in its note"
    )
    current = rs.law_version in VERIFIED_VERSIONS
    if not current:
        # The superseded texts have neither the item nor the period: a rule set written
        # against them (and the logs decided under it) still loads, with this warning.
        hint = (
            f"本规则依据 {rs.law_version} 年文本（未写 law_version 的按 2018 年），该文本无此规定；"
            f'按 2026-01-01 施行的 2025 年文本须不少于十五日：请设 law_version = "2025" '
            f"并改为 {days} 日以上。" + hint
        )
        hint_en = (
            f"this rule set follows the {rs.law_version} texts (2018 when law_version is not "
            f"written), which have no such rule; under the 2025 texts in force since 2026-01-01 "
            f'it is {days} days: set law_version = "2025" and post for {days} days or more. '
            + hint_en
        )
    return Problem(
        "below_floor",
        f"stages[{index}].disclosure_days",
        expected=f"≥ {days} 日（{floor.consultation_citation}：{floor.consultation_quote}）",
        expected_en=f">= {days} days ({floor.consultation_citation_en}: what a consultation "
        "the committee organised settled, and how it was carried out, is posted for at least "
        f"{days} days)",
        found=f"{stage.disclosure_days}（{stage.name}）",
        hint=hint,
        hint_en=hint_en,
        severity="error" if current else "warning",
    )
