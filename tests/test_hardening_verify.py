"""Issue 13: what verify sees beyond the chain — verdicts recounted (T05), facts
recorded twice after the UNIQUE constraints are gone, the commands table, and
published notice files (T09)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import workloads as w
from yishi.audit import audit_sqlite, rulesets_by_digest
from yishi.cli import main
from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.errors import ReplayError
from yishi.domain.uniqueness import keys_of
from yishi.engine import Engine
from yishi.store.chain import canonical, record_hash
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import verify_sqlite


def _log(tmp_path: Path, matters: int = 2) -> Path:
    db = tmp_path / "yishi.db"
    engine = Engine(SQLiteStore(db), w.ruleset())
    w.build_log(engine, members=9, matters=matters, seed=3, evidence=None)
    engine.store.close()
    (tmp_path / "wl.toml").write_bytes(w.RULESET_TOML.encode())  # beside the log
    return db


def _codes(db: Path) -> list[str]:
    report = audit_sqlite(db, rulesets_by_digest([w.ruleset()]))
    return [d.code for d in report.damage]


def _append_forged(db: Path, event: ev.Event, command: str | None = None) -> None:
    """Append a record the way someone with write access would: correct hash and prev."""
    con = sqlite3.connect(db)
    seq, prev = con.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    version = con.execute(
        "SELECT max(version) FROM events WHERE stream = ?", (event.stream,)
    ).fetchone()[0]
    payload = canonical(event.to_dict())
    digest = record_hash(seq + 1, event.stream, version + 1, prev, command, payload)
    con.execute(
        "INSERT INTO events (seq, stream, version, type, payload, command, prev, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq + 1, event.stream, version + 1, event.type, payload, command, prev, digest),
    )
    con.executemany(
        "INSERT INTO facts (key, seq) VALUES (?, ?)", [(k, seq + 1) for k in keys_of(event)]
    )
    con.commit()
    con.close()


def _first_ballot(db: Path) -> ev.BallotCast:
    with SQLiteStore(db) as store:
        for stored in store.read_all():
            if isinstance(stored.event, ev.BallotCast):
                return stored.event
    raise AssertionError("no ballot")


def test_an_intact_log_recounts_every_verdict(tmp_path):
    db = _log(tmp_path)
    report = audit_sqlite(db, rulesets_by_digest([w.ruleset()]))
    assert report.damage == () and report.verdicts == 2 and report.unchecked == ()


def test_a_verdict_that_does_not_follow_from_the_ballots_is_reported(tmp_path):
    """The issue's attack: the state was changed in memory before the count, so the
    log's own ballots say one thing and its verdict another; the chain is intact."""
    db = tmp_path / "yishi.db"
    engine = Engine(SQLiteStore(db), w.ruleset())
    w.set_up(engine, 9)
    day = w.DAY
    present = [w.member(i) for i in range(7)]
    w.open_meeting(engine, "m0", "mt0", day, present)
    for n, voter in enumerate(present):
        engine.execute(
            c.CastVote(actor=voter, meeting="mt0", voter=voter, choice="yes"),
            day + __import__("datetime").timedelta(minutes=30 + n),
        )
    for voter in present:  # what a hostile plugin did through the mutable engine
        engine.state.meetings["mt0"].ballots[voter] = "no"
    closed = engine.execute(c.CloseMeeting(actor=w.DIRECTOR, meeting="mt0"), day.replace(hour=12))
    assert closed[0].outcome == "rejected"
    engine.store.close()
    assert verify_sqlite(db).ok  # the chain cannot see it
    assert "verify_verdict_mismatch" in _codes(db)


def test_a_hostile_plugin_cannot_rewrite_ballots(tmp_path):
    from yishi.hookspecs import hookimpl
    from yishi.plugins.host import PluginHost
    from yishi.plugins.readonly import ReadOnlyError

    tried: list[BaseException] = []

    class Rewriter:
        @hookimpl
        def yishi_events_appended(self, engine, events):
            for meeting in engine.state.meetings.values():
                try:
                    for voter in list(meeting.ballots):
                        meeting.ballots[voter] = "no"
                except ReadOnlyError as exc:
                    tried.append(exc)
                    raise
            try:
                engine.state.meetings.clear()
            except ReadOnlyError as exc:
                tried.append(exc)
            try:
                events[0].event.content["decisions"] = []
            except (ReadOnlyError, AttributeError, TypeError) as exc:
                tried.append(exc)

    host = PluginHost.load([Rewriter()], entry_points=False)
    engine = Engine(SQLiteStore(tmp_path / "yishi.db"), w.ruleset(), plugins=host)
    w.build_log(engine, members=9, matters=1, seed=3, evidence=None)
    assert tried and all(isinstance(e, (ReadOnlyError, AttributeError, TypeError)) for e in tried)
    engine.store.close()
    assert _codes(tmp_path / "yishi.db") == []


