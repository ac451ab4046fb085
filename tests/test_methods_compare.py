"""Counting rules agree with established libraries on generated profiles.

IRV is compared with pyrankvote and pref_voting; STV with pref_voting's
``stv_scottish`` (the same rules: SSI 2007/42); approval with pref_voting's
grade-profile approval. A profile whose count had to fall back on ballot-paper
order (where the rules say "by lot") is left out of the comparison: the
libraries draw that lot at random. Both libraries are test dependencies
(pyproject ``[test]``).
"""

from __future__ import annotations

import random

import pyrankvote
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pref_voting import profiles as pref_profiles
from pref_voting import proportional_methods as pref_stv
from pref_voting import voting_methods as pref_methods

from tests.test_methods import context, marks, rankings
from yishi.domain.methods import APPROVAL
from yishi.domain.ranked import irv, stv


def _pyrankvote_irv(names, ballots):
    candidates = {n: pyrankvote.Candidate(n) for n in names}
    result = pyrankvote.instant_runoff_voting(
        list(candidates.values()),
        [pyrankvote.Ballot(ranked_candidates=[candidates[n] for n in b]) for b in ballots],
    )
    return [c.name for c in result.get_winners()]


@given(rankings(min_size=3))
@settings(max_examples=200, deadline=None)
def test_irv_agrees_with_pyrankvote(profile):
    names, ballots = profile
    ours = irv(names, ballots)
    assume(not ours.ties)  # pyrankvote breaks ties its own way (second choices, then lot)
    # pyrankvote elects at half the continuing ballots, we at more than half
    last = ours.rounds[-1]
    assume(all(2 * v != sum(last.totals.values()) for v in last.totals.values()))
    assert list(ours.elected) == _pyrankvote_irv(names, ballots)


@given(rankings(full=True, min_size=3), st.integers(1, 3))
@settings(max_examples=150, deadline=None)
def test_stv_agrees_with_pref_voting_scottish_stv(profile, seats):
    names, ballots = profile
    seats = min(seats, len(names) - 1)
    ours = stv(names, ballots, seats)
    assume(not ours.by_order)  # where the rules draw lots
    index = {n: i for i, n in enumerate(names)}
    profile_ = pref_profiles.Profile([[index[n] for n in b] for b in ballots])
    theirs = pref_stv.stv_scottish(profile_, num_seats=seats, rng=random.Random(0))
    assert sorted(index[n] for n in ours.elected) == sorted(theirs)


@given(rankings(full=True, min_size=3))
@settings(max_examples=100, deadline=None)
def test_irv_agrees_with_pref_voting(profile):
    names, ballots = profile
    ours = irv(names, ballots)
    assume(not ours.ties)
    index = {n: i for i, n in enumerate(names)}
    profile_ = pref_profiles.Profile([[index[n] for n in b] for b in ballots])
    theirs = pref_methods.instant_runoff(profile_)
    if len(theirs) == 1:  # pref_voting returns every tied winner
        assert [index[n] for n in ours.elected] == theirs


@given(marks())
@settings(max_examples=100, deadline=None)
def test_approval_agrees_with_pref_voting(profile):
    from pref_voting.grade_methods import approval
    from pref_voting.grade_profiles import GradeProfile

    names, ballots = profile
    assume(any(ballots))
    grades = GradeProfile(
        [{n: int(n in b) for n in names} for b in ballots], [0, 1], candidates=list(names)
    )
    theirs = sorted(approval(grades))  # every candidate with most approvals
    ours = APPROVAL.count(ballots, context(names, ballots, seats=1))
    if len(theirs) == 1:
        assert list(ours.elected) == theirs
    else:  # a tie for the one seat elects none of the tied: a run-off
        assert ours.elected == ()
        assert "须另行选举" in ours.explanation["zh"]
