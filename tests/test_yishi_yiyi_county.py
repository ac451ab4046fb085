"""一事一议's county review: a reply due within 7 working days of the township's
review (counted on the rule set's calendar), found overdue by a tick after its
last day, once; a late reply is marked late; `yishi stats` counts it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

from tests.conftest import ROOT
from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.publish.timeline import timeline
from yishi.report import to_json, to_text
from yishi.scenario import load_scenario, run_scenario
from yishi.scenario.run import RunReport
from yishi.stats import Span, compute

EXAMPLE = ROOT / "examples" / "32_yiyi_petition_canvass_township.toml"
COUNTY = "县级农民负担监督管理部门复审"


def _after_township(tmp_path: Path, township: str) -> RunReport:
    """Example 32 up to the township's review, held on ``township`` (ISO date)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text[: text.index("# 县级复审须在乡（镇）审核后")]  # the actions after the township's
    text = text.replace("until = 2026-05-20\n", "")
    text = text.replace("at = 2026-04-15T09:00:00", f"at = {township}T09:00:00")
    text = text.replace('community_file = "yiyi_village.toml"', 'community_file = "v.toml"')
    (tmp_path / "v.toml").write_text(
        (ROOT / "examples" / "yiyi_village.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")
    report = run_scenario(load_scenario(tmp_path / "s.toml"))
    assert report.unexpected == [] and report.engine.state.matters["m32"].approved_by
    return report


def _tick(report: RunReport, day: dt.date) -> list[ev.Event]:
    return report.engine.tick(dt.datetime.combine(day, dt.time(0, 0)))


def _reply(report: RunReport, day: dt.date) -> list[ev.Event]:
    command = cmd.RecordApproval(
        actor="a001", matter="m32", approved=True, document=f"县农经局复审意见书（{day}）"
    )
    return report.engine.execute(command, dt.datetime.combine(day, dt.time(9, 0)))


@pytest.mark.parametrize(
    ("township", "last_day", "why"),
    [
        # Wed 15 April + 7 working days, skipping the weekend of 18-19 April: Fri 24 April.
        ("2026-04-15", dt.date(2026, 4, 24), "a weekend"),
        # Tue 28 April: 29, 30 April, then 劳动节 (1-5 May off), 6, 7, 8 May, Saturday
        # 9 May (a 调休 working day) and Monday 11 May is the 7th working day.
        ("2026-04-28", dt.date(2026, 5, 11), "劳动节 and a 调休 Saturday"),
    ],
)
def test_the_tick_after_the_seventh_working_day_finds_the_reply_overdue_once(
    tmp_path: Path, township: str, last_day: dt.date, why: str
):
    report = _after_township(tmp_path, township)
    # Every day up to and including the 7th working day: nothing is overdue.
    day = dt.date.fromisoformat(township)
    while day <= last_day:
        assert not [e for e in _tick(report, day) if isinstance(e, ev.ApprovalOverdue)], (why, day)
        day += dt.timedelta(days=1)
    # The day after it: overdue, with the last day it was due by.
    found = [e for e in _tick(report, last_day + dt.timedelta(days=1)) if type(e).__name__]
    overdue = [e for e in found if isinstance(e, ev.ApprovalOverdue)]
    assert len(overdue) == 1 and overdue[0].due == last_day and overdue[0].by == COUNTY
    # Recorded once: later ticks find nothing new.
    assert not _tick(report, last_day + dt.timedelta(days=5))
    deadline = report.engine.state.matters["m32"].approval_deadlines[COUNTY]
    assert deadline["overdue"] and deadline["due"] == last_day.isoformat()


def test_a_reply_on_its_last_day_is_on_time_and_never_overdue(tmp_path: Path):
    report = _after_township(tmp_path, "2026-04-28")
    for offset in range(14):  # up to and including Monday 11 May
        _tick(report, dt.date(2026, 4, 28) + dt.timedelta(days=offset))
    recorded = _reply(report, dt.date(2026, 5, 11))
    assert recorded[0].due == "2026-05-11"
    assert not _tick(report, dt.date(2026, 5, 12))  # answered: nothing falls due
    deadline = report.engine.state.matters["m32"].approval_deadlines[COUNTY]
    assert deadline == {
        "by": COUNTY,
        "due": "2026-05-11",
        "overdue": False,
        "replied_on": "2026-05-11",
        "late": False,
    }
    figures = _stats(report)
    assert (figures["due"], figures["met"], figures["missed"]) == (1, 1, 0)


def _stats(report: RunReport) -> dict:
    document = compute(report.all_events(), report.engine.rulesets, Span.year(2026))
    return document["total"]["figures"]["deadlines"]


def test_an_overdue_reply_is_counted_as_missed_and_once_when_it_comes(tmp_path: Path):
    report = _after_township(tmp_path, "2026-04-15")
    _tick(report, dt.date(2026, 4, 25))  # Saturday after Friday 24 April: overdue
    # Unanswered: the deadline is counted, and missed.
    figures = _stats(report)
    assert (figures["due"], figures["met"], figures["missed"]) == (1, 0, 1)
    _reply(report, dt.date(2026, 4, 28))
    # The late reply settles the same deadline: still one, still missed.
    figures = _stats(report)
    assert (figures["due"], figures["met"], figures["missed"]) == (1, 0, 1)


def _late(tmp_path: Path) -> RunReport:
    """Example 32 with the county replying on Tuesday 28 April, after its limit."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("at = 2026-04-22T09:00:00", "at = 2026-04-28T09:00:00")
    text = text.replace("at = 2026-04-23T09:00:00", "at = 2026-04-29T09:00:00")
    text = text.replace('community_file = "yiyi_village.toml"', 'community_file = "v.toml"')
    (tmp_path / "v.toml").write_text(
        (ROOT / "examples" / "yiyi_village.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "late.toml").write_text(text, encoding="utf-8")
    return run_scenario(load_scenario(tmp_path / "late.toml"))


def test_an_overdue_reply_is_shown_in_the_run_the_json_and_the_timeline(tmp_path: Path):
    report = _late(tmp_path)
    overdue = [e for e in report.all_events() if isinstance(e, ev.ApprovalOverdue)]
    # The scenario ticks at each midnight: Saturday 25 April finds it overdue, once.
    assert [(e.at.date(), e.due) for e in overdue] == [(dt.date(2026, 4, 25), dt.date(2026, 4, 24))]

    zh, en = to_text(report, "zh"), to_text(report, "en")
    assert "答复期限 2026-04-24（含当日）已过，尚未答复，已逾期" in zh
    assert "〔答复期限 2026-04-24，已逾期〕" in zh
    assert "no reply by 2026-04-24 (inclusive); overdue" in en
    assert "review by the county office for farmers' burdens: approved" in en
    assert "[reply due by 2026-04-24, late]" in en

    matter = next(m for m in to_json(report)["matters"] if m["matter"] == "m32")
    assert matter["approval_deadlines"] == [
        {
            "by": COUNTY,
            "due": "2026-04-24",
            "overdue": True,
            "replied_on": "2026-04-28",
            "late": True,
        }
    ]

    state = report.engine.state
    events = [e for e in report.all_events() if getattr(e, "matter", None) == "m32"]
    rows = {lang: timeline(events, state, report.rules, lang) for lang in ("zh", "en")}
    zh_rows = [r["text"] for r in rows["zh"] if r["type"].startswith("Approval")]
    en_rows = [r["text"] for r in rows["en"] if r["type"].startswith("Approval")]
    assert f"逾期：{COUNTY}未在 2026-04-24 前答复" in zh_rows
    assert any(r.startswith(f"批准（{COUNTY}）") and r.endswith("（逾期答复）") for r in zh_rows)
    assert (
        "Overdue: no reply from review by the county office for farmers' burdens by 2026-04-24"
        in en_rows
    )
    assert any(r.endswith("(late)") for r in en_rows)


def test_no_county_deadline_runs_before_the_township_has_reviewed(tmp_path: Path):
    report = _after_township(tmp_path, "2026-04-15")
    state = report.engine.state
    # Undo the township's review: the county's limit has not started, so nothing is due.
    from yishi.domain.approval import overdue

    matter = attrs.evolve(state.matters["m32"], approved_by=[], approved_on={})
    rs = report.engine.rulesets["yishi_yiyi"]
    assert overdue(state, rs, matter, dt.datetime(2026, 6, 30)) == []


def test_the_shipped_example_replies_in_time_and_meets_its_deadline():
    report = run_scenario(load_scenario(EXAMPLE))  # ticks daily up to 20 May
    assert not [e for e in report.all_events() if isinstance(e, ev.ApprovalOverdue)]
    assert _stats(report)["met"] == 1


def test_the_console_offers_the_county_reply_once_the_township_has_reviewed(tmp_path: Path):
    pytest.importorskip("starlette")
    from yishi.web.actions import matter_actions

    report = _after_township(tmp_path, "2026-04-15")
    state, rs = report.engine.state, report.engine.rulesets["yishi_yiyi"]
    offered = [name for name, _ in matter_actions(state, rs, state.matters["m32"], ["staff"])]
    assert "record_approval" in offered  # the county's review is still awaited
    _reply(report, dt.date(2026, 4, 22))
    offered = [name for name, _ in matter_actions(state, rs, state.matters["m32"], ["staff"])]
    assert "record_approval" not in offered
