"""The SQLite log's layout: the lean table with its facts, and the in-place upgrade
of old logs.

``tests/data/layout0.db`` was written by yishi's main branch before layouts had
a version (commit 9b90c86: ``yishi run examples/01_land_lease_passes.toml --db``),
with UNIQUE indexes on ``prev``, ``hash`` and every ``once``.
``tests/data/layout2.db`` was written the same way by commit d15e970 (layout 2:
a ``once`` column with a partial unique index).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from unittest.mock import ANY

import pytest

from tests import workloads as w
from yishi.domain import commands as c
from yishi.domain.errors import Refusal
from yishi.engine import Engine
from yishi.log import open_engine
from yishi.store import layout
from yishi.store.base import Head
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import Damage, verify_sqlite

DATA = Path(__file__).parent / "data"
OLD = DATA / "layout0.db"
OLD_HEAD = "30e64794436c03ed5a0d6b58cc11f1d6fe976c2ab7d6a42f951584bd265909cb"
# layout -> (file, head, records, facts recorded once)
OLD_LOGS = {
    0: (OLD, OLD_HEAD, 223, 51),
    2: (
        DATA / "layout2.db",
        "f0066e5be9ee058fe5281414f911cb71c60094aef4e3294685b2db5d6239aaae",
        225,
        51,
    ),
}


@pytest.fixture
def old_log(tmp_path: Path) -> Path:
    target = tmp_path / "yishi.db"
    shutil.copyfile(OLD, target)
    return target


def old_once(path: Path) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(
            "SELECT once, seq FROM events WHERE once IS NOT NULL ORDER BY once"
        ).fetchall()
    finally:
        db.close()


def facts(path: Path) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT key, seq FROM facts ORDER BY key").fetchall()
    finally:
        db.close()


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
    assert user_version(path) == layout.LAYOUT == 3
    # one UNIQUE key on the records, (stream, version); the facts keyed alone
    assert indexes(path) == {"sqlite_autoindex_events_1": None}
    db = sqlite3.connect(path)
    try:
        columns = [row[1] for row in db.execute("PRAGMA table_info(events)")]
        keyed = [row[1] for row in db.execute("PRAGMA table_info(facts)") if row[5]]
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'facts'").fetchone()
    finally:
        db.close()
    assert "once" not in columns and keyed == ["key"] and "WITHOUT ROWID" in sql


@pytest.mark.parametrize("version", sorted(OLD_LOGS))
def test_an_old_log_is_upgraded_in_place_with_every_record_and_the_same_head(
    tmp_path: Path, version: int
) -> None:
    source, head, size, count = OLD_LOGS[version]
    old_log = tmp_path / "yishi.db"
    shutil.copyfile(source, old_log)
    before, once = rows(old_log), old_once(old_log)
    assert user_version(old_log) == version and len(once) == count
    assert len(indexes(old_log)) == (4 if version == 0 else 2)
    assert verify_sqlite(old_log).head.hash == head  # verify reads every layout
    store = SQLiteStore(old_log)
    assert store.upgraded_from == version
    assert store.head() == Head(size, head)
    store.close()
    assert rows(old_log) == before  # every column as stored, in order
    assert facts(old_log) == once  # each record's one fact, now a row of its own
    assert user_version(old_log) == layout.LAYOUT
    assert set(indexes(old_log)) == {"sqlite_autoindex_events_1"}
    report = verify_sqlite(old_log)
    assert report.ok and report.head.hash == head and report.checkpoints == 2
    assert SQLiteStore(old_log).upgraded_from == layout.LAYOUT  # once only


def test_a_damaged_old_once_column_is_copied_as_it_is_and_verify_names_it(
    tmp_path: Path,
) -> None:
    old_log = tmp_path / "yishi.db"
    shutil.copyfile(OLD_LOGS[2][0], old_log)
    db = sqlite3.connect(old_log)
    seq = db.execute("SELECT min(seq) FROM events WHERE once IS NOT NULL").fetchone()[0]
    db.execute("UPDATE events SET once = once || 'x' WHERE seq = ?", (seq,))
    db.commit()
    db.close()
    assert verify_sqlite(old_log).first == Damage(seq, "verify_fact_mismatch", {"key": ANY})
    SQLiteStore(old_log).close()  # upgraded: the damage is carried, not repaired
    report = verify_sqlite(old_log)
    assert report.first is not None and (report.first.seq, report.first.code) == (
        seq,
        "verify_fact_mismatch",
    )


def test_an_upgraded_log_replays_and_goes_on_with_its_guarantees(old_log: Path) -> None:
    engine = open_engine(old_log)
    assert engine.position == 223 and engine.head_hash == OLD_HEAD
    matter = next(iter(engine.state.matters))
    proposer = next(engine.store.read_stream(f"matter-{matter}")).event.actor
    engine.execute(c.ProposeMatter(actor=proposer, matter="new", title="新事项"), engine.now())
    with pytest.raises(Refusal):  # the domain still reads the upgraded log
        engine.execute(c.ProposeMatter(actor=proposer, matter=matter, title="重复"), engine.now())
    assert engine.position > 223 and verify_sqlite(old_log).ok
    # one fact per key (one ballot per member) still holds in the facts' key
    db = sqlite3.connect(old_log)
    once = db.execute("SELECT key FROM facts LIMIT 1").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match=r"facts\.key"):
        db.execute("INSERT INTO facts (key, seq) VALUES (?, 1000)", (once,))
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
    with pytest.raises(layout.LayoutError, match=f"layout {layout.LAYOUT + 1}"):
        SQLiteStore(path)
    assert user_version(path) == layout.LAYOUT + 1


def test_two_processes_opening_an_old_log_upgrade_it_once(old_log: Path) -> None:
    first, second = SQLiteStore(old_log), SQLiteStore(old_log)
    assert (first.upgraded_from, second.upgraded_from) == (0, layout.LAYOUT)
    engine = Engine(second, w.ruleset())
    assert engine.head_hash == OLD_HEAD
    first.close()
    second.close()
