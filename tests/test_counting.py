"""Tests for exact quorum / threshold counting (yishi.domain.counting).

过半数 / 超过 means strictly more than (``>``); 以上 / 不少于 includes the number
itself (``>=``).  Every expected number below was computed by hand.
"""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from strategies import base_values, bases, comparators, fractions_, requirements
from yishi.domain.counting import (
    Base,
    Check,
    Comparator,
    Requirement,
    Verdict,
    at_least_as_strict,
    check,
    chinese_number,
    evaluate,
    fraction_zh,
    parse_fraction,
)

GT = Comparator.GT
GTE = Comparator.GTE
F = Fraction


def req(fraction: str, comparator: Comparator, base: Base = Base.COMPOSITION) -> Requirement:
    num, _, den = fraction.partition("/")
    return Requirement(base, F(int(num), int(den or 1)), comparator)


def brute_minimum(fraction: Fraction, comparator: Comparator, n: int) -> int:
    """Smallest k in 1..n+1 with k*den > num*n (or >=), in integers only.

    k starts at 1: nothing is carried by nobody, not even a share of an empty base.
    """
    num, den = fraction.numerator, fraction.denominator
    for k in range(1, n + 2):
        if (k * den > num * n) if comparator is GT else (k * den >= num * n):
            return k
    raise AssertionError("no k in 0..n+1 satisfies the requirement")


# ---------------------------------------------------------------------------
# Hand-computed statutory boundary cases
# ---------------------------------------------------------------------------

# (fraction, comparator, base value, minimum)
BOUNDARY_CASES = [
    ("2/3", GTE, 35, 24),  # 23.33… → 24; 23 is not enough
    ("1/2", GT, 24, 13),  # 过半数 of 24: 12 is exactly half, not more
    ("1/2", GTE, 24, 12),  # 半数以上 of 24: 12 counts
    ("1/2", GT, 35, 18),
    ("1/2", GTE, 35, 18),
    ("2/3", GTE, 36, 24),
    ("2/3", GT, 36, 25),  # exact 24 is not "more than"
    ("2/3", GTE, 30, 20),
    ("2/3", GT, 30, 21),
    ("4/5", GTE, 36, 29),  # 28.8 → 29
    ("1/3", GTE, 36, 12),
    ("1/3", GT, 36, 13),
    ("1/2", GT, 0, 1),  # more than half of nobody still needs one
    ("1/2", GTE, 0, 1),  # an empty base still needs someone
    ("1/2", GT, 1, 1),
    ("1/2", GTE, 1, 1),
    ("1/2", GT, 2, 2),
    ("1/2", GTE, 2, 1),
    ("2/3", GTE, 3, 2),
    ("2/3", GT, 3, 3),
    ("2/3", GTE, 100, 67),
    ("1", GTE, 35, 35),  # 全部
    ("1", GT, 35, 36),  # impossible by construction
    ("1/10", GTE, 10, 1),
    ("1/10", GT, 10, 2),
    ("1/5", GTE, 7, 2),  # 1.4 → 2
    ("7/10", GTE, 90, 63),
    ("7/10", GT, 90, 64),  # 0.7 * 90 == 62.99999999999999 in floats
]


@pytest.mark.parametrize(("fraction", "comparator", "n", "minimum"), BOUNDARY_CASES)
def test_statutory_boundaries(fraction, comparator, n, minimum):
    r = req(fraction, comparator)
    assert r.minimum(n) == minimum
    assert type(r.minimum(n)) is int
    assert r.is_met(minimum, n)
    if minimum > 0:
        assert not r.is_met(minimum - 1, n)
    c = check(r, "threshold", minimum, n)
    assert (c.minimum, c.met, c.count, c.base_value) == (minimum, True, minimum, n)
    if minimum > 0:
        below = check(r, "threshold", minimum - 1, n)
        assert below.minimum == minimum
        assert not below.met


def test_two_thirds_of_35():
    r = Requirement(Base.ENTITLED, F(2, 3), GTE)
    assert r.is_met(24, 35)
    assert not r.is_met(23, 35)


