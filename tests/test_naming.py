"""Meetings, notices, objections and suggestions named the way a person names them
(``yishi.domain.naming``)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from yishi.domain.bodies import BodySpec
from yishi.domain.naming import (
    disclosure_name,
    meeting_name,
    meeting_words,
    objection_name,
    suggestion_name,
)
from yishi.domain.rules import RuleSet
from yishi.domain.state import (
    Disclosure,
    Group,
    Matter,
    Meeting,
    Objection,
    State,
    Suggestion,
)
from yishi.rulesets.loader import check_text
from yishi.rulesets.registry import find

NAMES_TOML = """
schema_version = 1
id = "names"
title = "命名"
statutory = false
proposers = ["committee"]
recorders = ["committee"]

[bodies.committee]
name = "村民委员会"
name_en = "Villagers' committee"
roles = ["director", "member"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[bodies.assembly]
name = "村民代表会议"
name_en = "Villagers' representative assembly"
roles = ["member"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[[stages]]
id = "consult"
kind = "meeting"
name = "村委会商议"
name_en = "The committee consults"
bodies = ["committee"]
actors = ["committee.director"]

[[stages]]
id = "decide"
kind = "meeting"
name = "代表会议决定"
name_en = "The representatives decide"
bodies = ["assembly"]
actors = ["committee.director"]
"""


def _ruleset(text: str = NAMES_TOML, file: str = "names.toml") -> RuleSet:
    found, problems = check_text(text.encode(), file)
    assert found is not None, [(p.code, p.path) for p in problems]
    return found


RULES = _ruleset()
DAY = dt.date(2026, 3, 5)
TITLES = {"x1": "修村道", "x2": "建桥", "x3": "修村道"}  # x3: another matter, the same title


def _state(*meetings: tuple[str, str, str, str, dt.date]) -> State:
    """Meetings (id, matter, stage, body, day) in the order they were convened."""
    state = State()
    for matter, title in TITLES.items():
        state.matters[matter] = Matter(matter, title, None, "names", "", "d1", DAY)
    for meeting, matter, stage, body, day in meetings:
        state.meetings[meeting] = Meeting(
            meeting, matter, stage, body, day, day, "show_of_hands", procedure="names"
        )
    return state


def _names(state: State, lang: str = "zh") -> dict[str, str]:
    return {m: meeting_name(state, RULES, state.meetings[m]).get(lang) for m in state.meetings}


# -- what a meeting is called -----------------------------------------------------------


def test_a_meeting_is_its_bodys_name_and_its_day():
    state = _state(("mt1", "x1", "decide", "assembly", DAY))
    name = meeting_name(state, RULES, state.meetings["mt1"])
    assert (name.zh, name.en) == (
        "村民代表会议（2026-03-05）",
        "Villagers' representative assembly (2026-03-05)",
    )


def test_a_body_that_is_not_a_meeting_meets_in_its_meeting():
    assert (
        meeting_words(RULES.bodies["committee"]).zh,
        meeting_words(RULES.bodies["committee"]).en,
    ) == (
        "村民委员会会议",
        "Villagers' committee meeting",
    )
    general = BodySpec("pm", "村党员大会", name_en="Party members' general meeting")
    assert (meeting_words(general).zh, meeting_words(general).en) == (
        "村党员大会",
        "Party members' general meeting",
    )
    # a bracket at the end is not where the name ends
    group = BodySpec("g", "村民小组会议（第三组）", name_en="Villager group meeting (第三组)")
    assert (meeting_words(group).zh, meeting_words(group).en) == (
        "村民小组会议（第三组）",
        "Villager group meeting (第三组)",
    )
    voters = BodySpec("e", "改造小区居民（竞聘会投票人）", name_en="Residents (voters)")
    assert (meeting_words(voters).zh, meeting_words(voters).en) == (
        "改造小区居民会议（竞聘会投票人）",
        "Residents meeting (voters)",
    )
    untranslated = meeting_words(BodySpec("c", "院落居民"))
    assert (untranslated.zh, untranslated.en) == ("院落居民会议", "院落居民会议")
    assert (meeting_words(None).zh, meeting_words(None).en) == ("会议", "Meeting")


def test_a_village_groups_meeting_is_named_after_the_group_not_its_id():
    rules = find("villager_group")
    state = _state()
    state.groups["g3"] = Group("g3", "第三组")
    state.meetings["mt1"] = Meeting(
        "mt1", "x1", "decide", "villager_group@g3", DAY, DAY, "show_of_hands"
    )
    name = meeting_name(state, rules, state.meetings["mt1"])
    assert name.zh == "村民小组会议（第三组）（2026-03-05）"
    assert "g3" not in name.zh and "g3" not in name.en


def test_a_meeting_of_an_earlier_procedure_is_named_from_that_procedure():
    bench = _ruleset(
        NAMES_TOML.replace('id = "names"', 'id = "bench"')
        .replace(
            '[bodies.assembly]\nname = "村民代表会议"', '[bodies.courtyard]\nname = "院落居民"'
        )
        .replace(
            'name_en = "Villagers\' representative assembly"', 'name_en = "Courtyard residents"'
        )
        .replace('bodies = ["assembly"]', 'bodies = ["courtyard"]'),
        "bench.toml",
    )
    state = _state()
    state.meetings["b1"] = Meeting(
        "b1", "x1", "decide", "courtyard", DAY, DAY, "show_of_hands", procedure="bench"
    )
    meeting = state.meetings["b1"]
    # decided under "names", which has no courtyard: still no identifier
    assert meeting_name(state, RULES, meeting).zh == "会议（2026-03-05）"
    both = meeting_name(state, RULES, meeting, {"bench": bench})
    assert (both.zh, both.en) == (
        "院落居民会议（2026-03-05）",
        "Courtyard residents meeting (2026-03-05)",
    )
    # a body the caller's own rule set declares too is the same body of the community
    state.meetings["b1"] = Meeting(
        "b1", "x1", "decide", "committee", DAY, DAY, "show_of_hands", procedure="bench"
    )
    assert meeting_name(state, RULES, state.meetings["b1"]).zh == "村民委员会会议（2026-03-05）"


# -- two meetings of one body on one day ------------------------------------------------


def test_other_days_and_other_bodies_need_no_more_than_the_day():
    state = _state(
        ("mt1", "x1", "consult", "committee", DAY),
        ("mt2", "x2", "consult", "committee", DAY + dt.timedelta(days=1)),
        ("mt3", "x2", "decide", "assembly", DAY),
    )
    assert _names(state) == {
        "mt1": "村民委员会会议（2026-03-05）",
        "mt2": "村民委员会会议（2026-03-06）",
        "mt3": "村民代表会议（2026-03-05）",
    }


def test_meetings_for_different_matters_are_told_apart_by_the_matters_title():
    state = _state(
        ("mt1", "x1", "consult", "committee", DAY),
        ("mt2", "x2", "consult", "committee", DAY),
    )
    assert _names(state) == {
        "mt1": "村民委员会会议（2026-03-05，“修村道”）",
        "mt2": "村民委员会会议（2026-03-05，“建桥”）",
    }
    assert _names(state, "en")["mt2"] == "Villagers' committee meeting (2026-03-05, '建桥')"


def test_meetings_for_one_matter_are_told_apart_by_the_step():
    state = _state(
        ("mt1", "x1", "consult", "committee", DAY),
        ("mt2", "x1", "decide", "committee", DAY),
    )
    assert _names(state) == {
        "mt1": "村民委员会会议（2026-03-05，村委会商议）",
        "mt2": "村民委员会会议（2026-03-05，代表会议决定）",
    }
    assert _names(state, "en")["mt1"] == (
        "Villagers' committee meeting (2026-03-05, The committee consults)"
    )


def test_when_nothing_recorded_tells_them_apart_the_second_is_counted():
    state = _state(
        ("mt1", "x1", "consult", "committee", DAY),
        ("mt2", "x1", "consult", "committee", DAY),
        ("mt3", "x1", "consult", "committee", DAY),
    )
    assert _names(state) == {
        "mt1": "村民委员会会议（2026-03-05）",
        "mt2": "村民委员会会议（2026-03-05，之二）",
        "mt3": "村民委员会会议（2026-03-05，之三）",
    }
    assert _names(state, "en")["mt2"] == "Villagers' committee meeting (2026-03-05, second)"


def test_two_matters_of_one_title_fall_through_to_the_step_then_the_count():
    state = _state(
        ("mt1", "x1", "consult", "committee", DAY),
        ("mt2", "x3", "consult", "committee", DAY),  # same title, same step
        ("mt3", "x2", "consult", "committee", DAY),
        ("mt4", "x3", "decide", "committee", DAY),
    )
    assert _names(state) == {
        "mt1": "村民委员会会议（2026-03-05，“修村道”，村委会商议）",
        "mt2": "村民委员会会议（2026-03-05，“修村道”，村委会商议，之二）",
        "mt3": "村民委员会会议（2026-03-05，“建桥”）",
        "mt4": "村民委员会会议（2026-03-05，“修村道”，代表会议决定）",
    }


def test_a_meeting_not_yet_recorded_is_named_as_the_next_one_would_be():
    state = _state(("mt1", "x1", "consult", "committee", DAY))
    planned = Meeting("new", "x1", "consult", "committee", DAY, DAY, "show_of_hands")
    assert meeting_name(state, RULES, planned).zh == "村民委员会会议（2026-03-05，之二）"
    assert _names(state)["mt1"] == "村民委员会会议（2026-03-05）"


MEETINGS = st.lists(
    st.tuples(
        st.sampled_from(sorted(TITLES)),
        st.sampled_from(["consult", "decide"]),
        st.sampled_from(["committee", "assembly"]),
        st.integers(0, 2),
    ),
    max_size=12,
)


@given(MEETINGS)
def test_every_meeting_has_a_name_of_its_own_in_both_languages(drawn):
    state = _state(
        *(
            (f"mt{i:02d}", matter, stage, body, DAY + dt.timedelta(days=offset))
            for i, (matter, stage, body, offset) in enumerate(drawn)
        )
    )
    for lang in ("zh", "en"):
        names = _names(state, lang)
        assert len(set(names.values())) == len(names), names
        for meeting_id, name in names.items():
            meeting = state.meetings[meeting_id]
            assert meeting_id not in name and meeting.matter not in name
            words = meeting_words(RULES.bodies[meeting.body]).get(lang)
            assert name.startswith(words)
            rivals = [
                m
                for m in state.meetings.values()
                if (m.body, m.date) == (meeting.body, meeting.date)
            ]
            day = meeting.date.isoformat()
            plain = name in (f"{words}（{day}）", f"{words} ({day})")
            # alone on its day, a meeting is named by its body and day, nothing more;
            # among several, only the first of those nothing recorded tells apart is
            alike = {(TITLES[m.matter], m.stage) for m in rivals}
            assert plain == (rivals[0] is meeting and len(alike) == 1)


# -- notices, objections, suggestions ----------------------------------------------------


def _disclosure(ident: str, title: str, posted: dt.date) -> Disclosure:
    return Disclosure(ident, "x1", "post", "resolution", title, posted, posted, None, None, (), {})


def test_a_notice_is_its_title_and_the_day_it_went_up():
    state = State()
    state.disclosures["d1"] = _disclosure("d1", "修村道（决议公开）", DAY)
    state.disclosures["d2"] = _disclosure("d2", "修村道（决议公开）", DAY + dt.timedelta(days=9))
    state.disclosures["d3"] = _disclosure("d3", "修村道（决议公开）", DAY + dt.timedelta(days=9))
    first, second, third = (disclosure_name(state, d) for d in state.disclosures.values())
    assert (first.zh, first.en) == (
        "“修村道（决议公开）”（2026-03-05 张贴）",
        "'修村道（决议公开）' (posted 2026-03-05)",
    )
    assert second.zh == "“修村道（决议公开）”（2026-03-14 张贴）"
    assert (third.zh, third.en) == (
        "“修村道（决议公开）”（2026-03-14 张贴，之二）",
        "'修村道（决议公开）' (posted 2026-03-14, second)",
    )


def _objection(ident: str, text: str, person: str = "r1") -> Objection:
    return Objection(ident, "d1", person, text, DAY, DAY + dt.timedelta(days=3))


def test_an_objection_is_its_day_and_its_words_not_its_author():
    state = State()
    long = "排序" * 30
    state.objections["o1"] = _objection("o1", "安排顺序未公开排序依据。")
    state.objections["o2"] = _objection("o2", long)
    state.objections["o3"] = _objection("o3", "安排顺序未公开排序依据。", person="r2")
    first, cut, again = (objection_name(state, o) for o in state.objections.values())
    assert (first.zh, first.en) == (
        "2026-03-05 提出的异议（“安排顺序未公开排序依据。”）",
        "the objection of 2026-03-05 (“安排顺序未公开排序依据。”)",
    )
    assert cut.zh == f"2026-03-05 提出的异议（“{long[:40]}……”）"
    assert again.zh == "2026-03-05 提出的异议（“安排顺序未公开排序依据。”，之二）"
    assert "r1" not in first.zh + first.en


def test_a_suggestion_is_its_day_and_its_title():
    state = State()
    for ident in ("s1", "s2"):
        state.suggestions[ident] = Suggestion(ident, "r1", "停车难", "names", "", DAY)
    first, second = (suggestion_name(state, s) for s in state.suggestions.values())
    assert (first.zh, first.en) == (
        "2026-03-05 提交的建议“停车难”",
        "the suggestion '停车难' of 2026-03-05",
    )
    assert (second.zh, second.en) == (
        "2026-03-05 提交的建议“停车难”（之二）",
        "the suggestion '停车难' of 2026-03-05 (second)",
    )
