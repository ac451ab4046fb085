"""Exact counting of quorums and thresholds.

Every quorum and threshold is a :class:`Requirement` — a base, an exact
fraction and a comparator — evaluated with :class:`fractions.Fraction`, never
with floats or percentages: "2/3 of 35" must give 24 (以上 includes the
number itself), and a float can get that wrong.

Every evaluation returns a :class:`Check` that carries its own numbers and an
explanation in Chinese and English, so a verdict can always be read back to a
community worker.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs


class Base(str, enum.Enum):
    """The number a fraction is taken of (domain.md §0.3)."""

    COMPOSITION = "composition"  # 组成人员 / 全体成员: every member of the body
    ENTITLED = "entitled"  # 应到会有表决权的: voting members minus the recused
    PRESENT = "present"  # 到会人员: entitled members present
    HOUSEHOLDS = "households"  # 户: households in the community (or group)
    ELIGIBLE_ADULTS = "eligible_adults"  # 十八周岁以上村民
    REGISTERED = "registered"  # 登记参加选举的
    VOTES_CAST = "votes_cast"  # 参加投票的: ballots cast, abstentions included
    # 村民代表 / 居民代表 / 成员代表: members holding the role "representative" (农村土地承包法
    # Art. 52 counts "三分之二以上村民代表", not the whole 村民代表会议 with its committee members).
    REPRESENTATIVES = "representatives"
    # 一事一议: "到会村民代表所代表的户数" — households counted through the 村民代表 who
    # represent them (村组法 Art. 29: one per 5–15 households), against every household.
    HOUSEHOLDS_REPRESENTED = "households_represented"


class Comparator(str, enum.Enum):
    GT = ">"  # 过半数 / 超过: strictly more than
    GTE = ">="  # 以上 / 不少于: the number itself counts


# Units in which each base is counted; households are not people.
HOUSEHOLD_BASES = frozenset({Base.HOUSEHOLDS, Base.HOUSEHOLDS_REPRESENTED})
PERSON_BASES = frozenset(b for b in Base if b not in HOUSEHOLD_BASES)

BASE_NAMES: Mapping[Base, tuple[str, str]] = {
    Base.COMPOSITION: ("全体组成人员", "members"),
    Base.ENTITLED: ("应到会有表决权人员", "members entitled to vote"),
    Base.PRESENT: ("到会人员", "present"),
    Base.HOUSEHOLDS: ("户数", "households"),
    Base.ELIGIBLE_ADULTS: ("十八周岁以上村（居）民", "residents aged 18 and over"),
    Base.REGISTERED: ("登记选民", "registered voters"),
    Base.VOTES_CAST: ("参加投票人数", "votes cast"),
    Base.REPRESENTATIVES: ("全体代表", "representatives"),
    Base.HOUSEHOLDS_REPRESENTED: ("本村（组）户数", "households"),
}

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Chinese numeral for 0 ≤ n < 10000, as used in 三分之二 or 十分之一."""
    if not 0 <= n < 10000:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    text = ""
    pending_zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            text += ("零" if pending_zero else "") + _DIGITS[digit] + unit
            pending_zero = False
        elif text:
            pending_zero = True
    return text[1:] if text.startswith("一十") else text


def fraction_zh(f: Fraction) -> str:
    if f == Fraction(1, 2):
        return "半数"
    if f == 1:
        return "全部"
    return f"{chinese_number(f.denominator)}分之{chinese_number(f.numerator)}"


def fraction_en(f: Fraction) -> str:
    return "all" if f == 1 else f"{f.numerator}/{f.denominator}"


def parse_fraction(text: str) -> Fraction:
    """Parse "2/3" (or "1") into an exact fraction; raise ValueError otherwise.

    Decimals and percentages are refused on purpose: "66.7%" is not 2/3.
    """
    cleaned = text.strip()
    if not cleaned or any(ch in cleaned for ch in ".%eE"):
        raise ValueError(text)
    num, sep, den = cleaned.partition("/")
    if not num.strip().isdigit() or (sep and not den.strip().isdigit()):
        raise ValueError(text)
    if sep and int(den) == 0:
        raise ValueError(text)
    value = Fraction(int(num), int(den) if sep else 1)
    if not 0 < value <= 1:
        raise ValueError(text)
    return value