def test_more_than_half_of_24():
    r = Requirement(Base.PRESENT, F(1, 2), GT)
    assert r.is_met(13, 24)
    assert not r.is_met(12, 24)
    assert Requirement(Base.PRESENT, F(1, 2), GTE).is_met(12, 24)


def test_check_rejects_negative_numbers():
    r = req("1/2", GT)
    with pytest.raises(ValueError):
        check(r, "quorum", -1, 10)
    with pytest.raises(ValueError):
        check(r, "quorum", 1, -10)


# ---------------------------------------------------------------------------
# Properties of Requirement.minimum / is_met
# ---------------------------------------------------------------------------


@given(requirements(), base_values())
def test_minimum_is_exactly_the_boundary(r, n):
    m = r.minimum(n)
    assert r.is_met(m, n)
    if m > 0:
        assert not r.is_met(m - 1, n)


@given(requirements(), st.integers(min_value=0, max_value=250))
def test_minimum_is_exact_boundary_for_odd_and_even(r, half):
    for n in (2 * half, 2 * half + 1):
        m = r.minimum(n)
        assert r.is_met(m, n)
        if m > 0:
            assert not r.is_met(m - 1, n)


@given(requirements(), base_values(), st.integers(min_value=0, max_value=600))
def test_is_met_iff_count_reaches_minimum(r, n, count):
    assert r.is_met(count, n) == (count >= r.minimum(n))


@given(requirements(), base_values(), st.integers(min_value=0, max_value=600))
def test_monotonic_in_count(r, n, count):
    if r.is_met(count, n):
        assert r.is_met(count + 1, n)


@given(fractions_(), bases(), base_values(), st.integers(min_value=0, max_value=600))
def test_strict_is_never_looser_than_inclusive(fraction, base, n, count):
    strict = Requirement(base, fraction, GT)
    inclusive = Requirement(base, fraction, GTE)
    assert strict.minimum(n) >= inclusive.minimum(n)
    if strict.is_met(count, n):
        assert inclusive.is_met(count, n)


@given(fractions_(), comparators(), base_values())
def test_minimum_matches_integer_brute_force(fraction, comparator, n):
    r = Requirement(Base.COMPOSITION, fraction, comparator)
    assert r.minimum(n) == brute_minimum(fraction, comparator, n)


def test_minimum_matches_brute_force_exhaustively():
    for den in range(1, 11):
        for num in range(1, den + 1):
            fraction = F(num, den)
            for comparator in Comparator:
                r = Requirement(Base.COMPOSITION, fraction, comparator)
                for n in range(0, 201):
                    expected = brute_minimum(fraction, comparator, n)
                    assert r.minimum(n) == expected, (fraction, comparator, n)
                    for count in (expected - 1, expected, expected + 1):
                        if count >= 0:
                            assert r.is_met(count, n) == (count >= expected)


@given(requirements(), base_values(), st.integers(min_value=0, max_value=100))
def test_larger_base_never_lowers_minimum(r, n, extra):
    assert r.minimum(n + extra) >= r.minimum(n)


@given(
    requirements(base=st.just(Base.ENTITLED)),
    st.integers(min_value=0, max_value=300),
    st.integers(min_value=0, max_value=300),
)
def test_recusal_never_raises_the_minimum(r, members, recused):
    assume(recused <= members)
    entitled = members - recused
    assert r.minimum(entitled) <= r.minimum(members)
    # Recusal also never turns a met requirement into an unmet one.
    for count in range(entitled + 1):
        if r.is_met(count, members):
            assert r.is_met(count, entitled)


# ---------------------------------------------------------------------------
# at_least_as_strict
# ---------------------------------------------------------------------------


def _all_requirements(base: Base = Base.COMPOSITION) -> list[Requirement]:
    out = []
    for den in range(1, 11):
        for num in range(1, den + 1):
            if F(num, den).denominator == den:
                out.extend(Requirement(base, F(num, den), c) for c in Comparator)
    return out


