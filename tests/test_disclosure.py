"""Disclosure stages (公开): posting-period days, objection windows, replies and escalation."""

from __future__ import annotations

import datetime as dt

import pytest

from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.domain.rules import RuleSet
from yishi.engine import Engine
from yishi.rulesets.loader import check_text
from yishi.store.memory import MemoryStore

DISCLOSURE_TOML = """
schema_version = 1
id = "pub"
title = "公示"
statutory = false
proposers = ["committee"]
recorders = ["committee"]

[bodies.committee]
name = "村委会"
roles = ["director", "member"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[[stages]]
id = "post"
kind = "disclosure"
name = "决议公示"
actors = ["committee"]
disclosure_kind = "resolution"
disclosure_days = 7

[stages.objections]
WINDOW
reply_days = 3
handler = ["committee"]
ON_UNRESOLVED

[[stages]]
id = "carry_out"
kind = "execution"
name = "实施"
actors = ["committee"]

[[stages]]
id = "review"
kind = "meeting"
name = "审议异议"
in_sequence = false
bodies = ["committee"]
actors = ["committee.director"]
on_pass = { action = "goto", stage = "post" }
"""

STAFF = "k1"  # committee member who posts notices and answers objections
RESIDENTS = ("r1", "r2", "r3")
MATTER = "m1"
NOTICE = "n1"
POSTED = dt.date(2026, 6, 1)  # D


def build(window: str = "", on_unresolved: bool = True) -> RuleSet:
    text = DISCLOSURE_TOML.replace("WINDOW", window).replace(
        "ON_UNRESOLVED",
        'on_unresolved = { action = "goto", stage = "review" }' if on_unresolved else "",
    )
    ruleset, problems = check_text(text.encode(), "pub.toml")
    assert ruleset is not None, [(p.code, p.path) for p in problems]
    return ruleset


