"""``yishi stats``: figures counted by hand from the example scenarios, run into
real SQLite logs; the table, CSV and JSON shapes; period boundaries; an empty
log; bad dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import EXAMPLES
from yishi.cli import main
from yishi.domain import events as ev
from yishi.stats import DEADLINES, FORMAT, Span, compute
from yishi.stats_output import CSV_COLUMNS, ROWS
from yishi.store.sqlite import SQLiteStore

RUN = ("04_objection_during_disclosure", "09_zhihui_yun", "13_backfill_paper_decision")


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("stats")
    found = {}
    for name in RUN:
        db = folder / name / "yishi.db"
        result = CliRunner().invoke(main, ["run", str(EXAMPLES / f"{name}.toml"), "--db", str(db)])
        assert result.exit_code == 0, result.output
        found[name] = db
    return found


def stats(db: Path, *args: str) -> Any:
    result = CliRunner().invoke(main, ["stats", "--db", str(db), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, ["stats", *args])


# -- figures counted by hand -----------------------------------------------------------


def test_zhihui_yun_figures_counted_by_hand(logs):
    # One topic from three suggestions (a fourth declined with a reason), decided
    # 09-07, done 10-16 after a failed first evaluation (7/10) and a second (9/10).
    document = stats(logs["09_zhihui_yun"], "--from", "2026-01-01", "--to", "2026-12-31")
    assert document["format"] == FORMAT
    assert document["period"] == {"from": "2026-01-01", "to": "2026-12-31"}
    [council] = document["councils"]
    assert council["council"] == "zhihui_yun"
    f = council["figures"]
    assert f["matters"] == {
        "raised": 1,
        "decided": 1,
        "adopted": 1,
        "done": 1,
        "done_on_time": 1,
        "abandoned": 0,
        "open_at_end": 0,
        "on_time_rate": {"count": 1, "of": 1, "percent": "100%", "percent_exact": True},
    }
    assert f["suggestions"] == {
        "received": 4,
        "answered": 4,
        "merged": 3,
        "declined": 1,
        "answered_rate": {"count": 4, "of": 4, "percent": "100%", "percent_exact": True},
    }
    # every round counts: (7 + 9) satisfied of (10 + 10) ratings
    assert f["satisfaction"] == {
        "evaluations": 2,
        "passed": 1,
        "ratings": 20,
        "satisfied": 16,
        "rate": {"count": 16, "of": 20, "percent": "80%", "percent_exact": True},
    }
    assert council["bodies"] == [
        {
            "body": "deliberation_group",
            "name": {"zh": "线下议事小组", "en": "Offline deliberation group"},
            "meetings": {"held": 1, "passed": 1, "rejected": 0, "no_quorum": 0},
        }
    ]
    assert document["total"]["figures"] == f


def test_objection_deadlines_met_and_missed(logs):
    # m4-o1 due 06-25 answered 06-24 (met); m4-o2 due 06-26 escalated unanswered 06-27 (missed).
    f = stats(logs["04_objection_during_disclosure"], "--from", "2026-06-01", "--to", "2026-07-31")
    figures = f["total"]["figures"]
    assert figures["deadlines"] == {
        "due": 2,
        "met": 1,
        "missed": 1,
        "met_rate": {"count": 1, "of": 2, "percent": "50%", "percent_exact": True},
    }
    assert figures["matters"]["decided"] == 1 and figures["matters"]["done"] == 0
    assert figures["matters"]["open_at_end"] == 1
    held = {b["name"]["zh"]: b["meetings"]["held"] for b in f["councils"][0]["bodies"]}
    assert held == {"村党支部委员会": 1, "村“两委”联席会议": 1, "村党员大会": 2, "村民代表会议": 1}


@pytest.mark.parametrize(
    ("first", "last", "raised", "decided", "due", "met"),
    [
        ("2026-06-01", "2026-06-01", 1, 0, 0, 0),  # the day it was raised
        ("2026-06-02", "2026-06-11", 0, 0, 0, 0),  # deliberating
        ("2026-06-12", "2026-06-12", 0, 1, 0, 0),  # the resolution's day, both ends included
        ("2026-06-13", "2026-06-25", 0, 0, 1, 1),  # o1 due 06-25, answered 06-24
        ("2026-06-26", "2026-06-26", 0, 0, 1, 0),  # o2 due 06-26, never answered
        ("2026-06-27", "2026-12-31", 0, 0, 0, 0),
    ],
)
def test_period_boundaries(logs, first, last, raised, decided, due, met):
    f = stats(logs["04_objection_during_disclosure"], "--from", first, "--to", last)
    figures = f["total"]["figures"]
    assert figures["matters"]["raised"] == raised
    assert figures["matters"]["decided"] == decided
    assert (figures["deadlines"]["due"], figures["deadlines"]["met"]) == (due, met)


def test_acts_after_the_period_are_not_read(logs):
    # As it stood on 06-11 the matter was open and undecided; what came later does not count.
    f = stats(logs["04_objection_during_disclosure"], "--from", "2026-06-01", "--to", "2026-06-11")
    matters = f["total"]["figures"]["matters"]
    assert (matters["raised"], matters["decided"], matters["open_at_end"]) == (1, 0, 1)
    held = {b["body"]: b["meetings"]["held"] for b in f["councils"][0]["bodies"]}
    assert held == {"party_branch_committee": 1, "two_committees": 1, "party_members_assembly": 1}


def test_paper_records_count_on_the_day_they_were_held(logs):
    # Entered on 03-18; held 03-03, 03-05, 03-10 and 03-16 (the resolution).
    db = logs["13_backfill_paper_decision"]
    early = stats(db, "--from", "2026-03-01", "--to", "2026-03-17")
    assert early["total"]["figures"]["matters"]["decided"] == 1
    assert early["total"]["figures"]["matters"]["raised"] == 0  # proposed on 03-18
    first = stats(db, "--from", "2026-03-01", "--to", "2026-03-04")
    assert [b["name"]["zh"] for b in first["councils"][0]["bodies"]] == ["村党支部委员会"]
    assert first["total"]["figures"]["matters"]["decided"] == 0


def _events(db: Path) -> list[ev.Event]:
    with SQLiteStore(db) as store:
        return [s.event for s in store.read_all()]


@given(st.integers(min_value=0, max_value=364))
def test_adjacent_periods_add_up(logs, split):
    events = {name: _events(db) for name, db in logs.items()}
    year = Span.year(2026)
    cut = year.first + dt.timedelta(days=split)
    for found in events.values():
        whole = compute(found, {}, year)["total"]["figures"]
        parts = [compute(found, {}, Span(year.first, cut))["total"]["figures"]]
        if cut < year.last:
            parts.append(
                compute(found, {}, Span(cut + dt.timedelta(days=1), year.last))["total"]["figures"]
            )
        for group, figure in [
            ("matters", "raised"),
            ("matters", "done"),
            ("matters", "abandoned"),
            ("deadlines", "due"),
            ("suggestions", "received"),
            ("satisfaction", "evaluations"),
            ("satisfaction", "ratings"),
            ("satisfaction", "satisfied"),
        ]:
            assert whole[group][figure] == sum(p[group][figure] for p in parts), (group, figure)


# -- on time, hand-offs and deadlines, on events made by hand --------------------------

AT = dt.datetime(2026, 5, 1, 9, 0)


def _proposed(matter: str, procedure: str = "p") -> ev.Event:
    return ev.MatterProposed(
        at=AT,
        actor="a",
        matter=matter,
        title="t",
        matter_type=None,
        procedure=procedure,
        ruleset_digest="",
    )


def _objection(matter: str, objection: str, due: dt.date) -> ev.Event:
    return ev.ObjectionRaised(
        at=AT,
        actor="a",
        matter=matter,
        disclosure="d",
        objection=objection,
        person="x",
        text="t",
        reply_due=due,
    )


def _answered(matter: str, objection: str, day: dt.date) -> ev.Event:
    at = dt.datetime.combine(day, dt.time(10))
    return ev.ObjectionAnswered(
        at=at, actor="a", matter=matter, objection=objection, reply="r", resolved=True
    )


def _closed(matter: str, day: dt.date) -> ev.Event:
    at = dt.datetime.combine(day, dt.time(12))
    return ev.MatterClosed(at=at, actor="a", matter=matter, status="completed")


def test_a_late_answer_makes_a_done_matter_late():
    due = dt.date(2026, 5, 4)
    events = [
        _proposed("m1"),
        _proposed("m2"),
        _objection("m1", "o1", due),
        _objection("m2", "o2", due),
        _answered("m1", "o1", due),  # on its last day: in time
        _answered("m2", "o2", due + dt.timedelta(days=1)),  # a day late
        _closed("m1", dt.date(2026, 5, 10)),
        _closed("m2", dt.date(2026, 5, 10)),
    ]
    matters = compute(events, {}, Span.year(2026))["total"]["figures"]["matters"]
    assert (matters["done"], matters["done_on_time"]) == (2, 1)
    assert matters["on_time_rate"]["percent"] == "50%"


def test_an_unanswered_deadline_past_due_makes_the_matter_late():
    events = [
        _proposed("m1"),
        _objection("m1", "o1", dt.date(2026, 5, 4)),
        _closed("m1", dt.date(2026, 5, 10)),
    ]
    matters = compute(events, {}, Span.year(2026))["total"]["figures"]["matters"]
    assert (matters["done"], matters["done_on_time"]) == (1, 0)


# Stand-ins for events other work adds to the domain. Plain classes, not ev.Event
# subclasses: a subclass would register itself in ev.EVENT_TYPES for every later test.
@attrs.frozen(kw_only=True)
class _HandedOver:
    """A hand-off to another council: the matter and the procedure it moves to."""

    at: dt.datetime
    actor: str
    matter: str
    procedure: str


@attrs.frozen(kw_only=True)
class ApprovalRecorded:
    """An outside approval as a later event records it: with the day it was due by."""

    at: dt.datetime
    actor: str
    matter: str
    due: str = ""


def test_a_matter_handed_to_another_council_is_done_there():
    events = [
        _proposed("m1", "bench"),
        _HandedOver(at=AT, actor="a", matter="m1", procedure="council"),
        _closed("m1", dt.date(2026, 5, 10)),
    ]
    document = compute(events, {}, Span.year(2026))  # type: ignore[arg-type]
    by = {c["council"]: c["figures"]["matters"] for c in document["councils"]}
    assert (by["bench"]["raised"], by["bench"]["done"]) == (1, 0)
    assert (by["council"]["raised"], by["council"]["done"]) == (0, 1)


def test_no_test_event_is_registered():
    assert not {n for n in ev.EVENT_TYPES if n.startswith("_")}
    assert ev.EVENT_TYPES["ApprovalRecorded"] is ev.ApprovalRecorded


def test_every_recorded_due_day_is_a_counted_deadline():
    # A new event with a due or *_due field must be given a row in DEADLINES, or
    # "on time" would silently ignore it.
    covered = {(d.opened_by, d.due) for d in DEADLINES}
    covered |= {(name, d.due) for d in DEADLINES for name in d.echoes}
    for name, event_type in ev.EVENT_TYPES.items():
        for field in attrs.fields(event_type):
            if field.name == "due" or field.name.endswith("_due"):
                assert (name, field.name) in covered, (name, field.name)
    for d in DEADLINES:
        opener = ev.EVENT_TYPES.get(d.opened_by)
        if opener is None:
            continue  # an event this build does not have: the row is inert
        names = {f.name for f in attrs.fields(opener)}
        if d.due not in names:
            continue  # this build's event has no due day yet: inert as well
        assert not d.key or d.key in names
        for settling in d.settled_by:
            if settling in ev.EVENT_TYPES:
                assert d.key in {f.name for f in attrs.fields(ev.EVENT_TYPES[settling])}


def test_a_reply_recorded_with_its_due_day_settles_itself():
    closed = dt.date(2026, 5, 20)
    events = [
        _proposed("m1"),
        _proposed("m2"),
        _proposed("m3"),
        ApprovalRecorded(at=dt.datetime(2026, 5, 6, 9), actor="a", matter="m1", due="2026-05-05"),
        ApprovalRecorded(at=dt.datetime(2026, 5, 5, 9), actor="a", matter="m2", due="2026-05-05"),
        ApprovalRecorded(at=dt.datetime(2026, 5, 5, 9), actor="a", matter="m3"),  # no limit
        _closed("m1", closed),
        _closed("m2", closed),
        _closed("m3", closed),
    ]
    figures = compute(events, {}, Span.year(2026))["total"]["figures"]  # type: ignore[arg-type]
    assert figures["deadlines"]["due"] == 2 and figures["deadlines"]["met"] == 1
    assert figures["matters"]["done_on_time"] == 2  # m2 and m3; m1's reply came a day late


def test_an_approval_found_overdue_is_one_missed_deadline_per_matter_even_when_answered():
    """ApprovalOverdue opens the deadline; the late reply settles it and opens none."""
    by, due = "县级复审", dt.date(2026, 5, 4)

    def overdue(matter: str) -> ev.Event:
        return ev.ApprovalOverdue(
            at=dt.datetime(2026, 5, 5), actor="system", matter=matter, by=by, due=due
        )

    def reply(matter: str, day: int) -> ev.Event:
        at = dt.datetime(2026, 5, day, 9)
        return ev.ApprovalRecorded(
            at=at, actor="a", matter=matter, by=by, approved=True, document="d", due=due.isoformat()
        )

    events = [
        *(_proposed(m) for m in ("m1", "m2", "m3")),
        overdue("m1"),
        overdue("m2"),  # the same authority on another matter: its own deadline
        reply("m1", 7),  # late: settles m1's, opens no second one
        reply("m3", 4),  # on its last day: met
        *(_closed(m, dt.date(2026, 5, 20)) for m in ("m1", "m2", "m3")),
    ]
    figures = compute(events, {}, Span.year(2026))["total"]["figures"]
    assert figures["deadlines"] == {**figures["deadlines"], "due": 3, "met": 1, "missed": 2}
    assert figures["matters"]["done_on_time"] == 1  # m3 only


# -- shapes -----------------------------------------------------------------------------


def test_json_shape_is_stable(logs):
    document = stats(logs["09_zhihui_yun"], "--from", "2026-09-01", "--to", "2026-09-30")
    assert set(document) == {"format", "period", "councils", "total"}
    council = document["councils"][0]
    assert set(council) == {"council", "name", "figures", "bodies"}
    assert set(council["figures"]) == {"matters", "deadlines", "suggestions", "satisfaction"}
    assert set(council["figures"]["deadlines"]) == {"due", "met", "missed", "met_rate"}
    # September holds the first evaluation (09-26, 7 of 10), not the second (10-16)
    satisfaction = council["figures"]["satisfaction"]
    assert (satisfaction["evaluations"], satisfaction["satisfied"], satisfaction["ratings"]) == (
        1,
        7,
        10,
    )
    assert council["figures"]["matters"]["open_at_end"] == 1


def test_csv_has_one_row_per_figure(logs):
    result = invoke("--db", str(logs["09_zhihui_yun"]), "--format", "csv", "--from", "2026-01-01")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert tuple(rows[0]) == CSV_COLUMNS
    body = rows[1:]
    assert len(body) == 2 * len(ROWS) + 4  # one council and the total; one body's meetings
    by = {(r[2], r[6]): r for r in body}
    satisfied = by[("zhihui_yun", "satisfaction.satisfied")]
    assert satisfied[1] == "2026-12-31"  # --to defaults to the end of --from's year
    assert (satisfied[3], satisfied[7], satisfied[8], satisfied[9], satisfied[10]) == (
        "智慧云线上协商（模板）",
        "满意人次（满意率）",
        "16",
        "20",
        "80%",
    )
    assert by[("", "suggestions.declined")][8] == "1"
    assert by[("zhihui_yun", "meetings.held")][5] == "线下议事小组"


def test_table_in_chinese_and_english_shows_names_not_ids(logs):
    db = str(logs["09_zhihui_yun"])
    zh = invoke("--db", db, "--from", "2026-01-01")
    assert zh.exit_code == 0
    assert "统计期间：2026-01-01 至 2026-12-31" in zh.output
    assert "满意人次（满意率）  16/20（80%）" in zh.output
    assert "线下议事小组" in zh.output
    en = invoke("--db", db, "--from", "2026-01-01", "--lang", "en")
    assert "satisfied (rate)" in en.output and "16/20 (80%)" in en.output
    for text in (zh.output, en.output):
        assert "zhihui_yun" not in text and "deliberation_group" not in text


def test_an_empty_log_gives_zeros(tmp_path):
    db = tmp_path / "empty.db"
    SQLiteStore(db).close()
    result = invoke("--db", str(db), "--format", "json", "--from", "2026-01-01")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["councils"] == []
    totals = document["total"]["figures"]
    assert totals["matters"]["raised"] == 0 and totals["satisfaction"]["rate"] is None
    table = invoke("--db", str(db), "--from", "2026-01-01")
    assert table.exit_code == 0 and "合计" in table.output


def test_the_default_period_is_this_year_where_the_community_is(logs):
    from zoneinfo import ZoneInfo

    document = stats(logs["09_zhihui_yun"])
    year = dt.datetime.now(ZoneInfo("Asia/Shanghai")).year
    assert document["period"] == {"from": f"{year}-01-01", "to": f"{year}-12-31"}


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-6-1", "yesterday", "2026-02-30"])
def test_a_bad_date_is_named_with_its_option(logs, bad):
    db = str(logs["09_zhihui_yun"])
    zh = invoke("--db", db, "--to", bad)
    assert zh.exit_code == 2
    assert zh.output.strip() == f"--to：日期应写作 年-月-日（如 2026-01-31），实际为“{bad}”"
    en = invoke("--db", db, "--from", bad, "--lang", "en")
    assert en.exit_code == 2 and "--from: a date is written YYYY-MM-DD" in en.output


def test_a_period_back_to_front_is_refused(logs):
    result = invoke(
        "--db", str(logs["09_zhihui_yun"]), "--from", "2026-09-02", "--to", "2026-09-01"
    )
    assert result.exit_code == 2
    assert "--from 2026-09-02 晚于 --to 2026-09-01" in result.output


def test_a_missing_log_is_named_and_not_created(tmp_path):
    db = tmp_path / "none.db"
    result = invoke("--db", str(db))
    assert result.exit_code == 2 and str(db) in result.output
    assert not db.exists()


def test_every_figure_is_in_the_documented_json():
    from tests.conftest import ROOT
    from yishi.stats import figures

    doc = (ROOT / "docs" / "stats.md").read_text(encoding="utf-8")
    for group, values in figures(_empty()).items():
        assert f'"{group}"' in doc
        for key in values:
            assert f'"{key}"' in doc, (group, key)


def _empty() -> Any:
    from yishi.stats import _Counts

    return _Counts()


# -- the same figures over HTTP ---------------------------------------------------------


def test_the_web_serves_the_same_document(logs):
    pytest.importorskip("starlette", reason="the web extra is not installed")
    from starlette.testclient import TestClient

    from yishi.log import open_engine
    from yishi.web import create_app

    db = logs["09_zhihui_yun"]
    engine = open_engine(db)
    try:
        with TestClient(create_app(engine, secret_key="k")) as client:
            got = client.get("/api/v1/c/main/stats?from=2026-09-01&to=2026-10-31")
            assert got.status_code == 200
            assert got.json() == stats(db, "--from", "2026-09-01", "--to", "2026-10-31")
            bad = client.get("/api/v1/c/main/stats?to=2026-02-30").json()["error"]
            assert bad["field"] == "to" and bad["code"] == "stats_bad_date"
            assert "2026-02-30" in bad["message"]["zh"]
            back = client.get("/api/v1/c/main/stats?from=2026-09-02&to=2026-09-01")
            assert back.status_code == 422 and back.json()["error"]["code"] == "stats_reversed"
            year = client.get("/api/v1/c/main/stats").json()["period"]
            assert year["from"].endswith("-01-01") and year["to"].endswith("-12-31")
    finally:
        engine.store.close()