@given(requirements(base=st.just(Base.PRESENT)), requirements(base=st.just(Base.PRESENT)))
def test_at_least_as_strict_implies_met_same_base(a, b):
    assume(at_least_as_strict(a, b))
    for n in range(0, 61):
        for count in range(0, n + 2):
            if a.is_met(count, n):
                assert b.is_met(count, n), (a, b, count, n)


def test_at_least_as_strict_exhaustive_positive_bases():
    reqs = _all_requirements()
    for a in reqs:
        for b in reqs:
            if not at_least_as_strict(a, b):
                continue
            for n in range(1, 61):
                for count in range(0, n + 2):
                    if a.is_met(count, n):
                        assert b.is_met(count, n), (a, b, count, n)


def test_nothing_is_met_by_nobody():
    """An empty base never yields a quorum or a decision: "2/3 of nobody" is not met by 0."""
    for r in _all_requirements():
        assert not r.is_met(0, 0)
        assert r.minimum(0) == 1
        assert r.is_met(1, 0)
    assert at_least_as_strict(req("2/3", GTE), req("1/2", GT))


def test_at_least_as_strict_known_pairs():
    assert at_least_as_strict(req("2/3", GTE), req("1/2", GTE))
    assert at_least_as_strict(req("1/2", GT), req("1/2", GTE))
    assert at_least_as_strict(req("1/2", GT), req("1/2", GT))
    assert not at_least_as_strict(req("1/2", GTE), req("1/2", GT))
    assert not at_least_as_strict(req("1/2", GT), req("2/3", GTE))
    # A share of all members implies the same share of those present, not vice versa.
    assert at_least_as_strict(req("1/2", GT, Base.COMPOSITION), req("1/2", GT, Base.PRESENT))
    assert not at_least_as_strict(req("1/2", GT, Base.PRESENT), req("1/2", GT, Base.COMPOSITION))
    # Households are not people.
    assert not at_least_as_strict(
        req("2/3", GTE, Base.HOUSEHOLDS), req("1/2", GTE, Base.COMPOSITION)
    )


# ---------------------------------------------------------------------------
# evaluate() / Verdict
# ---------------------------------------------------------------------------

_counts = st.fixed_dictionaries({b: st.integers(min_value=0, max_value=200) for b in Base})
_bases = st.fixed_dictionaries({b: st.integers(min_value=0, max_value=200) for b in Base})


@given(
    st.sampled_from(["quorum", "threshold"]),
    st.lists(requirements(), min_size=1, max_size=5),
    _counts,
    _bases,
)
def test_any_of_and_all_of(what, reqs, counts, base_vals):
    expected = [r.is_met(counts[r.base], base_vals[r.base]) for r in reqs]
    any_v = evaluate(what, "any_of", reqs, counts, base_vals)
    all_v = evaluate(what, "all_of", reqs, counts, base_vals)
    assert isinstance(any_v, Verdict)
    assert [c.met for c in any_v.checks] == expected
    assert [c.met for c in all_v.checks] == expected
    assert any_v.met == any(expected)
    assert all_v.met == all(expected)
    for v in (any_v, all_v):
        for c, r in zip(v.checks, reqs, strict=True):
            assert c.requirement == r
            assert c.count == counts[r.base]
            assert c.base_value == base_vals[r.base]
            assert c.minimum == r.minimum(base_vals[r.base])
        d = v.as_dict()
        assert d["met"] == v.met
        assert set(d["explanation"]) == {"zh", "en"}


def _numbers_in(text: str) -> list[str]:
    return re.findall(r"\d+", text)


@given(
    requirements(),
    st.sampled_from(["quorum", "threshold"]),
    st.integers(min_value=0, max_value=300),
    st.integers(min_value=0, max_value=300),
)
def test_explanations_carry_the_numbers(r, what, count, n):
    c = check(r, what, count, n)
    for lang in ("zh", "en"):
        text = c.explain(lang)
        numbers = _numbers_in(text)
        assert str(count) in numbers, (lang, text)
        assert str(n) in numbers, (lang, text)
        assert str(c.minimum) in numbers, (lang, text)
        verdict_text = Verdict(what, "all_of", (c,)).explain(lang)
        for value in (count, n, c.minimum):
            assert str(value) in _numbers_in(verdict_text)


