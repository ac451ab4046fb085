"""Scenario steps carry attachments (scans of paper records); `yishi run --db` keeps
them beside a new log, and a dry run still records their digests."""

from __future__ import annotations

import hashlib
import shutil

from click.testing import CliRunner

from tests.conftest import ROOT
from yishi.cli import main
from yishi.domain import events as ev
from yishi.rulesets.problems import RuleSetError
from yishi.scenario import load_scenario, run_scenario
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import verify_sqlite

EXAMPLES = ROOT / "docs" / "examples"
SHEET = "2026-03-06 村民代表会议签到表（扫描件）".encode()


def scenario_with_a_scan(tmp_path, attach: str = "scans/签到表.jpg"):
    """The minimal scenario, its representatives' check-in carrying a scan."""
    for name in ("minimal_scenario.toml", "minimal_ruleset.toml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "签到表.jpg").write_bytes(SHEET)
    path = tmp_path / "minimal_scenario.toml"
    text = path.read_text(encoding="utf-8")
    anchor = 'people = ["c01", "c02", "r001..r010"]\n'
    assert text.count(anchor) == 1
    path.write_text(text.replace(anchor, anchor + f'evidence = ["{attach}"]\n'), encoding="utf-8")
    return path


def attached(events):
    return [(e.type, item) for e in events for item in e.evidence]


def test_a_dry_run_records_the_digest_of_each_attached_file(tmp_path):
    report = run_scenario(load_scenario(scenario_with_a_scan(tmp_path)))
    [(kind, item)] = attached(report.all_events())
    assert kind == "AttendanceRecorded"
    assert item.sha256 == hashlib.sha256(SHEET).hexdigest()
    assert (item.name, item.media_type, item.size) == ("签到表.jpg", "image/jpeg", len(SHEET))


def test_only_the_first_command_of_an_action_carries_the_files(tmp_path):
    report = run_scenario(load_scenario(scenario_with_a_scan(tmp_path)))
    check_ins = [e for e in report.all_events() if isinstance(e, ev.AttendanceRecorded)]
    assert sum(1 for e in check_ins if e.evidence) == 1


def test_a_missing_file_is_named_with_its_line_before_anything_runs(tmp_path):
    path = scenario_with_a_scan(tmp_path, attach="scans/没有这个文件.jpg")
    try:
        load_scenario(path)
    except RuleSetError as exc:
        [problem] = exc.problems
        assert problem.path.endswith(".evidence[0]") or "evidence" in problem.path
        assert problem.line is not None and "没有这个文件.jpg" in problem.render("zh")
    else:
        raise AssertionError("a missing attachment must be refused")


def test_run_db_writes_a_verifiable_log_with_the_files_beside_it(tmp_path):
    path = scenario_with_a_scan(tmp_path)
    db = tmp_path / "out" / "yishi.db"
    db.parent.mkdir()
    result = CliRunner().invoke(main, ["run", str(path), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"记录已写入 {db}" in result.output
    digest = hashlib.sha256(SHEET).hexdigest()
    assert (db.parent / "evidence" / digest[:2] / digest).read_bytes() == SHEET
    report = verify_sqlite(db)
    assert report.ok and report.evidence_files == 1
    assert f"{report.head.size}:{report.head.hash}" in result.output
    with SQLiteStore(db) as store:
        assert len(attached(s.event for s in store.read_all())) == 1


def test_run_db_never_extends_an_existing_log(tmp_path):
    path = scenario_with_a_scan(tmp_path)
    db = tmp_path / "yishi.db"
    db.write_bytes(b"")
    result = CliRunner().invoke(main, ["run", str(path), "--db", str(db)])
    assert result.exit_code == 2 and "已存在" in result.output
    assert db.read_bytes() == b""


def test_run_db_leaves_no_file_when_the_rule_set_is_missing(tmp_path):
    path = scenario_with_a_scan(tmp_path)
    (tmp_path / "minimal_ruleset.toml").unlink()
    db = tmp_path / "yishi.db"
    result = CliRunner().invoke(main, ["run", str(path), "--db", str(db)])
    assert result.exit_code == 1
    assert not db.exists() and not (tmp_path / "yishi.db-wal").exists()