def day(offset: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A time on day D + offset."""
    return dt.datetime.combine(POSTED + dt.timedelta(days=offset), dt.time(hour, minute))


def start(window: str = "", on_unresolved: bool = True) -> Engine:
    ruleset = build(window, on_unresolved)
    engine = Engine(MemoryStore(), ruleset)
    engine.execute(
        c.SetUpCommunity(
            actor="admin",
            people=tuple(c.PersonSpec(id=p, name=p, adult=True) for p in (STAFF, "k2", *RESIDENTS)),
            bodies=(
                c.BodySpecEntry(
                    id="committee",
                    members=(
                        c.MemberSpec(person=STAFF, roles=("member",)),
                        c.MemberSpec(person="k2", roles=("director",)),
                    ),
                ),
            ),
        ),
        day(-1, 0),
    )
    engine.execute(c.ProposeMatter(actor="k2", matter=MATTER, title="宅基地安排"), day(-1))
    engine.execute(c.Publish(actor=STAFF, matter=MATTER, disclosure=NOTICE, text="方案"), day(0))
    return engine


def tick(engine: Engine, at: dt.datetime) -> list[ev.Event]:
    return engine.execute(c.Tick(actor="system"), at)


def object_(
    engine: Engine, objection: str, at: dt.datetime, person: str = "r1", **kw: str
) -> list[ev.Event]:
    return engine.execute(
        c.RaiseObjection(
            actor=kw.get("actor", person),
            on_behalf_of=kw.get("on_behalf_of"),
            disclosure=NOTICE,
            objection=objection,
            person=person,
            text="分配不公",
        ),
        at,
    )


def answer(
    engine: Engine, objection: str, at: dt.datetime, resolved: bool = True, actor: str = STAFF
) -> list[ev.Event]:
    return engine.execute(
        c.AnswerObjection(actor=actor, objection=objection, reply="已核实", resolved=resolved), at
    )


def refusal(run, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        run(*args, **kwargs)
    return info.value


def types(events: list[ev.Event]) -> list[str]:
    return [e.type for e in events]


# -- posting period ------------------------------------------------------------------


def test_published_dates():
    engine = start()
    notice = engine.state.disclosures[NOTICE]
    assert (notice.posted_on, notice.until, notice.objections_until) == (
        POSTED,
        dt.date(2026, 6, 9),
        dt.date(2026, 6, 9),
    )
    # 民法典 Art. 201: the posting day is not counted; days 1–7 are 06-02 to 06-08.
    posting = notice.periods["posting"]
    assert (posting["first_day"], posting["last_day"]) == ("2026-06-02", "2026-06-08")
    assert notice.first_day == dt.date(2026, 6, 2)
    assert notice.reply_days == 3


def test_seven_day_posting_stays_open_through_the_seventh_day():
    engine = start()
    assert tick(engine, day(7, 23, 59)) == []  # the posting day itself is not counted
    assert engine.state.disclosures[NOTICE].closed is None
    assert engine.state.matters[MATTER].stage == "post"


def test_seven_day_posting_closes_at_midnight_after_the_seventh_day():
    engine = start()
    events = tick(engine, day(8, 0, 0))
    assert types(events) == ["DisclosureClosed", "StageEntered"]
    assert events[0].outcome == "ended"
    assert events[1].stage == "carry_out"
    assert "2026-06-02 至 2026-06-08" in events[1].reason
    assert engine.state.disclosures[NOTICE].closed == "ended"
    assert engine.state.matters[MATTER].stage == "carry_out"
    assert tick(engine, day(9)) == []  # nothing falls due twice


# -- objection window -------------------------------------------------------------------


def test_objection_accepted_on_the_last_day_of_the_posting():
    engine = start()
    events = object_(engine, "o1", day(7, 23, 59))
    assert types(events) == ["ObjectionRaised"]


def test_objection_refused_the_day_after_the_posting():
    engine = start()
    found = refusal(object_, engine, "o1", day(8, 0, 0))
    assert found.code == "objection_window_over"
    assert found.params["until"] == "2026-06-09"


def test_shorter_objection_window_closes_before_the_posting():
    engine = start(window="window_days = 3")
    assert engine.state.disclosures[NOTICE].objections_until == dt.date(2026, 6, 5)
    object_(engine, "o1", day(3, 23, 59))
    found = refusal(object_, engine, "o2", day(4, 0, 0), person="r2")
    assert found.code == "objection_window_over"
    assert engine.state.disclosures[NOTICE].closed is None  # still posted


def test_objection_refused_once_the_disclosure_has_closed():
    engine = start()
    tick(engine, day(8, 0, 0))
    found = refusal(object_, engine, "o1", day(8, 9))
    assert found.code == "disclosure_closed"
    # by its title and the day it went up, not its id
    assert found.message("zh") == "公示“宅基地安排（决议公示）”（2026-06-01 张贴）已结束"
    assert found.message("en") == (
        "the disclosure '宅基地安排（决议公示）' (posted 2026-06-01) has ended"
    )


# -- replies ----------------------------------------------------------------------------


def test_reply_due_is_raised_on_plus_reply_days():
    engine = start()
    (raised,) = object_(engine, "o1", day(1, 15))
    assert raised.reply_due == dt.date(2026, 6, 5)
    assert engine.state.objections["o1"].reply_due == dt.date(2026, 6, 5)


def test_answer_on_the_due_day_is_in_time():
    engine = start()
    object_(engine, "o1", day(1, 15))
    assert tick(engine, day(4, 0, 0)) == []  # the due day itself: not yet overdue
    events = answer(engine, "o1", day(4, 18))
    assert types(events) == ["ObjectionAnswered"]
    assert tick(engine, day(5, 0, 0)) == []
    assert engine.state.objections["o1"].escalated is False
    assert engine.state.matters[MATTER].stage == "post"


def test_unanswered_objection_escalates_the_day_after_it_was_due():
    engine = start()
    object_(engine, "o1", day(1, 15))
    assert tick(engine, day(4, 23, 59)) == []
    events = tick(engine, day(5, 0, 0))
    assert types(events) == ["ObjectionEscalated", "DisclosureClosed", "StageEntered"]
    assert events[0].objection == "o1"
    assert "2026-06-05" in events[0].reason  # the due date, D+4
    assert events[1].outcome == "suspended"
    assert events[2].stage == "review"
    assert engine.state.objections["o1"].escalated is True
    assert engine.state.disclosures[NOTICE].closed == "suspended"
    assert engine.state.matters[MATTER].stage == "review"
    # named by its day and words, not its id or its author
    assert events[0].reason.startswith("2026-06-02 提出的异议（“分配不公”）未在 3 日内答复")
    assert events[0].reason_en.startswith("the objection of 2026-06-02 (“分配不公”) not answered")
    # escalated: no longer waiting for an answer
    found = refusal(answer, engine, "o1", day(5, 9))
    assert found.code == "objection_not_pending"
    assert found.message("zh") == "2026-06-02 提出的异议（“分配不公”）已答复或已上报"


def test_unsatisfied_objector_escalates_at_once():
    engine = start()
    object_(engine, "o1", day(1, 15))
    events = answer(engine, "o1", day(2), resolved=False)
    assert types(events) == [
        "ObjectionAnswered",
        "ObjectionEscalated",
        "DisclosureClosed",
        "StageEntered",
    ]
    assert events[2].outcome == "suspended"
    assert events[3].stage == "review"
    objection = engine.state.objections["o1"]
    assert (objection.resolved, objection.escalated) == (False, True)
    assert events[1].reason == "2026-06-02 提出的异议（“分配不公”）：异议人对答复不满意"
    assert events[1].reason_en == (
        "the objection of 2026-06-02 (“分配不公”): the objector is not satisfied with the reply"
    )
    assert engine.state.matters[MATTER].stage == "review"


def test_escalation_without_on_unresolved_leaves_the_posting_running():
    engine = start(on_unresolved=False)
    object_(engine, "o1", day(1, 15))
    events = answer(engine, "o1", day(2), resolved=False)
    assert types(events) == ["ObjectionAnswered", "ObjectionEscalated"]
    assert engine.state.disclosures[NOTICE].closed is None
    assert tick(engine, day(7, 23, 59)) == []
    assert types(tick(engine, day(8, 0, 0))) == ["DisclosureClosed", "StageEntered"]
    assert engine.state.matters[MATTER].stage == "carry_out"


def test_pending_objection_keeps_the_disclosure_open_past_its_end():
    engine = start()
    object_(engine, "o1", day(6, 20))  # last day; the reply is due on D+9
    assert tick(engine, day(7, 0, 0)) == []
    assert tick(engine, day(9, 0, 0)) == []
    assert engine.state.disclosures[NOTICE].closed is None
    assert engine.state.matters[MATTER].stage == "post"
    answer(engine, "o1", day(9, 10))
    events = tick(engine, day(9, 10, 1))
    assert types(events) == ["DisclosureClosed", "StageEntered"]
    assert events[0].outcome == "ended"
    assert engine.state.matters[MATTER].stage == "carry_out"


def test_pending_objection_past_the_end_still_escalates_when_overdue():
    engine = start()
    object_(engine, "o1", day(6, 20))
    assert tick(engine, day(9, 23, 59)) == []
    events = tick(engine, day(10, 0, 0))
    assert types(events) == ["ObjectionEscalated", "DisclosureClosed", "StageEntered"]
    assert engine.state.matters[MATTER].stage == "review"


# -- who acts ----------------------------------------------------------------------------


def test_only_the_handler_may_answer():
    engine = start()
    object_(engine, "o1", day(1))
    found = refusal(answer, engine, "o1", day(2), actor="r2")
    assert (found.code, found.rule) == ("not_authorized", "stages.post.objections.handler")
    assert engine.state.objections["o1"].reply is None
    answer(engine, "o1", day(2), actor="k2")  # any committee member
    assert engine.state.objections["o1"].reply == "已核实"


def test_staff_enters_an_objection_on_behalf_of_a_resident():
    engine = start()
    (raised,) = object_(engine, "o1", day(1), person="r3", actor=STAFF, on_behalf_of="r3")
    assert (raised.actor, raised.on_behalf_of, raised.person) == (STAFF, "r3", "r3")
    assert engine.state.objections["o1"].person == "r3"
    stored = list(engine.store.read_all())[-1].event
    assert (stored.actor, stored.on_behalf_of) == (STAFF, "r3")


def test_only_recorders_may_enter_an_objection_for_someone_else():
    engine = start()
    before = len(engine.store)
    with pytest.raises(Refusal) as info:
        object_(engine, "o1", day(1), person="r3", actor="r1", on_behalf_of="r3")
    assert (info.value.code, info.value.rule) == ("not_a_recorder", "recorders")
    assert len(engine.store) == before


def test_objection_needs_a_reason_and_a_known_person():
    engine = start()
    with pytest.raises(Refusal) as info:
        engine.execute(
            c.RaiseObjection(actor="r1", disclosure=NOTICE, objection="o1", person="r1", text=" "),
            day(1),
        )
    assert info.value.code == "reason_required"
    assert refusal(object_, engine, "o1", day(1), person="zz").code == "unknown_person"


# -- one tick processes everything that fell due ------------------------------------------


def test_one_tick_escalates_every_overdue_objection():
    # Both objections were due on D+4; a tick on D+5 must escalate both, not one per tick.
    engine = start(on_unresolved=False)
    object_(engine, "o1", day(1, 15))
    object_(engine, "o2", day(1, 16), person="r2")
    events = tick(engine, day(5, 0, 0))
    assert [(e.type, e.objection) for e in events] == [
        ("ObjectionEscalated", "o1"),
        ("ObjectionEscalated", "o2"),
    ]
    assert {o: engine.state.objections[o].escalated for o in ("o1", "o2")} == {
        "o1": True,
        "o2": True,
    }


def test_one_tick_escalates_and_ends_the_posting_when_both_fall_due():
    # o1 (raised D+4) is due on D+7 and the posting ends with D+7: at D+8 00:00 both fall due.
    engine = start(on_unresolved=False)
    object_(engine, "o1", day(4, 15))
    events = tick(engine, day(8, 0, 0))
    assert types(events) == ["ObjectionEscalated", "DisclosureClosed", "StageEntered"]
    assert engine.state.disclosures[NOTICE].closed == "ended"
    assert engine.state.matters[MATTER].stage == "carry_out"
