"""Periods counted as the 民法典 counts them (Arts. 201, 203), and the holiday calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.domain import commands as c
from yishi.domain.errors import Refusal
from yishi.domain.periods import Calendar, Counting, count, describe, posting_note
from yishi.engine import Engine
from yishi.rulesets.calendar import china
from yishi.rulesets.loader import check_text
from yishi.store.memory import MemoryStore

CN = china()
D = dt.date


def cal(start: dt.date, days: int) -> tuple[dt.date, dt.date]:
    period = count(start, days, Counting.CALENDAR_DAYS, CN)
    return period.first_day, period.last_day


# -- the calendar -----------------------------------------------------------------------


def test_the_calendar_covers_the_current_year():
    """Fails in a year whose State Council arrangement is not loaded: upgrade
    chinesecalendar (docs/defaults.md, 节假日日历)."""
    assert CN.covers(dt.date.today()), (
        f"the holiday calendar ({CN.source}) has no {dt.date.today().year}: upgrade chinesecalendar"
    )


def test_2026_holidays_and_adjusted_working_days():
    # 国办发明电〔2025〕7号: 国庆 10-01..10-07, working Sunday 09-20 and Saturday 10-10.
    assert all(CN.is_rest_day(D(2026, 10, d)) for d in range(1, 8))
    assert not CN.is_rest_day(D(2026, 9, 20))  # a Sunday worked (调休)
    assert not CN.is_rest_day(D(2026, 10, 10))  # a Saturday worked
    assert CN.is_rest_day(D(2026, 10, 11))  # an ordinary Sunday
    assert not CN.is_rest_day(D(2026, 10, 9))  # an ordinary Friday
    # 春节 02-15..02-23, working Saturdays 02-14 and 02-28
    assert all(CN.is_rest_day(D(2026, 2, d)) for d in range(15, 24))
    assert not CN.is_rest_day(D(2026, 2, 14)) and not CN.is_rest_day(D(2026, 2, 28))


def test_a_year_not_loaded_falls_back_to_weekends_and_fixed_holidays_and_says_so():
    empty = Calendar()
    assert empty.is_rest_day(D(2031, 10, 2)) and empty.is_rest_day(D(2031, 1, 1))
    assert not empty.is_rest_day(D(2031, 10, 6))  # a Monday; 国庆's 调休 cannot be known
    period = count(D(2031, 9, 16), 15, Counting.CALENDAR_DAYS, empty)  # day 15: 10-01
    assert period.estimated and period.last_day == D(2031, 10, 6)
    assert "推算" in posting_note(period) and "estimated" in posting_note(period, "en")
    assert not count(D(2026, 9, 16), 15, Counting.CALENDAR_DAYS, CN).estimated


# -- Arts. 201 and 203 ----------------------------------------------------------------


def test_the_first_day_is_the_day_after_the_posting():
    assert cal(D(2026, 3, 17), 7) == (D(2026, 3, 18), D(2026, 3, 24))


def test_fifteen_days_ending_in_the_national_day_holiday_run_to_the_next_working_day():
    period = count(D(2026, 9, 20), 15, Counting.CALENDAR_DAYS, CN)
    assert (period.first_day, period.nominal_last_day, period.last_day) == (
        D(2026, 9, 21),
        D(2026, 10, 5),
        D(2026, 10, 8),
    )
    assert period.extended and period.end == D(2026, 10, 9)
    assert "顺延至 2026-10-08" in posting_note(period)
    assert "第二百零三条" in describe(period)


def test_fifteen_days_ending_in_the_spring_festival_run_past_it():
    # posted 02-05: day 15 is 02-20, inside 春节 (02-15..02-23); 02-24 is a Tuesday.
    assert cal(D(2026, 2, 5), 15) == (D(2026, 2, 6), D(2026, 2, 24))


def test_a_last_day_on_an_adjusted_working_saturday_stays():
    # posted 09-25: day 15 is 10-10, a Saturday worked in exchange for 国庆.
    assert cal(D(2026, 9, 25), 15)[1] == D(2026, 10, 10)


def test_a_last_day_on_an_ordinary_sunday_moves_to_monday():
    assert cal(D(2026, 6, 30), 5)[1] == D(2026, 7, 6)  # day 5 is Sunday 07-05


def test_working_days_count_only_working_days():
    period = count(D(2026, 9, 28), 5, Counting.WORKING_DAYS, CN)
    # 09-29, 09-30, then 国庆 to 10-07, then 10-08, 10-09, 10-10 (a Saturday worked)
    assert (period.first_day, period.last_day) == (D(2026, 9, 29), D(2026, 10, 10))
    assert "5 个工作日" in describe(period)


def test_zero_days_is_an_empty_period():
    period = count(D(2026, 5, 1), 0, Counting.CALENDAR_DAYS, CN)
    assert period.last_day == D(2026, 5, 1) and not period.extended


# -- properties -------------------------------------------------------------------------

DAYS_2025_2026 = st.dates(D(2025, 1, 1), D(2026, 11, 30))


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    year = st.dates(D(2026, 1, 1), D(2026, 12, 31))
    holidays = draw(st.frozensets(year, max_size=40))
    workdays = draw(st.frozensets(year.filter(lambda d: d.weekday() >= 5), max_size=10))
    return Calendar(holidays=holidays, workdays=workdays - holidays, years=frozenset({2026}))


@given(
    st.dates(D(2026, 1, 1), D(2026, 11, 30)),
    st.integers(1, 30),
    st.sampled_from(Counting),
    st.one_of(st.just(CN), calendars()),
)
def test_period_properties(start, days, counting, calendar):
    period = count(start, days, counting, calendar)
    # Art. 201: the start day is never counted
    assert period.first_day > start and period.first_day <= period.last_day
    # the count alone never ends before `days` days; the end is never a rest day
    assert period.nominal_last_day >= start + dt.timedelta(days=days)
    assert period.last_day >= period.nominal_last_day
    assert not calendar.is_rest_day(period.last_day)
    # Art. 203 moves only across rest days
    moved = period.nominal_last_day
    while moved < period.last_day:
        assert calendar.is_rest_day(moved)
        moved += dt.timedelta(days=1)
    if counting is Counting.CALENDAR_DAYS:
        assert period.nominal_last_day == start + dt.timedelta(days=days)
        assert period.first_day == start + dt.timedelta(days=1)
    else:
        span = (period.last_day - start).days
        inside = [start + dt.timedelta(days=i) for i in range(1, span + 1)]
        assert sum(not calendar.is_rest_day(d) for d in inside) == days
        assert not calendar.is_rest_day(period.first_day)
    assert period.end == period.last_day + dt.timedelta(days=1)


@given(DAYS_2025_2026, st.integers(0, 40), st.sampled_from(Counting))
def test_a_longer_period_never_ends_sooner(start, days, counting):
    shorter = count(start, days, counting, CN)
    longer = count(start, days + 1, counting, CN)
    assert longer.last_day >= shorter.last_day


@given(DAYS_2025_2026, st.integers(1, 40))
def test_working_days_never_end_before_calendar_days(start, days):
    working = count(start, days, Counting.WORKING_DAYS, CN)
    calendar = count(start, days, Counting.CALENDAR_DAYS, CN)
    assert working.last_day >= calendar.last_day


@given(DAYS_2025_2026, st.integers(0, 40), st.sampled_from(Counting))
def test_periods_round_trip_through_json(start, days, counting):
    period = count(start, days, counting, CN)
    assert type(period).from_json(period.to_json()) == period


# -- in the engine: postings, objections, replies, notices ---------------------------------

RULES = """
schema_version = 1
id = "pub"
title = "公示"
statutory = false
proposers = ["committee"]
recorders = ["committee"]
COUNTING

