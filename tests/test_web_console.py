"""The staff console offers only what the matter's current stage allows, for the
signed-in person's web roles, and names matters by title, never by id."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.test_web_pages import sign_in
from tests.web_fixtures import client, make_app
from yishi.domain import commands as cmd
from yishi.web.actions import general_actions, matter_actions

STAFF = frozenset({"staff"})
RESIDENT = frozenset({"resident"})


@pytest.fixture
def site(tmp_path):
    app, engine, _ = make_app(tmp_path)
    engine.execute(cmd.Suggest(actor="c003", suggestion="s1", person="c003", title="停车难"))
    engine.execute(cmd.Suggest(actor="c011", suggestion="s2", person="c011", title="多种树"))
    engine.execute(
        cmd.MergeSuggestions(actor="k01", matter="m9", suggestions=("s1",), title="停车秩序整治")
    )
    return app, engine


def offered(engine, roles=STAFF) -> list[str]:
    matter = engine.state.matters["m9"]
    return [
        n for n, _ in matter_actions(engine.state, engine.rulesets["zhihui_yun"], matter, roles)
    ]


def test_each_stage_offers_its_own_actions(site):
    _app, engine = site
    # the offline deliberation (a meeting stage), not yet convened; the rule set has
    # recorders, so a step held on paper may be entered instead
    assert offered(engine) == ["convene_meeting", "declare_interest", "enter_record"]
    engine.execute(
        cmd.ConveneMeeting(
            actor="k01", matter="m9", meeting="g1", date=dt.date(2026, 9, 5), method="show_of_hands"
        )
    )
    # convened: the meeting's own steps, by what a show of hands records (a tally or ballots)
    assert offered(engine) == [
        "check_in",
        "declare_interest",
        "enter_hand_count",
        "enter_ballots",
        "close_meeting",
    ]
    engine.clock.at = dt.datetime(2026, 9, 5, 19)
    engine.execute(
        cmd.CheckIn(
            actor="k01", meeting="g1", people=("k02", "c001", "c002", "c003", "c004", "c005")
        )
    )
    engine.execute(cmd.EnterHandCount(actor="k01", meeting="g1", yes=6, no=0))
    engine.execute(cmd.CloseMeeting(actor="k01", meeting="g1"))
    # the online notice (a disclosure stage): publish, nothing about meetings
    assert offered(engine) == ["publish", "enter_record"]
    engine.execute(cmd.Publish(actor="k01", matter="m9", disclosure="d1"))
    assert offered(engine) == []  # posted, no objection waiting: nothing but to wait
    engine.clock.at = dt.datetime(2026, 9, 7, 10)
    engine.execute(
        cmd.RaiseObjection(
            actor="c011", disclosure="d1", objection="o1", person="c011", text="车位太少"
        )
    )
    [(name, fields)] = matter_actions(
        engine.state, engine.rulesets["zhihui_yun"], engine.state.matters["m9"], STAFF
    )
    assert (name, fields) == ("answer_objection", {"objection": "o1"})


def test_a_resident_is_offered_nothing_of_the_staffs(site):
    _app, engine = site
    assert offered(engine, RESIDENT) == []
    assert general_actions(RESIDENT) == []
    assert general_actions(STAFF) == ["propose_matter", "tick"]


def test_the_console_page_shows_titles_and_only_the_stages_actions(site):
    app, engine = site
    c = client(app)
    sign_in(c, "k01")
    html = c.get("/c/main/console").text
    assert "停车秩序整治" in html and "多种树" in html
    assert "console/convene_meeting?matter=m9" in html
    for other in (
        "console/close_meeting",
        "console/publish",
        "console/complete_execution",
        "console/close_evaluation",
    ):
        assert other not in html
    # suggestions are reviewed by title; the form opens with the suggestion filled in
    assert "console/merge_suggestions?suggestions=s2" in html
    visible = html.split("<main", 1)[1]
    import re

    text = re.sub(r"<[^>]+>", " ", visible)
    for ident in ("m9", "s1", "s2", "g1", "offline_deliberation"):
        assert not re.search(rf"(?<![\w/=?]){ident}(?!\w)", text), ident
    engine.execute(
        cmd.ConveneMeeting(
            actor="k01", matter="m9", meeting="g1", date=dt.date(2026, 9, 5), method="show_of_hands"
        )
    )
    html = c.get("/c/main/console?lang=en").text
    assert (
        "console/check_in?lang=en&amp;meeting=g1" in html and "console/convene_meeting" not in html
    )
    assert "meeting on 2026-09-05" in html


def _visible(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1])


def test_the_convene_form_asks_no_id_and_offers_methods_by_name(site):
    from tests.test_web_pages import csrf_of
    from yishi.web.console_forms import NEW_IDS

    app, engine = site
    c = client(app)
    sign_in(c, "k01")
    form = c.get("/c/main/console/convene_meeting?matter=m9").text
    # no id to type: neither the meeting's nor the matter's
    assert 'name="meeting"' not in form and 'id="f-matter"' not in form
    assert 'name="candidates"' not in form  # a meeting stage elects no one
    # the method is a choice, shown by its Chinese name, carrying the internal name hidden
    assert '<select id="f-method" name="method">' in form
    assert '<option value="show_of_hands"' in form and "举手表决" in form
    ruleset = engine.rulesets["zhihui_yun"]
    for name in ruleset.catalog.vote_methods:
        assert name not in _visible(form), name
    english = c.get("/c/main/console/convene_meeting?matter=m9&lang=en").text
    assert "show of hands" in _visible(english).lower() and "举手" not in _visible(english)
    r = c.post(
        "/c/main/console/convene_meeting",
        data={
            "matter": "m9",
            "date": "2026-09-05",
            "method": "show_of_hands",
            "place": "会议室",
            "csrf": csrf_of(form),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    meeting = engine.state.matters["m9"].open_meeting(engine.state)
    assert meeting is not None and meeting.method == "show_of_hands"
    assert meeting.id.isascii() and meeting.id.startswith("m9-")
    assert "meeting" in NEW_IDS["convene_meeting"]


def test_new_ids_are_unique_in_the_state_and_explicit_ids_are_kept(site):
    from yishi.web.console_forms import new_id, with_new_id

    _app, engine = site
    state = engine.state
    first = new_id(state, "convene_meeting", "m9")
    engine.execute(
        cmd.ConveneMeeting(
            actor="k01",
            matter="m9",
            meeting=first,
            date=dt.date(2026, 9, 5),
            method="show_of_hands",
        )
    )
    second = new_id(engine.state, "convene_meeting", "m9")
    assert second != first and second not in engine.state.meetings
    assert with_new_id(engine.state, "convene_meeting", {"matter": "m9", "meeting": "g7"}) == {
        "matter": "m9",
        "meeting": "g7",
    }
    assert with_new_id(engine.state, "publish", {"matter": "m9"})["disclosure"].startswith("m9-")
    assert with_new_id(engine.state, "check_in", {"meeting": first}) == {"meeting": first}


def test_the_publish_form_asks_no_notice_id(site):
    app, _engine = site
    c = client(app)
    sign_in(c, "k01")
    form = c.get("/c/main/console/publish?matter=m9").text
    assert 'name="disclosure"' not in form and 'name="title"' in form


def test_forms_that_create_a_record_ask_no_id_for_it(site):
    from tests.test_web_pages import csrf_of

    app, engine = site
    c = client(app)
    sign_in(c, "k01")
    for command, field in (
        ("propose_matter", "matter"),
        ("merge_suggestions", "matter"),
        ("suggest", "suggestion"),
        ("raise_objection", "objection"),
        ("send_referral", "referral"),
    ):
        assert f'name="{field}"' not in c.get(f"/c/main/console/{command}").text, command
    for title in ("路灯不亮", "井盖松动"):  # two in a row: each gets its own id
        form = c.get("/c/main/console/suggest").text
        r = c.post(
            "/c/main/console/suggest",
            data={"person": "杨书记", "title": title, "csrf": csrf_of(form)},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
    made = [s for s in engine.state.suggestions.values() if s.title in ("路灯不亮", "井盖松动")]
    assert len(made) == 2 and all(s.id.startswith("suggest-") for s in made)
    form = c.get("/c/main/console/merge_suggestions?suggestions=s2").text
    r = c.post(
        "/c/main/console/merge_suggestions",
        data={"suggestions": "s2", "title": "小区加装充电桩", "csrf": csrf_of(form)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    (new,) = [m for m in engine.state.matters.values() if m.title == "小区加装充电桩"]
    assert new.id.isascii() and new.id not in ("m9", "")


def test_a_household_is_chosen_by_its_name(site):
    import re

    app, engine = site
    c = client(app)
    sign_in(c, "k01")
    form = c.get("/c/main/console/record_canvass?matter=m9").text
    choices = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', form)
    # the id carried, the household's name (its 户代表's, 某某户) shown
    assert ("ch001", f"{engine.state.people['c001'].name}户") in choices
    assert "ch001" not in _visible(form)
