"""Hypothesis strategies for the counting domain (yishi.domain.counting)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from yishi.domain.counting import Base, Comparator, Requirement


def fractions_(max_denominator: int = 10) -> st.SearchStrategy[Fraction]:
    """Exact fractions in (0, 1] with denominators 1..max_denominator."""
    return st.integers(min_value=1, max_value=max_denominator).flatmap(
        lambda den: st.builds(Fraction, st.integers(min_value=1, max_value=den), st.just(den))
    )


def comparators() -> st.SearchStrategy[Comparator]:
    return st.sampled_from(Comparator)


def bases() -> st.SearchStrategy[Base]:
    return st.sampled_from(Base)


def requirements(
    base: st.SearchStrategy[Base] | None = None,
    fraction: st.SearchStrategy[Fraction] | None = None,
    comparator: st.SearchStrategy[Comparator] | None = None,
) -> st.SearchStrategy[Requirement]:
    return st.builds(
        Requirement,
        base=base if base is not None else bases(),
        fraction=fraction if fraction is not None else fractions_(),
        comparator=comparator if comparator is not None else comparators(),
    )


def base_values(max_value: int = 500) -> st.SearchStrategy[int]:
    """A size for a base: 0 (nobody) up to a large community."""
    return st.integers(min_value=0, max_value=max_value)


# -- meetings (tests/test_domain_properties.py) ------------------------------


def subsets_of(
    n: int, max_size: int | None = None, min_size: int = 0
) -> st.SearchStrategy[frozenset[int]]:
    """A subset of ``range(n)`` whose size is spread evenly over min_size..max_size.

    Drawing a size first, then which members, reaches "nearly everyone" as
    often as "nearly nobody" (a list of booleans clusters around one half).
    """
    top = n if max_size is None else min(n, max_size)
    return st.integers(min_value=min(min_size, top), max_value=top).flatmap(
        lambda size: st.permutations(range(n)).map(lambda order: frozenset(order[:size]))
    )


def hand_counts(present: int) -> st.SearchStrategy[tuple[int, int, int]]:
    """(yes, no, abstain) that together do not exceed ``present``."""
    return st.integers(min_value=0, max_value=present).flatmap(
        lambda yes: st.integers(min_value=0, max_value=present - yes).flatmap(
            lambda no: st.tuples(
                st.just(yes), st.just(no), st.integers(min_value=0, max_value=present - yes - no)
            )
        )
    )


def sittings_days() -> st.SearchStrategy[tuple[int, ...]]:
    """A council charter's sitting days of the month (domain/sittings.py), 1..31."""
    return st.lists(st.integers(min_value=1, max_value=31), min_size=1, max_size=4).map(
        lambda days: tuple(sorted(set(days)))
    )


def council_outcomes() -> st.SearchStrategy[str]:
    """How a council meeting ends in a hand-off walk: passed, rejected or not quorate."""
    return st.sampled_from(["passed", "passed", "rejected", "no_quorum"])


#: What can happen to a matter at a referral stage (domain/referral.py), with
#: the days since the previous act: sent, answered either way, time passing,
#: the resident rating after a settled answer.
REFERRAL_ACTS = (
    "send",
    "send_other",
    "answer_yes",
    "answer_no",
    "tick",
    "rate_low",
    "rate_ok",
    "close",
)


def referral_histories(max_size: int = 14) -> st.SearchStrategy[list[tuple[int, str]]]:
    return st.lists(
        st.tuples(st.integers(min_value=0, max_value=30), st.sampled_from(REFERRAL_ACTS)),
        max_size=max_size,
    )


# -- money (yishi.domain.accounts) ------------------------------------------------


def yuan_texts() -> st.SearchStrategy[str]:
    """Amounts as a clerk types them: mostly valid sums in 元, some that must be refused
    (three decimals, zero, negative, words, a sum beyond the limit)."""
    valid = st.integers(1, 10**9).map(lambda fen: f"{fen // 100}.{fen % 100:02d}") | st.integers(
        1, 10**6
    ).map(str)
    invalid = st.sampled_from(["1.234", "0", "0.00", "-5", "一万", "", "1e3", "99999999999999"])
    return st.one_of(valid, valid, valid, invalid)


def account_items() -> st.SearchStrategy[str]:
    return st.sampled_from(["水泥砂石", "人工", "设计监理", "预算外杂项", " "])


# -- households and their representatives (一事一议, tests/test_yishi_yiyi.py) ----


def household_assignments(
    max_households: int = 90, max_reps: int = 12
) -> st.SearchStrategy[tuple[int, list[int]]]:
    """(number of representatives, for each household the index of its 村民代表 or -1
    when none is on record)."""
    return st.integers(min_value=1, max_value=max_reps).flatmap(
        lambda reps: st.tuples(
            st.just(reps),
            st.lists(st.integers(-1, reps - 1), min_size=1, max_size=max_households),
        )
    )
