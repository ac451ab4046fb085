"""Meetings, matters, notices, objections and suggestions named the way a person names
them (``yishi.domain.naming``), and the refusals that now use those names, not ids."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.domain import commands as c
from yishi.domain.bodies import BodySpec
from yishi.domain.errors import Refusal, Text
from yishi.domain.naming import (
    disclosure_name,
    matter_name,
    meeting_name,
    meeting_words,
    objection_name,
    suggestion_name,
    suggestion_title,
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
from yishi.engine import Engine
from yishi.rulesets.loader import check_text
from yishi.rulesets.registry import find
from yishi.store.memory import MemoryStore

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


def test_a_matter_is_its_title_and_a_shared_title_adds_the_day_it_was_proposed():
    state = _state()  # x1 修村道, x2 建桥, x3 修村道: all proposed on DAY
    later = DAY + dt.timedelta(days=30)
    state.matters["x4"] = Matter("x4", "修村道", None, "names", "", "d1", later)
    road, bridge, again, next_month = (matter_name(state, m) for m in state.matters.values())
    assert (bridge.zh, bridge.en) == ("“建桥”", "'建桥'")
    assert (road.zh, road.en) == ("“修村道”（2026-03-05 提出）", "'修村道' (proposed 2026-03-05)")
    assert (again.zh, again.en) == (
        "“修村道”（2026-03-05 提出，之二）",
        "'修村道' (proposed 2026-03-05, second)",
    )
    assert next_month.zh == "“修村道”（2026-04-04 提出）"
    for name in (road, bridge, again, next_month):
        assert not any(x in name.zh + name.en for x in ("x1", "x2", "x3", "x4"))


def test_a_suggestions_title_adds_its_day_only_when_another_has_that_title():
    state = State()
    state.suggestions["s1"] = Suggestion("s1", "r1", "停车难", "names", "", DAY)
    state.suggestions["s2"] = Suggestion("s2", "r2", "多种树", "names", "", DAY)
    assert suggestion_title(state, state.suggestions["s1"]) == Text("“停车难”", "'停车难'")
    state.suggestions["s3"] = Suggestion("s3", "r3", "停车难", "names", "", DAY)
    first, trees, second = (suggestion_title(state, s) for s in state.suggestions.values())
    assert first.zh == "“停车难”（2026-03-05 提交）"
    assert (second.zh, second.en) == (
        "“停车难”（2026-03-05 提交，之二）",
        "'停车难' (submitted 2026-03-05, second)",
    )
    assert trees.zh == "“多种树”"


# -- the refusals that name a meeting ------------------------------------------------------

AT = dt.datetime(2026, 3, 5, 9, 0)
DIRECTOR = "d1"
MEMBERS = (DIRECTOR, "k1", "k2")


@pytest.fixture
def engine() -> Engine:
    """Two matters, each with a meeting of the committee on 5 March: mt1 (修村道) holds a
    vote by ballot, mt2 (建桥) a hand count."""
    engine = Engine(MemoryStore(), RULES)
    people = tuple(c.PersonSpec(id=p, name=f"村民{p}", adult=True) for p in MEMBERS)
    roles = {DIRECTOR: ("director",), "k1": ("member",), "k2": ("member",)}
    members = tuple(c.MemberSpec(person=p, roles=roles[p]) for p in MEMBERS)
    engine.execute(
        c.SetUpCommunity(
            actor="admin", people=people, bodies=(c.BodySpecEntry(id="committee", members=members),)
        ),
        AT - dt.timedelta(days=4),
    )
    before = AT - dt.timedelta(days=3)
    for matter, meeting in (("x1", "mt1"), ("x2", "mt2")):
        engine.execute(c.ProposeMatter(actor=DIRECTOR, matter=matter, title=TITLES[matter]), before)
        engine.execute(
            c.ConveneMeeting(
                actor=DIRECTOR,
                matter=matter,
                meeting=meeting,
                date=AT.date(),
                method="show_of_hands",
            ),
            before,
        )
    return engine


def _refused(engine: Engine, command: c.Command, at: dt.datetime = AT) -> Refusal:
    with pytest.raises(Refusal) as caught:
        engine.execute(command, at)
    return caught.value


ROAD = (
    "村民委员会会议（2026-03-05，“修村道”）",
    "Villagers' committee meeting (2026-03-05, '修村道')",
)
BRIDGE = (
    "村民委员会会议（2026-03-05，“建桥”）",
    "Villagers' committee meeting (2026-03-05, '建桥')",
)


def _says(refusal: Refusal, code: str, zh: str, en: str) -> None:
    assert refusal.code == code
    assert (refusal.message("zh"), refusal.message("en")) == (zh, en)
    for lang in ("zh", "en"):
        assert "mt1" not in refusal.message(lang) and "mt2" not in refusal.message(lang)


def test_acting_before_the_day_names_the_meeting_and_so_its_day(engine):
    found = _refused(
        engine, c.CheckIn(actor=DIRECTOR, meeting="mt1", people=MEMBERS), AT - dt.timedelta(days=1)
    )
    _says(
        found,
        "meeting_not_yet",
        f"{ROAD[0]}尚未召开，须到会议当天才能进行",
        f"{ROAD[1]} has not been held yet: this can be done from that day on",
    )


def test_the_refusals_at_a_meeting_name_it(engine):
    for meeting in ("mt1", "mt2"):
        engine.execute(c.CheckIn(actor=DIRECTOR, meeting=meeting, people=MEMBERS), AT)
    _says(
        _refused(engine, c.CloseMeeting(actor=DIRECTOR, meeting="mt1")),
        "no_votes",
        f"{ROAD[0]}尚未表决，不能结束",
        f"{ROAD[1]} has not voted yet",
    )
    _says(
        _refused(
            engine, c.CastElectionBallot(actor="k1", meeting="mt1", voter="k1", candidates=("k2",))
        ),
        "not_an_election",
        f"{ROAD[0]}不是选举（候选人只用于选举步骤）",
        f"{ROAD[1]} is not an election",
    )
    _says(
        _refused(engine, c.EnterBallots(actor=DIRECTOR, meeting="mt1", ballots=())),
        "no_ballots",
        f"{ROAD[0]}没有选票可录入",
        f"{ROAD[1]}: no ballots to enter",
    )
    engine.execute(c.CastVote(actor="k1", meeting="mt1", voter="k1", choice="yes"), AT)
    _says(
        _refused(engine, c.EnterHandCount(actor=DIRECTOR, meeting="mt1", yes=3, no=0)),
        "ballots_exist",
        f"{ROAD[0]}已逐张录入选票，不能再录入合计",
        f"{ROAD[1]} already has individual ballots",
    )
    engine.execute(c.EnterHandCount(actor=DIRECTOR, meeting="mt2", yes=3, no=0), AT)
    _says(
        _refused(engine, c.CastVote(actor="k1", meeting="mt2", voter="k1", choice="yes")),
        "tally_exists",
        f"{BRIDGE[0]}已录入计票结果",
        f"{BRIDGE[1]} already has a count",
    )
    engine.execute(c.CloseMeeting(actor=DIRECTOR, meeting="mt2"), AT)
    _says(
        _refused(engine, c.EnterHandCount(actor=DIRECTOR, meeting="mt2", yes=3, no=0)),
        "meeting_closed",
        f"{BRIDGE[0]}已结束",
        f"{BRIDGE[1]} is closed",
    )


def test_candidates_for_a_meeting_not_yet_convened_name_it_as_it_would_be(engine):
    found = _refused(
        engine,
        c.ConveneMeeting(
            actor=DIRECTOR,
            matter="x1",
            meeting="mt9",
            date=AT.date(),
            method="show_of_hands",
            candidates=("k1",),
        ),
        AT - dt.timedelta(days=3),
    )
    _says(
        found,
        "not_an_election",
        "村民委员会会议（2026-03-05，“修村道”，之二）不是选举（候选人只用于选举步骤）",
        "Villagers' committee meeting (2026-03-05, '修村道', second) is not an election",
    )
    assert "mt9" not in found.message("zh")


# -- the refusal that names a matter ---------------------------------------------------------

ONCE_TOML = (
    NAMES_TOML.split("[[stages]]")[0].replace('id = "names"', 'id = "once"')
    + """