@attrs.frozen
class Requirement:
    """``count <cmp> fraction × base`` — one quorum or threshold condition."""

    base: Base
    fraction: Fraction
    comparator: Comparator
    # Why this reading was chosen (过半数 under 条例第十一条 …): shown with every
    # verdict that applies it. Not part of what the requirement *is*.
    note: str = attrs.field(default="", eq=False)

    def minimum(self, base_value: int) -> int:
        """The smallest whole count that satisfies this requirement.

        Never less than one: "two thirds of nobody" is not a quorum, and no
        decision is carried by nobody (a village with no households on record
        must not be quorate on the household route).
        """
        product = self.fraction * base_value
        if self.comparator is Comparator.GT:
            return math.floor(product) + 1
        return max(1, math.ceil(product))

    def is_met(self, count: int, base_value: int) -> bool:
        if count < 1:
            return False
        product = self.fraction * base_value
        if self.comparator is Comparator.GT:
            return count > product
        return count >= product

    def wording_zh(self) -> str:
        if self.comparator is Comparator.GT:
            return (
                "过半数" if self.fraction == Fraction(1, 2) else f"超过{fraction_zh(self.fraction)}"
            )
        return f"{fraction_zh(self.fraction)}以上（含本数）"

    def wording_en(self) -> str:
        if self.comparator is Comparator.GT:
            return f"more than {fraction_en(self.fraction)}"
        return f"at least {fraction_en(self.fraction)}"

    def as_dict(self) -> dict[str, str]:
        out = {
            "base": self.base.value,
            "fraction": f"{self.fraction.numerator}/{self.fraction.denominator}",
            "cmp": self.comparator.value,
        }
        if self.note:
            out["note"] = self.note
        return out


# what is counted -> (Chinese word, English word, Chinese unit)
_COUNTED = {
    "quorum": ("到会", "present", "人"),
    "threshold": ("赞成", "in favour", "票"),
    "satisfaction": ("满意", "satisfied", "票"),
    "participation": ("参加投票", "ballots cast", "人"),
    "candidate": ("得票", "votes", "票"),
    "petition": ("联名", "co-signed", "人"),
}


@attrs.frozen
class Check:
    """One requirement evaluated against real numbers."""

    requirement: Requirement
    what: str  # "quorum", "threshold" or "satisfaction"
    count: int
    base_value: int
    minimum: int
    met: bool

    def explain(self, lang: str = "zh") -> str:
        req = self.requirement
        base_zh, base_en = BASE_NAMES[req.base]
        counted_zh, counted_en, unit_zh = _COUNTED[self.what]
        if self.what == "satisfaction":
            base_zh, base_en = "参加评价人数", "ratings"
        elif self.what == "participation":
            base_zh = {Base.REGISTERED: "登记选民", Base.ENTITLED: "有选举权的成员"}.get(
                req.base, base_zh
            )
        if req.base in HOUSEHOLD_BASES:
            unit_zh = "户"
        if req.base is Base.HOUSEHOLDS_REPRESENTED and self.what == "quorum":
            counted_zh = "到会代表所代表"
            counted_en = "households represented by those present"
        if lang == "en":
            return (
                f"{self.count} {counted_en} of {self.base_value} {base_en}; "
                f"{req.wording_en()} required (at least {self.minimum}): "
                f"{'met' if self.met else 'not met'}"
                + (f" [rule note: {req.note}]" if req.note else "")
            )
        base_unit = "户" if req.base in HOUSEHOLD_BASES else "人"
        return (
            f"{counted_zh} {self.count} {unit_zh}，{base_zh} {self.base_value} {base_unit}，"
            f"须{req.wording_zh()}（至少 {self.minimum} {unit_zh}），"
            f"{'达到' if self.met else '未达到'}"
            + (f"〔规则说明：{req.note}〕" if req.note else "")
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "requirement": self.requirement.as_dict(),
            "count": self.count,
            "base_value": self.base_value,
            "minimum": self.minimum,
            "met": self.met,
            "explanation": {"zh": self.explain("zh"), "en": self.explain("en")},
        }


def check(requirement: Requirement, what: str, count: int, base_value: int) -> Check:
    if count < 0 or base_value < 0:
        raise ValueError("counts are never negative")
    return Check(
        requirement=requirement,
        what=what,
        count=count,
        base_value=base_value,
        minimum=requirement.minimum(base_value),
        met=requirement.is_met(count, base_value),
    )