[bodies.committee]
name = "村委会"
roles = ["director", "member"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]
notice_days = 5

[[stages]]
id = "meet"
kind = "meeting"
name = "商议"
bodies = ["committee"]
actors = ["committee"]

[[stages]]
id = "post"
kind = "disclosure"
name = "决议公示"
actors = ["committee"]
disclosure_kind = "resolution"
disclosure_days = 15

[stages.objections]
reply_days = 3
handler = ["committee"]

[[stages]]
id = "carry_out"
kind = "execution"
name = "实施"
actors = ["committee"]
"""


def engine_for(counting: str = "") -> Engine:
    text = RULES.replace("COUNTING", f'[periods]\ncounting = "{counting}"' if counting else "")
    ruleset, problems = check_text(text.encode(), "pub.toml")
    assert ruleset is not None, [(p.code, p.path) for p in problems]
    engine = Engine(MemoryStore(), ruleset)
    engine.execute(
        c.SetUpCommunity(
            actor="admin",
            people=tuple(c.PersonSpec(id=p, name=p, adult=True) for p in ("k1", "k2", "r1")),
            bodies=(
                c.BodySpecEntry(
                    id="committee",
                    members=(
                        c.MemberSpec(person="k1", roles=("member",)),
                        c.MemberSpec(person="k2", roles=("director",)),
                    ),
                ),
            ),
        ),
        dt.datetime(2026, 1, 5),
    )
    engine.execute(c.ProposeMatter(actor="k2", matter="m", title="宅基地"), dt.datetime(2026, 1, 5))
    return engine


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def post(engine: Engine, posted: dt.date) -> None:
    # skip the meeting stage straight to the posting: hold a meeting the quick way
    engine.execute(
        c.ConveneMeeting(actor="k2", matter="m", meeting="mt", method="show_of_hands", date=posted),
        at(posted - dt.timedelta(days=10)),
    )
    engine.execute(c.CheckIn(actor="k2", meeting="mt", people=("k1", "k2")), at(posted, 8))
    engine.execute(c.EnterHandCount(actor="k2", meeting="mt", yes=2, no=0), at(posted, 8))
    engine.execute(c.CloseMeeting(actor="k2", meeting="mt"), at(posted, 8))
    engine.execute(c.Publish(actor="k1", matter="m", disclosure="n", text="方案"), at(posted))


def test_a_fifteen_day_posting_across_national_day_ends_on_the_next_working_day():
    engine = engine_for()
    post(engine, D(2026, 9, 20))
    notice = engine.state.disclosures["n"]
    assert (notice.first_day, notice.until) == (D(2026, 9, 21), D(2026, 10, 9))
    assert notice.objections_until == D(2026, 10, 9)
    # an objection on 10-07 (a holiday, inside the extension) is still in time
    engine.execute(
        c.RaiseObjection(actor="r1", disclosure="n", objection="o", person="r1", text="?"),
        at(D(2026, 10, 7)),
    )
    # its reply limit: 3 days from 10-07 is 10-10, a Saturday worked (调休): it stays
    assert engine.state.objections["o"].reply_due == D(2026, 10, 10)
    engine.execute(
        c.AnswerObjection(actor="k1", objection="o", reply="已核实", resolved=True),
        at(D(2026, 10, 8)),
    )
    assert engine.execute(c.Tick(actor="system"), at(D(2026, 10, 8), 23)) == []
    closed = engine.execute(c.Tick(actor="system"), at(D(2026, 10, 9), 0))
    assert [e.type for e in closed] == ["DisclosureClosed", "StageEntered"]
    assert "2026-09-21 至 2026-10-08" in closed[1].reason


def test_a_reply_limit_ending_on_a_holiday_moves_on():
    engine = engine_for()
    post(engine, D(2026, 6, 5))
    engine.execute(
        c.RaiseObjection(actor="r1", disclosure="n", objection="o", person="r1", text="?"),
        at(D(2026, 6, 17)),
    )
    # 06-17 + 3 = 06-20, in the 端午 holiday (06-19..06-21): due 06-22
    assert engine.state.objections["o"].reply_due == D(2026, 6, 22)


def test_a_rule_set_counting_working_days_posts_for_working_days():
    engine = engine_for("working_days")
    post(engine, D(2026, 9, 28))
    notice = engine.state.disclosures["n"]
    # 15 working days from 09-29: 09-29, 09-30, 10-08 .. 10-10 (3), 10-12 .. 10-16 (5),
    # 10-19 .. 10-23 (5) -> the 15th is 10-23
    assert notice.periods["posting"]["counting"] == "working_days"
    assert notice.until == D(2026, 10, 24)


def test_meeting_notice_counts_working_days_where_the_rule_set_says_so():
    engine = engine_for("working_days")
    # 5 working days from 09-28: 09-29, 09-30, 10-08, 10-09, 10-10
    with pytest.raises(Refusal) as refused:
        engine.execute(
            c.ConveneMeeting(
                actor="k2", matter="m", meeting="mt", method="show_of_hands", date=D(2026, 10, 9)
            ),
            at(D(2026, 9, 28)),
        )
    assert refused.value.code == "notice_working_days"
    assert refused.value.params["last_day"] == "2026-10-10"
    convened = engine.execute(
        c.ConveneMeeting(
            actor="k2", matter="m", meeting="mt", method="show_of_hands", date=D(2026, 10, 10)
        ),
        at(D(2026, 9, 28)),
    )
    assert convened[0].periods["notice"]["last_day"] == "2026-10-10"


def test_meeting_notice_is_not_moved_past_a_rest_day():
    # 5 days' notice from 09-26: day 5 is 10-01, a holiday; a meeting that day is in time.
    engine = engine_for()
    engine.execute(
        c.ConveneMeeting(
            actor="k2", matter="m", meeting="mt", method="show_of_hands", date=D(2026, 10, 1)
        ),
        at(D(2026, 9, 26)),
    )
    with pytest.raises(Refusal) as refused:
        engine_for().execute(
            c.ConveneMeeting(
                actor="k2", matter="m", meeting="mt", method="show_of_hands", date=D(2026, 10, 1)
            ),
            at(D(2026, 9, 27)),
        )
    assert refused.value.code == "notice_too_short"


def test_an_unknown_counting_is_refused_by_check():
    text = RULES.replace("COUNTING", '[periods]\ncounting = "lunar_days"')
    ruleset, problems = check_text(text.encode(), "pub.toml")
    assert ruleset is None
    assert any(p.path and "counting" in str(p.path) for p in problems)


def test_example_posting_across_the_holidays_ends_where_the_law_says():
    from tests.conftest import ROOT
    from yishi.report import to_json
    from yishi.scenario import load_scenario, run_scenario

    report = run_scenario(load_scenario(ROOT / "examples" / "12_posting_across_national_day.toml"))
    assert report.unexpected == []
    (notice,) = to_json(report)["disclosures"]
    posting = notice["periods"]["posting"]
    assert (posting["start"], posting["first_day"]) == ("2026-09-26", "2026-09-27")
    # the law's answer for the rule set's own number of days (7 before the 2025 floor, 15 after)
    nominal, last = {7: ("2026-10-03", "2026-10-08"), 15: ("2026-10-11", "2026-10-12")}[
        posting["days"]
    ]
    assert (posting["nominal_last_day"], posting["last_day"]) == (nominal, last)
    assert "依民法典第二百零三条顺延至 " + last in notice["text"]["zh"]
    (objection,) = notice["objections"]
    assert (objection["raised_on"], objection["reply_due"]) == ("2026-10-06", "2026-10-09")
