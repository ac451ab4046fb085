"""Counting rules: properties of every built-in rule (tests/test_methods_compare.py
checks them against established libraries)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from yishi.domain.counting import Base, Comparator, Requirement
from yishi.domain.methods import (
    APPROVAL,
    AT_MOST_SEATS,
    IRV,
    SATISFACTION,
    STV,
    YES_NO,
    ElectionContext,
)
from yishi.domain.ranked import droop_quota, irv, stv

CANDIDATES = ("a", "b", "c", "d", "e", "f")
MAJORITY = Requirement(Base.VOTES_CAST, Fraction(1, 2), Comparator.GT)


@st.composite
def rankings(draw, full: bool = False, min_size: int = 1, max_size: int = 40):
    k = draw(st.integers(2, len(CANDIDATES)))
    names = CANDIDATES[:k]
    ballot = st.permutations(names).flatmap(
        lambda p: st.just(tuple(p)) if full else st.integers(1, k).map(lambda n: tuple(p[:n]))
    )
    return names, draw(st.lists(ballot, min_size=min_size, max_size=max_size))


@st.composite
def marks(draw, max_size: int = 40):
    k = draw(st.integers(2, len(CANDIDATES)))
    names = CANDIDATES[:k]
    ballot = st.sets(st.sampled_from(names)).map(lambda s: tuple(sorted(s)))
    return names, draw(st.lists(ballot, max_size=max_size))


def context(names, ballots, seats=1, **kw) -> ElectionContext:
    return ElectionContext(candidates=tuple(names), seats=seats, cast=len(ballots), **kw)


# -- properties -------------------------------------------------------------------


@given(rankings(), st.integers(1, 3), st.randoms())
@settings(max_examples=150, deadline=None)
def test_ranked_results_do_not_depend_on_ballot_order(profile, seats, rnd):
    names, ballots = profile
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert irv(names, ballots) == irv(names, shuffled)
    assert stv(names, ballots, seats) == stv(names, shuffled, seats)


@given(marks(), st.integers(1, 3), st.randoms())
@settings(max_examples=150, deadline=None)
def test_marked_results_do_not_depend_on_ballot_order(profile, seats, rnd):
    names, ballots = profile
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    for rule in (APPROVAL, AT_MOST_SEATS):
        ctx = context(names, ballots, seats, thresholds=(MAJORITY,))
        assert rule.count(ballots, ctx) == rule.count(shuffled, ctx)


@given(st.lists(st.sampled_from(SATISFACTION.choices)), st.randoms())
def test_motion_counts_do_not_depend_on_ballot_order(choices, rnd):
    shuffled = list(choices)
    rnd.shuffle(shuffled)
    assert SATISFACTION.count(choices) == SATISFACTION.count(shuffled)
    counted = SATISFACTION.count(choices)
    assert counted["yes"] == choices.count("satisfied") + choices.count("basically_satisfied")
    assert counted["yes"] + counted["no"] + counted["abstain"] == len(choices)


@given(rankings())
@settings(max_examples=200, deadline=None)
def test_a_majority_of_first_preferences_wins_irv(profile):
    names, ballots = profile
    firsts = [b[0] for b in ballots]
    leader = max(names, key=firsts.count)
    assume(2 * firsts.count(leader) > len(ballots))
    result = irv(names, ballots)
    assert result.elected == (leader,)
    assert len(result.rounds) == 1  # decided in the first round
    assert IRV.count(ballots, context(names, ballots)).elected == (leader,)


@given(marks(), st.integers(1, 4))
@settings(max_examples=200, deadline=None)
def test_adding_a_seat_never_removes_an_approval_winner(profile, seats):
    names, ballots = profile
    for thresholds in ((), (MAJORITY,)):
        fewer = APPROVAL.count(ballots, context(names, ballots, seats, thresholds=thresholds))
        more = APPROVAL.count(ballots, context(names, ballots, seats + 1, thresholds=thresholds))
        assert set(fewer.elected) <= set(more.elected)


@given(rankings(), st.integers(1, 4))
@settings(max_examples=150, deadline=None)
def test_stv_fills_seats_with_distinct_candidates_and_conserves_votes(profile, seats):
    names, ballots = profile
    seats = min(seats, len(names))
    result = stv(names, ballots, seats)
    assert len(set(result.elected)) == len(result.elected) == seats
    assert result.quota == droop_quota(len(ballots), seats)
    for r in result.rounds:  # truncation only ever loses value, never creates it
        assert sum(r.totals.values()) + r.exhausted <= len(ballots)


def test_over_marked_ballot_is_invalid_only_under_at_most_seats():
    ballots = [("a", "b", "c"), ("a",), ("b",)]
    ctx = context("abc", ballots, seats=2, thresholds=(MAJORITY,))
    strict = AT_MOST_SEATS.count(ballots, ctx)
    assert (strict.valid, dict(strict.invalid)) == (2, {"too_many_names": 1})
    assert strict.votes["a"] == 1  # the over-marked ballot counts for no one
    assert strict.candidates[0]["checks"][0]["base_value"] == 3  # but stays in the base
    loose = APPROVAL.count(ballots, ctx)
    assert (loose.valid, dict(loose.invalid)) == (3, {})
    assert loose.votes["a"] == 2


def test_yes_no_keeps_the_three_keys():
    assert YES_NO.count(["yes", "yes", "no", "abstain"]) == {"yes": 2, "no": 1, "abstain": 1}
    assert YES_NO.invalid("maybe") == "bad_choice"


def test_stv_explains_quota_transfers_and_exclusions():
    ballots = [("a", "b")] * 6 + [("b",)] * 2 + [("c", "b")] * 3
    result = STV.count(ballots, context("abc", ballots, seats=2))
    zh, en = result.explanation["zh"], result.explanation["en"]
    assert "当选基数 ⌊11÷3⌋+1 = 4" in zh
    assert "转移 a 的剩余票 2" in zh and "2/6" in zh
    assert result.elected == ("a", "b")
    assert "quota ⌊11/3⌋+1 = 4" in en
    # a's surplus 2 moves on at 2/6 = 0.33333 (truncated) per ballot: b has
    # 2 + 6 × 0.33333 = 3.99998, short of the quota; c (3) is excluded and b elected
    transfer = next(r for r in result.rounds if r["action"] == "transfer")
    assert transfer["totals"]["b"] == "3.99998"
    assert [r["action"] for r in result.rounds] == [
        "count",
        "elect",
        "transfer",
        "exclude",
        "elect",
    ]


def test_stv_truncates_transfer_values_to_five_decimals():
    # 7 ballots a>b, quota ⌊7/2⌋+1 = 4: surplus 3/7 per ballot = 0.42857 (truncated)
    ballots = [("a", "b")] * 7 + [("c",)] * 3
    result = stv("abc", ballots, 1)
    assert result.elected == ("a",)
    ballots = [("a", "b")] * 7 + [("c",)]
    result = stv("abcd", ballots, 2)
    transfer = next(r for r in result.rounds if r.action == "transfer")
    # quota ⌊8/3⌋+1 = 3, surplus 4 of 7: each ballot moves at ⌊100000 × 4/7⌋ = 57142
    assert transfer.totals["b"] == Fraction(7 * 57142, 100_000)


def test_ties_fall_back_to_ballot_paper_order_and_are_named():
    result = irv(("x", "y"), [("x",), ("y",)])
    assert result.elected == ("x",)  # y, listed later, is excluded first
    assert result.by_order
    assert "按候选人名单顺序" in result.ties[0]
    # an earlier round decides before the ballot order does
    ballots = [("c",)] * 4 + [("b",)] * 3 + [("a",)] * 2 + [("d", "a")]
    result = irv(("a", "b", "c", "d"), ballots)
    assert result.rounds[0].candidates == ("d",)
    # after d is out, a and b have 3 each; a had fewer in round 1: a goes
    assert result.rounds[1].candidates == ("a",)
    assert not result.by_order