_OUTCOMES = {
    ("quorum", True): ("会议有效", "the meeting is valid"),
    ("quorum", False): ("不足法定人数，会议无效", "the meeting is not quorate"),
    ("threshold", True): ("表决通过", "passed"),
    ("threshold", False): ("表决未通过", "not passed"),
    ("satisfaction", True): ("评价达到要求", "accepted"),
    ("satisfaction", False): ("评价未达到要求", "not accepted"),
    ("participation", True): ("选举有效", "the election is valid"),
    ("participation", False): (
        "参加投票人数不足，选举无效",
        "too few ballots; the election is invalid",
    ),
    ("petition", True): ("联名人数达到，可以提出", "enough signatures to propose"),
    ("petition", False): ("联名人数不足，不能提出", "too few signatures to propose"),
    ("candidate", True): ("当选票数达到", "enough votes"),
    ("candidate", False): ("当选票数未达到", "not enough votes"),
}


@attrs.frozen
class Verdict:
    """The outcome of a set of checks, with the reasoning kept."""

    what: str  # "quorum" or "threshold"
    mode: str  # "any_of" (quorum alternatives) or "all_of" (cumulative thresholds)
    checks: tuple[Check, ...]
    # Conditions that must hold as well as ``checks`` (一事一议: the representatives
    # present must also represent 2/3 of households, besides Art. 30's 2/3 of members).
    also: tuple[Check, ...] = ()

    @property
    def met(self) -> bool:
        results = [c.met for c in self.checks]
        met = any(results) if self.mode == "any_of" else all(results)
        return met and all(c.met for c in self.also)

    def explain(self, lang: str = "zh") -> str:
        en = lang == "en"
        joiners = {("any_of", True): "; or ", ("any_of", False): "；或 "}
        joiner = joiners.get((self.mode, en), "; " if en else "；")
        body = joiner.join(c.explain(lang) for c in self.checks)
        if self.also:
            body += ("; and also " if en else "；并且 ") + ("; " if en else "；").join(
                c.explain(lang) for c in self.also
            )
        outcome = _OUTCOMES[(self.what, self.met)][1 if en else 0]
        if en:
            label = {
                "quorum": "quorum",
                "satisfaction": "satisfaction",
                "participation": "turnout",
                "candidate": "votes",
                "petition": "petition",
            }.get(self.what, "vote")
            return f"{label}: {body} — {outcome}"
        return f"{body}。{outcome}"

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "what": self.what,
            "mode": self.mode,
            "met": self.met,
            "checks": [c.as_dict() for c in self.checks],
        }
        if self.also:
            out["also"] = [c.as_dict() for c in self.also]
        out["explanation"] = {"zh": self.explain("zh"), "en": self.explain("en")}
        return out


def evaluate(
    what: str,
    mode: str,
    requirements: Sequence[Requirement],
    counts: Mapping[Base, int],
    bases: Mapping[Base, int],
    also: Sequence[Requirement] = (),
) -> Verdict:
    """Evaluate requirements; ``counts[base]`` is what is counted against ``bases[base]``.

    ``also`` are conditions that must hold besides (whatever ``mode`` is)."""
    return Verdict(
        what=what,
        mode=mode,
        checks=tuple(check(r, what, counts[r.base], bases[r.base]) for r in requirements),
        also=tuple(check(r, what, counts[r.base], bases[r.base]) for r in also),
    )


def at_least_as_strict(candidate: Requirement, floor: Requirement, *, quorum: bool = False) -> bool:
    """Whether meeting ``candidate`` always meets ``floor`` (used for statutory floors).

    For thresholds the count is the same (votes in favour) whatever the base, and
    person bases are ordered: composition ≥ entitled ≥ present ≥ votes cast, so a
    share of a larger base implies the same share of a smaller one. A quorum counts
    different people for different bases (all members present, or only those with
    a vote), so quorums are comparable on the same base only.

    Since no requirement is met by a count of zero, the implication holds for
    every base size, an empty one included.
    """
    if quorum and candidate.base != floor.base:
        return False
    if not _base_covers(candidate.base, floor.base):
        return False
    if candidate.fraction != floor.fraction:
        return candidate.fraction > floor.fraction
    return candidate.comparator is Comparator.GT or floor.comparator is Comparator.GTE


_BASE_ORDER = (Base.COMPOSITION, Base.ENTITLED, Base.PRESENT, Base.VOTES_CAST)


def _base_covers(candidate: Base, floor: Base) -> bool:
    if candidate == floor:
        return True
    if floor is Base.REPRESENTATIVES:
        # The representatives are some of the body's members.
        return candidate is Base.COMPOSITION
    if candidate in _BASE_ORDER and floor in _BASE_ORDER:
        return _BASE_ORDER.index(candidate) <= _BASE_ORDER.index(floor)
    return False
