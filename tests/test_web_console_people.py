"""The console's person fields take people by name (web/person_fields.py): offered
as the meeting's members (or the register), told apart by home where two share a
name, mapped back to the person on the server; a name that matches no one or
more than one is refused naming the field, in zh or en, and nothing is written."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.test_web_pages import csrf_of, sign_in
from tests.web_fixtures import NAMES, bearer, client, make_app
from yishi.domain import commands as cmd
from yishi.web.person_fields import people

IDS = ("c001", "c002", "c003", "c004", "c005", "c006", "c030", "k02", "ch001", "ch002")
TWINS = ("王秀英（幸福里3栋101）", "王秀英（幸福里5栋202）")


@pytest.fixture
def site(tmp_path):
    app, engine, access = make_app(tmp_path, names=NAMES)
    engine.execute(cmd.Suggest(actor="c002", suggestion="s1", person="c002", title="停车难"))
    engine.execute(
        cmd.MergeSuggestions(actor="k01", matter="m9", suggestions=("s1",), title="停车秩序整治")
    )
    engine.execute(
        cmd.ConveneMeeting(
            actor="k01", matter="m9", meeting="g1", date=dt.date(2026, 9, 5), method="show_of_hands"
        )
    )
    engine.clock.at = dt.datetime(2026, 9, 5, 19)
    c = client(app)
    sign_in(c, "k01")
    c.token = access.new_token("k01")  # for the JSON API
    return c, engine


def _no_ids(html: str) -> None:
    """No person's or household's id anywhere in the page: not shown, not carried."""
    for ident in IDS:
        assert not re.search(rf"(?<!\w){ident}(?!\w)", html), ident


def _ticks(form: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="people" value="([^"]*)"', form)


def test_the_check_in_form_offers_the_meetings_members_by_name(site):
    c, _engine = site
    form = c.get("/c/main/console/check_in?meeting=g1").text
    ticks = _ticks(form)
    assert set(ticks) >= {*TWINS, "李建国", "张桂兰", "何主任", "赵志强"}
    assert "杨书记" not in ticks  # not a member of the deliberation group
    assert '<option value="杨书记">' in form  # but she may be entered on behalf of
    assert "人员（每行一个编号）" not in form and "到会人员（勾选）" in form
    _no_ids(form)


def test_a_check_in_by_ticked_names_records_those_people(site):
    c, engine = site
    form = c.get("/c/main/console/check_in?meeting=g1").text
    r = c.post(
        "/c/main/console/check_in",
        data={"meeting": "g1", "people": ["何主任", TWINS[1], "李建国"], "csrf": csrf_of(form)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert engine.state.meetings["g1"].attendance == ["k02", "c003", "c002"]
    # those checked in are not offered again
    again = _ticks(c.get("/c/main/console/check_in?meeting=g1").text)
    assert TWINS[1] not in again and TWINS[0] in again


@pytest.mark.parametrize(
    ("lang", "typed", "words"),
    [
        ("zh", "王秀英", ["到会人员（勾选）", "有 2 人叫“王秀英”", *TWINS, "未记录任何内容"]),
        ("zh", "王五", ["到会人员（勾选）", "找不到“王五”", "未记录任何内容"]),
        ("en", "王秀英", ["people present (tick)", "2 people are called “王秀英”", *TWINS]),
        ("en", "王五", ["people present (tick)", "no one listed here is called “王五”"]),
    ],
)
def test_an_ambiguous_or_unknown_name_is_refused_and_nothing_written(site, lang, typed, words):
    c, engine = site
    query = "?lang=en" if lang == "en" else ""
    form = c.get("/c/main/console/check_in?meeting=g1" + query.replace("?", "&")).text
    before = engine.position
    r = c.post(
        f"/c/main/console/check_in{query}",
        data={"meeting": "g1", "people": ["李建国", typed], "csrf": csrf_of(form)},
    )
    assert r.status_code == 422
    assert engine.position == before and engine.state.meetings["g1"].attendance == []
    error = re.search(r'<p class="field-error" id="err-people">([^<]*)</p>', r.text)
    assert error is not None, r.text
    for word in words:
        assert word in error.group(1), (word, error.group(1))
    _no_ids(r.text)


def test_paper_ballots_are_entered_by_name_and_choice_in_words(site):
    c, engine = site
    engine.execute(cmd.CheckIn(actor="k01", meeting="g1", people=("k02", "c001", "c002", "c003")))
    form = c.get("/c/main/console/enter_ballots?meeting=g1").text
    assert "选票（每行：投票人姓名 表决意见）；可填：赞成 / 反对 / 弃权" in form
    _no_ids(form)
    lines = f"李建国 赞成\n{TWINS[0]}，反对\n王秀英 (幸福里5栋202) 弃权\n何主任 yes"
    before = engine.position
    r = c.post(
        "/c/main/console/enter_ballots",
        data={"meeting": "g1", "ballots": "王秀英 赞成", "csrf": csrf_of(form)},
    )
    assert r.status_code == 422 and engine.position == before
    assert "有 2 人叫“王秀英”" in r.text
    r = c.post(
        "/c/main/console/enter_ballots",
        data={"meeting": "g1", "ballots": lines, "csrf": csrf_of(form)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert engine.state.meetings["g1"].ballots == {
        "c002": "yes",
        "c001": "no",
        "c003": "abstain",
        "k02": "yes",
    }


def test_on_behalf_of_is_a_name_from_the_register(site):
    c, engine = site
    form = c.get("/c/main/console/suggest").text
    assert 'list="dl-on_behalf_of"' in form and '<option value="杨书记">' in form
    assert "代谁录入（可不填）" in form and "本人编号" not in form
    _no_ids(form)
    r = c.post(
        "/c/main/console/suggest",
        data={
            "person": "张桂兰",
            "on_behalf_of": "张桂兰",
            "title": "路灯不亮",
            "csrf": csrf_of(form),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    (suggestion,) = [x for x in engine.state.suggestions.values() if x.title == "路灯不亮"]
    assert suggestion.person == "c004"


def test_the_json_api_still_takes_ids(site):
    c, engine = site
    r = c.post(
        "/api/v1/c/main/commands/check_in",
        json={"meeting": "g1", "people": ["c002"]},
        headers=bearer(c.token),
    )
    assert r.status_code == 201, r.text
    assert engine.state.meetings["g1"].attendance == ["c002"]


def test_names_shared_within_a_household_are_told_apart_without_ids(site):
    _c, engine = site
    state = engine.state
    engine.execute(
        cmd.SetUpCommunity(
            actor="system",
            people=(
                cmd.PersonSpec(id="x1", name="李明", household="ch001", born=dt.date(1950, 1, 1)),
                cmd.PersonSpec(id="x2", name="李明", household="ch001", born=dt.date(1980, 1, 1)),
                cmd.PersonSpec(id="x3", name="李强", household="ch001"),
                cmd.PersonSpec(id="x4", name="李强", household="ch001"),
            ),
        )
    )
    found = people(state, ["x1", "x2", "x3", "x4", "c002"])
    assert found.labels == {
        "x1": "李明（幸福里3栋101，1950年生）",
        "x2": "李明（幸福里3栋101，1980年生）",
        "x3": "李强（幸福里3栋101）",
        "x4": "李强（幸福里3栋101，之二）",
        "c002": "李建国",
    }
    unknown = [cmd.PersonSpec(id=f"z{n}", name="张伟") for n in range(1, 4)]
    engine.execute(cmd.SetUpCommunity(actor="system", people=tuple(unknown)))
    nothing = people(state, ["z1", "z2", "z3"])  # no home, no birth date recorded
    assert list(nothing.labels.values()) == ["张伟（之一）", "张伟（之二）", "张伟（之三）"]
    assert [nothing.find(label) for label in nothing.labels.values()] == [("z1",), ("z2",), ("z3",)]
    assert found.find("李明") == ("x1", "x2")
    assert found.find("李明 (幸福里3栋101, 1980年生)") == ("x2",)  # typed in half width
    assert found.find("李明（幸福里3栋101，1980年生）") == ("x2",)


def test_the_vote_form_offers_members_by_name_and_choices_in_words(site):
    c, _engine = site
    form = c.get("/c/main/console/cast_vote?meeting=g1").text
    assert 'list="dl-voter"' in form
    voters = re.search(r'<datalist id="dl-voter">(.*?)</datalist>', form, re.S)
    assert voters is not None and "李建国" in voters.group(1) and TWINS[0] in voters.group(1)
    assert "杨书记" not in voters.group(1)  # not a member of the deliberation group
    assert '<option value="yes">赞成</option>' in form.replace(" selected", "")
    _no_ids(form)


def test_the_engines_refusals_name_people_without_their_ids(site):
    c, engine = site
    engine.execute(cmd.CheckIn(actor="k01", meeting="g1", people=("c002", "c003")))
    form = c.get("/c/main/console/check_in?meeting=g1").text
    before = engine.position
    # a form kept open from before they checked in, sent again
    for typed, shown in (("李建国", "李建国 已签到"), (TWINS[1], f"{TWINS[1]} 已签到")):
        r = c.post(
            "/c/main/console/check_in",
            data={"meeting": "g1", "people": typed, "csrf": csrf_of(form)},
        )
        assert r.status_code == 409 and shown in r.text, r.text[-800:]
        _no_ids(r.text)
    assert engine.position == before


def test_without_ids_leaves_other_brackets_alone(site):
    from yishi.web.person_fields import without_ids

    _c, engine = site
    state = engine.state
    assert without_ids(state, "李建国（c002） 已签到") == "李建国 已签到"
    assert without_ids(state, "王秀英（c001）、王秀英（c003）") == "、".join(TWINS)
    assert without_ids(state, "会议（g1）与某人（c002）") == "会议（g1）与某人（c002）"
