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
