"""The SQLite log's layout: the lean table, and the in-place upgrade of old logs.

``tests/data/layout0.db`` was written by yishi's main branch before layouts had
a version (commit 9b90c86: ``yishi run examples/01_land_lease_passes.toml --db``),
with UNIQUE indexes on ``prev``, ``hash`` and every ``once``.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests import workloads as w
from yishi.domain import commands as c
from yishi.domain.errors import Refusal
from yishi.engine import Engine
from yishi.log import open_engine
from yishi.store import layout
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import verify_sqlite

OLD = Path(__file__).parent / "data" / "layout0.db"
OLD_HEAD = "30e64794436c03ed5a0d6b58cc11f1d6fe976c2ab7d6a42f951584bd265909cb"


@pytest.fixture
def old_log(tmp_path: Path) -> Path:
    target = tmp_path / "yishi.db"
    shutil.copyfile(OLD, target)
    return target


def rows(path: Path) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(f"SELECT {layout.COLUMNS} FROM events ORDER BY seq").fetchall()
    finally:
        db.close()


def indexes(path: Path) -> dict[str, str | None]:
    db = sqlite3.connect(path)
    try:
        found = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
        return {
            name: sql
            for name, sql in found
            if name.startswith(("sqlite_autoindex_events", "events"))
        }
    finally:
        db.close()


def user_version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def test_a_new_log_has_the_lean_layout(tmp_path: Path) -> None:
    path = tmp_path / "yishi.db"
    SQLiteStore(path).close()
    assert user_version(path) == layout.LAYOUT
    # one UNIQUE key, (stream, version), and the partial index of the once keys
    assert indexes(path) == {
        "sqlite_autoindex_events_1": None,
        "events_once": "CREATE UNIQUE INDEX events_once ON events (once) WHERE once IS NOT NULL",
    }


def test_an_old_log_is_upgraded_in_place_with_every_record_and_the_same_head(
    old_log: Path,
) -> None:
    before = rows(old_log)
    assert user_version(old_log) == 0 and len(indexes(old_log)) == 4
    assert verify_sqlite(old_log).head.hash == OLD_HEAD  # verify reads both layouts
    store = SQLiteStore(old_log)
    assert store.upgraded_from == 0
    assert store.head().hash == OLD_HEAD
    store.close()
    assert rows(old_log) == before  # every column as stored, in order
    assert user_version(old_log) == layout.LAYOUT
    assert set(indexes(old_log)) == {"sqlite_autoindex_events_1", "events_once"}
    report = verify_sqlite(old_log)
    assert report.ok and report.head.hash == OLD_HEAD and report.checkpoints == 2
    assert SQLiteStore(old_log).upgraded_from == layout.LAYOUT  # once only


def test_an_upgraded_log_replays_and_goes_on_with_its_guarantees(old_log: Path) -> None:
    engine = open_engine(old_log)
    assert engine.position == 223 and engine.head_hash == OLD_HEAD
    matter = next(iter(engine.state.matters))
    proposer = next(engine.store.read_stream(f"matter-{matter}")).event.actor
    engine.execute(c.ProposeMatter(actor=proposer, matter="new", title="新事项"), engine.now())
    with pytest.raises(Refusal):  # the domain still reads the upgraded log
        engine.execute(c.ProposeMatter(actor=proposer, matter=matter, title="重复"), engine.now())
    assert engine.position > 223 and verify_sqlite(old_log).ok
    # one fact per key (one ballot per member) still holds in the index
    db = sqlite3.connect(old_log)
    once = db.execute("SELECT once FROM events WHERE once IS NOT NULL LIMIT 1").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match=r"events\.once"):
        db.execute(
            "INSERT INTO events (seq, stream, version, type, payload, command, once, prev, hash)"
            " VALUES (1000, 'x', 1, 'T', '{}', NULL, ?, '', '')",
            (once,),
        )
    db.close()
    engine.store.close()


def test_a_failed_upgrade_leaves_the_old_layout_whole(
    old_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = rows(old_log)
    # the last step of the upgrade fails, after the rows were copied
    monkeypatch.setattr(layout, "OTHERS", "CREATE TABLE broken (")
    with pytest.raises(sqlite3.OperationalError):
        SQLiteStore(old_log)
    assert user_version(old_log) == 0
    assert len(indexes(old_log)) == 4 and rows(old_log) == before
    monkeypatch.undo()
    assert SQLiteStore(old_log).upgraded_from == 0
    assert verify_sqlite(old_log).ok


def test_a_log_of_a_newer_layout_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "yishi.db"
    SQLiteStore(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {layout.LAYOUT + 1}")
    db.close()
    with pytest.raises(layout.LayoutError, match="layout 3"):
        SQLiteStore(path)
    assert user_version(path) == layout.LAYOUT + 1


def test_two_processes_opening_an_old_log_upgrade_it_once(old_log: Path) -> None:
    first, second = SQLiteStore(old_log), SQLiteStore(old_log)
    assert (first.upgraded_from, second.upgraded_from) == (0, layout.LAYOUT)
    engine = Engine(second, w.ruleset())
    assert engine.head_hash == OLD_HEAD
    first.close()
    second.close()
