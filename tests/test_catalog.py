"""The catalogue of vote methods and stage kinds (yishi.domain.catalog)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.domain.catalog import (
    BUILTIN_CATALOG,
    BUILTIN_STAGE_KINDS,
    BUILTIN_VOTE_METHODS,
    RECORDS,
    REFERRAL_KIND,
    Catalog,
    StageKind,
    StageKindSpec,
    VoteMethodSpec,
)


def _names(what: str) -> set[str]:
    return {m.name for m in BUILTIN_VOTE_METHODS if what in m.records}


def test_built_in_methods_record_what_they_always_did():
    """The catalogue replaces the old TALLY/BALLOT/ELECTION sets with the same meaning;
    the ways of counting added since (issue 8) come on top."""
    counting = {"at_most_seats", "approval", "irv", "stv", "satisfaction"}
    old = [m for m in BUILTIN_VOTE_METHODS if m.name not in counting]
    assert {m.name for m in old if "tally" in m.records} == {
        "show_of_hands",
        "hand_count",
        "secret",
        "written",
    }
    assert {m.name for m in old if "ballots" in m.records} == {
        "secret",
        "roll_call",
        "written",
        "online",
        "show_of_hands",
    }
    assert _names("consensus") == {"consensus"}
    assert {m.name for m in old if m.elections} == {"secret", "online"}
    assert {m.name for m in BUILTIN_VOTE_METHODS if m.secret} == {
        "secret",
        "at_most_seats",
        "approval",
        "irv",
        "stv",
    }
    assert _names("tally") >= {"at_most_seats", "approval"}  # paper ballots counted in public


def test_built_in_stage_kinds_are_the_behaviours():
    # the six of the stage_kinds plugin, then the referral kind its own plugin registers
    kinds = (*BUILTIN_STAGE_KINDS, REFERRAL_KIND)
    assert [k.name for k in kinds] == [k.value for k in StageKind]
    assert all(k.behaviour is StageKind(k.name) for k in kinds)
    assert Catalog.of(BUILTIN_VOTE_METHODS, kinds) == BUILTIN_CATALOG
    assert BUILTIN_CATALOG.vote_method("secret") is BUILTIN_VOTE_METHODS[1]
    assert BUILTIN_CATALOG.vote_method("bogus") is None


@given(st.sets(st.sampled_from(sorted(RECORDS | {"proxy"}))))
def test_records_must_be_a_sensible_subset(records):
    valid = bool(records) and records <= RECORDS
    valid = valid and not ("consensus" in records and len(records) > 1)
    if valid:
        assert VoteMethodSpec("m", "方式", "method", records).records == frozenset(records)
    else:
        with pytest.raises(ValueError):
            VoteMethodSpec("m", "方式", "method", records)


@pytest.mark.parametrize("name", ["", "Scan", "扫码", "scan-code", "1st"])
def test_names_are_ascii_snake_case(name):
    with pytest.raises(ValueError):
        VoteMethodSpec(name, "方式", "method", {"ballots"})
    with pytest.raises(ValueError):
        StageKindSpec(name, "类型", "kind", runs_as="meeting")


def test_records_is_not_a_string():
    with pytest.raises(ValueError, match="string"):
        VoteMethodSpec("m", "方式", "method", "tally")


def test_a_stage_kind_runs_as_one_of_the_six():
    hearing = StageKindSpec("hearing", "听证会", "hearing", runs_as="meeting")
    assert hearing.behaviour is StageKind.MEETING and hearing.label("en") == "hearing"
    with pytest.raises(ValueError, match="runs_as"):
        StageKindSpec("lottery", "抽签", "lottery")
    with pytest.raises(ValueError, match="runs_as"):
        StageKindSpec("lottery", "抽签", "lottery", runs_as="raffle")