[[stages]]
id = "decide"
kind = "meeting"
name = "村委会决定"
bodies = ["committee"]
actors = ["committee.director"]
"""
)


def _road_proposed() -> tuple[Engine, dt.datetime]:
    """A committee of three under the ``once`` rules, and matter x1 “修村道”
    proposed three days before ``AT`` (returned: when it was proposed)."""
    engine = Engine(MemoryStore(), _ruleset(ONCE_TOML, "once.toml"))
    people = tuple(c.PersonSpec(id=p, name=f"村民{p}", adult=True) for p in MEMBERS)
    roles = {DIRECTOR: ("director",), "k1": ("member",), "k2": ("member",)}
    members = tuple(c.MemberSpec(person=p, roles=roles[p]) for p in MEMBERS)
    body = c.BodySpecEntry(id="committee", members=members)
    start = AT - dt.timedelta(days=3)
    engine.execute(c.SetUpCommunity(actor="admin", people=people, bodies=(body,)), start)
    engine.execute(c.ProposeMatter(actor=DIRECTOR, matter="x1", title="修村道"), start)
    return engine, start


def test_a_closed_matter_is_refused_by_its_title_and_a_shared_title_by_its_day():
    """The refusal read "事项“修村道”（x1）已结束"."""
    engine, start = _road_proposed()
    convene = c.ConveneMeeting(
        actor=DIRECTOR, matter="x1", meeting="mt1", date=AT.date(), method="show_of_hands"
    )
    engine.execute(convene, start)
    engine.execute(c.CheckIn(actor=DIRECTOR, meeting="mt1", people=MEMBERS), AT)
    engine.execute(c.EnterHandCount(actor=DIRECTOR, meeting="mt1", yes=3, no=0), AT)
    engine.execute(c.CloseMeeting(actor=DIRECTOR, meeting="mt1"), AT)
    again = attrs.evolve(convene, meeting="mt2", date=(AT + dt.timedelta(days=3)).date())
    found = _refused(engine, again)
    assert found.code == "matter_closed"
    assert (found.message("zh"), found.message("en")) == (
        "事项“修村道”已结束",
        "matter '修村道' is closed",
    )
    engine.execute(c.ProposeMatter(actor=DIRECTOR, matter="x2", title="修村道"), AT)
    found = _refused(engine, again)
    assert (found.message("zh"), found.message("en")) == (
        "事项“修村道”（2026-03-02 提出）已结束",
        "matter '修村道' (proposed 2026-03-02) is closed",
    )


def test_a_matter_that_needs_no_approval_is_named_told_apart_from_its_namesake():
    """The refusal read "事项“修村道”无须外部批准" for either of two such matters."""
    engine, _start = _road_proposed()
    approve = c.RecordApproval(actor=DIRECTOR, matter="x1", approved=True, document="镇政府批复")
    found = _refused(engine, approve)
    assert found.code == "no_approval_needed"
    assert (found.message("zh"), found.message("en")) == (
        "事项“修村道”无须外部批准",
        "matter '修村道' needs no outside approval",
    )
    engine.execute(c.ProposeMatter(actor=DIRECTOR, matter="x2", title="修村道"), AT)
    found = _refused(engine, approve)
    assert (found.message("zh"), found.message("en")) == (
        "事项“修村道”（2026-03-02 提出）无须外部批准",
        "matter '修村道' (proposed 2026-03-02) needs no outside approval",
    )
