"""People named by name, a shared name told apart by household, group or year of
birth (``yishi.domain.person_names``): the console's labels, and now in English too."""

from __future__ import annotations

import datetime as dt

from yishi.domain.person_names import people_names
from yishi.domain.state import Group, Household, Person, State


def _state() -> State:
    state = State()
    state.groups["g1"] = Group("g1", "一组")
    state.groups["g2"] = Group("g2", "二组")
    state.households["h1"] = Household("h1", "东头", group="g1")
    state.households["h2"] = Household("h2", "西头", group="g2")
    for pid, name, home, born in (
        ("v001", "王芳", "h1", dt.date(1950, 2, 1)),
        ("v002", "王芳", "h2", None),
        ("v003", "李强", None, None),
        ("v004", "李强", None, None),
        ("v005", "张伟", "h1", None),
    ):
        state.people[pid] = Person(pid, name, born=born, household=home)
    return state


def test_a_name_no_one_else_has_is_the_name_alone():
    names = people_names(_state(), ["v005"])
    assert {p: (t.zh, t.en) for p, t in names.items()} == {"v005": ("张伟", "张伟")}


def test_a_shared_name_is_told_apart_by_household_in_both_languages():
    names = people_names(_state(), ["v001", "v002"])
    assert (names["v001"].zh, names["v001"].en) == ("王芳（东头）", "王芳 (东头)")
    assert names["v002"].zh == "王芳（西头）"


def test_with_nothing_recorded_to_tell_them_apart_each_is_counted():
    names = people_names(_state(), ["v003", "v004"])
    assert [(t.zh, t.en) for t in names.values()] == [
        ("李强（之一）", "李强 (first)"),
        ("李强（之二）", "李强 (second)"),
    ]
    assert not any("v00" in t.zh + t.en for t in names.values())