def test_zh_explanation_of_24_of_35():
    r = Requirement(Base.ENTITLED, F(2, 3), GTE)
    v = evaluate("quorum", "any_of", [r], {Base.ENTITLED: 24}, {Base.ENTITLED: 35})
    assert v.met
    zh = v.explain("zh")
    assert "24" in zh
    assert "35" in zh
    assert "三分之二" in zh
    assert "会议有效" in zh
    en = v.explain("en")
    assert "24" in en and "35" in en and "2/3" in en
    assert "not" not in en


def test_zh_explanation_of_23_of_35_not_met():
    r = Requirement(Base.ENTITLED, F(2, 3), GTE)
    v = evaluate("quorum", "any_of", [r], {Base.ENTITLED: 23}, {Base.ENTITLED: 35})
    assert not v.met
    zh = v.explain("zh")
    assert "23" in zh and "35" in zh and "24" in zh
    assert "未达到" in zh
    assert "不足法定人数" in zh


def test_explain_more_than_half_wording():
    c = check(Requirement(Base.VOTES_CAST, F(1, 2), GT), "threshold", 12, 24)
    assert isinstance(c, Check)
    assert not c.met
    assert "过半数" in c.explain("zh")
    assert "more than 1/2" in c.explain("en")
    assert "13" in _numbers_in(c.explain("zh"))


# ---------------------------------------------------------------------------
# chinese_number / fraction_zh
# ---------------------------------------------------------------------------

_D = "零一二三四五六七八九"


def _reference_chinese(n: int) -> str:
    """Independent reference for 1..199 written from the rules of 汉字数字."""
    if n < 10:
        return _D[n]
    if n < 20:
        return "十" + (_D[n % 10] if n % 10 else "")
    if n < 100:
        return _D[n // 10] + "十" + (_D[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    text = _D[hundreds] + "百"
    if rest == 0:
        return text
    if rest < 10:
        return text + "零" + _D[rest]
    return text + _D[rest // 10] + "十" + (_D[rest % 10] if rest % 10 else "")


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "一"),
        (2, "二"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (35, "三十五"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (105, "一百零五"),
        (110, "一百一十"),
        (111, "一百一十一"),
        (120, "一百二十"),
    ],
)
def test_chinese_number_spot_checks(n, expected):
    assert chinese_number(n) == expected


def test_chinese_number_1_to_120():
    for n in range(1, 121):
        assert chinese_number(n) == _reference_chinese(n), n


def test_fraction_zh():
    assert fraction_zh(F(2, 3)) == "三分之二"
    assert fraction_zh(F(1, 2)) == "半数"
    assert fraction_zh(F(1, 3)) == "三分之一"
    assert fraction_zh(F(4, 5)) == "五分之四"
    assert fraction_zh(F(1, 10)) == "十分之一"


# ---------------------------------------------------------------------------
# parse_fraction
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2/3", F(2, 3)), ("1", F(1)), (" 1/2 ", F(1, 2)), ("4/5", F(4, 5)), ("2/4", F(1, 2))],
)
def test_parse_fraction_accepts(text, expected):
    value = parse_fraction(text)
    assert value == expected
    assert isinstance(value, Fraction)


@pytest.mark.parametrize(
    "text",
    ["0.5", "50%", "3/2", "0", "abc", "", "  ", "-1/2", "0/3", "2/", "/3", "66.7%", "1e0"],
)
def test_parse_fraction_rejects(text):
    with pytest.raises(ValueError):
        parse_fraction(text)


def test_parse_fraction_rejects_zero_denominator():
    # Must be a ValueError, not a ZeroDivisionError leaking from Fraction(1, 0).
    with pytest.raises(ValueError):
        parse_fraction("1/0")