def test_a_second_ballot_in_a_table_without_its_constraints(tmp_path):
    db = _log(tmp_path, matters=1)
    con = sqlite3.connect(db)  # rebuild the tables without any UNIQUE constraint
    con.executescript(
        "CREATE TABLE bare AS SELECT * FROM events; DROP TABLE events;"
        " ALTER TABLE bare RENAME TO events;"
        " CREATE TABLE bare AS SELECT * FROM facts; DROP TABLE facts;"
        " ALTER TABLE bare RENAME TO facts;"
    )
    con.close()
    first = _first_ballot(db)
    again = ev.BallotCast(
        at=first.at,
        actor=first.actor,
        matter=first.matter,
        meeting=first.meeting,
        voter=first.voter,
        choice="no" if first.choice != "no" else "yes",
    )
    _append_forged(db, again)
    assert verify_sqlite(db).ok  # the chain is consistent
    assert "verify_double_fact" in _codes(db)
    with pytest.raises(ReplayError):  # and the fold refuses to open it
        Engine(SQLiteStore(db), w.ruleset())
    result = CliRunner().invoke(main, ["verify", "--db", str(db), "--lang", "en"])
    assert result.exit_code == 1 and "records again a fact" in result.output


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE commands SET last = last + 1 WHERE rowid = 1",
        "UPDATE commands SET first = first - 1 WHERE rowid = 2",
        "DELETE FROM commands WHERE rowid = 1",
        "UPDATE commands SET key = 'forged' WHERE rowid = 1",
        "UPDATE commands SET fingerprint = 'x' WHERE rowid = 1",
    ],
)
def test_edits_to_the_commands_table_are_reported(tmp_path, edit):
    db = _log(tmp_path)
    assert _codes(db) == []
    con = sqlite3.connect(db)
    con.execute(edit)
    con.commit()
    con.close()
    assert "verify_command_mismatch" in _codes(db)


def test_published_notice_files_are_checked_against_the_log(tmp_path):
    result = CliRunner().invoke(main, ["demo", "--dir", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "d"
    db = folder / "yishi.db"
    ok = CliRunner().invoke(main, ["verify", "--db", str(db), "--notices", str(folder)])
    assert ok.exit_code == 0, ok.output
    notice = sorted(folder.glob("公示-*.md"))[0]
    text = notice.read_text(encoding="utf-8")
    digits = [ch for ch in text if ch.isdigit()]
    assert "赞成" in text and digits
    changed = text.replace("赞成 ", "赞成 1", 1)
    notice.write_text(changed, encoding="utf-8")
    bad = CliRunner().invoke(main, ["verify", "--db", str(db), "--notices", str(notice), "--json"])
    assert bad.exit_code == 1
    codes = [d["code"] for d in json.loads(bad.output)["damage"]]
    assert codes == ["verify_notice_mismatch"]
    stray = tmp_path / "stray.md"
    stray.write_text("公示：无存证\n", encoding="utf-8")
    unknown = CliRunner().invoke(main, ["verify", "--db", str(db), "--notices", str(stray)])
    assert unknown.exit_code == 1 and "找不到对应的公示" in unknown.output


def test_verdicts_under_an_unknown_rule_set_are_listed_not_passed(tmp_path):
    db = _log(tmp_path, matters=1)
    (tmp_path / "wl.toml").unlink()
    result = CliRunner().invoke(main, ["verify", "--db", str(db), "--json"])
    document = json.loads(result.output)
    assert document["verdicts_recomputed"] == 0
    assert [v["ruleset"] for v in document["verdicts_unchecked"]] == [w.ruleset().id]
    given = tmp_path / "elsewhere.toml"
    given.write_bytes(w.RULESET_TOML.encode())
    again = CliRunner().invoke(main, ["verify", "--db", str(db), "--rules", str(given), "--json"])
    assert json.loads(again.output)["verdicts_recomputed"] == 1


def test_run_keeps_a_local_rule_set_beside_the_log_so_verify_recounts(tmp_path):
    folder = tmp_path / "case"
    folder.mkdir()
    examples = Path(__file__).resolve().parents[1] / "examples"
    rules = Path(__file__).resolve().parents[1] / "rulesets" / "siyi_liang_gongkai.toml"
    local = rules.read_text(encoding="utf-8").replace('id = "siyi_liang_gongkai"', 'id = "ben_cun"')
    assert 'id = "ben_cun"' in local
    (folder / "ben_cun_rules.toml").write_text(local, encoding="utf-8")
    (folder / "guhuai_village.toml").write_bytes((examples / "guhuai_village.toml").read_bytes())
    scenario = (examples / "01_land_lease_passes.toml").read_text(encoding="utf-8")
    scenario = scenario.replace('ruleset = "siyi_liang_gongkai"', 'ruleset = "ben_cun_rules.toml"')
    (folder / "s.toml").write_text(scenario, encoding="utf-8")
    db = tmp_path / "log" / "yishi.db"
    result = CliRunner().invoke(main, ["run", str(folder / "s.toml"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert (db.parent / "ben_cun.toml").read_text(encoding="utf-8") == local
    checked = CliRunner().invoke(main, ["verify", "--db", str(db), "--json"])
    document = json.loads(checked.output)
    assert document["ok"] and document["verdicts_unchecked"] == []
    assert document["verdicts_recomputed"] >= 4
