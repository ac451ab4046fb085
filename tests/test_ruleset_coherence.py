"""Cross-checks that keep a rule set from saying something the engine cannot do."""

from __future__ import annotations

from yishi.rulesets.loader import check_text

BASE = """
schema_version = 1
id = "t"
title = "t"
statutory = {statutory}
proposers = ["committee"]

[bodies.committee]
name = "委员会"
roles = ["chair"]
quorum = {{ base = "composition", fraction = "1/2", cmp = ">" }}
threshold = {{ base = "present", fraction = "1/2", cmp = ">" }}
vote_methods = ["show_of_hands"]

[bodies.assembly]
name = "村民会议"
membership = "eligible_adults"
quorum = {{ base = "eligible_adults", fraction = "1/2", cmp = ">" }}
threshold = {{ base = "present", fraction = "1/2", cmp = ">" }}
vote_methods = ["show_of_hands"]

[bodies.party]
name = "党员大会"
statutory_kind = "party_members_assembly"
non_voting_party = ["probationary"]
quorum = {{ base = "{party_quorum}", fraction = "1/2", cmp = ">=" }}
threshold = {{ base = "entitled", fraction = "1/2", cmp = ">" }}
vote_methods = ["show_of_hands"]
"""


def problems(
    extra: str, statutory: str = "false", party_quorum: str = "entitled"
) -> set[tuple[str, str]]:
    text = BASE.format(statutory=statutory, party_quorum=party_quorum) + extra
    _, found = check_text(text.encode(), "t.toml")
    return {(p.code, p.path) for p in found if p.severity == "error"}


FIRST = """
[[stages]]
id = "first"
kind = "meeting"
name = "一"
bodies = ["committee"]
"""


def test_a_valid_base_has_no_problems():
    assert problems(FIRST) == set()


def test_a_quorum_of_all_members_is_not_a_quorum_of_voting_members():
    # Probationary members present would count towards "composition" but not towards
    # "entitled": the Party floor (≥ 1/2 of entitled) is not implied.
    review = FIRST.replace('bodies = ["committee"]', 'bodies = ["party"]')
    found = problems(review, statutory="true", party_quorum="composition")
    assert ("below_floor", "bodies.party.quorum") in found
    assert problems(review, statutory="true", party_quorum="entitled") == set()


def test_a_stage_out_of_sequence_must_say_where_to_go():
    side = (
        FIRST
        + """
[[stages]]
id = "side"
kind = "meeting"
name = "二"
in_sequence = false
bodies = ["committee"]
"""
    )
    assert ("inconsistent", "stages[1].on_pass") in problems(side)
    fixed = side + 'on_pass = { action = "goto", stage = "first" }\n'
    assert problems(fixed) == set()


def test_a_body_without_a_roster_cannot_name_who_acts():
    found = problems(
        FIRST.replace('bodies = ["committee"]', 'bodies = ["committee"]\nactors = ["assembly"]')
    )
    assert found == {("bad_ref", "stages[0].actors[0]")}


def test_objections_cannot_outlast_the_notice():
    stage = (
        FIRST
        + """
[[stages]]
id = "post"
kind = "disclosure"
name = "公示"
disclosure_days = 5

[stages.objections]
reply_days = 3
window_days = 6
"""
    )
    assert problems(stage) == {("inconsistent", "stages[1].objections.window_days")}
    assert problems(stage.replace("window_days = 6", "window_days = 5")) == set()


def test_only_the_second_stage_may_absorb_the_first():
    text = (
        FIRST
        + """
[[stages]]
id = "second"
kind = "meeting"
name = "二"
bodies = ["committee"]

[[stages]]
id = "third"
kind = "meeting"
name = "三"
bodies = ["committee"]
merge = { absorbs = "first", same_person = ["committee.chair", "committee.chair"] }
"""
    )
    assert ("bad_ref", "stages[2].merge.absorbs") in problems(text)


def test_an_election_turnout_counts_against_members_or_voters_only():
    text = (
        FIRST
        + """
[[stages]]
id = "elect"
kind = "election"
name = "选举"
bodies = ["committee"]
seats = 1
vote_methods = ["secret"]
quorum = { base = "eligible_adults", fraction = "1/2", cmp = ">" }
threshold = { base = "votes_cast", fraction = "1/2", cmp = ">" }
"""
    )
    assert ("bad_value", "stages[1].quorum.base") in problems(text)
