"""Issue 13: a locked log through the Python API is a typed error, and a scenario's
``community_file`` is confined to its folder like its attachments."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from yishi import find
from yishi.domain import commands as cmd
from yishi.engine import Engine
from yishi.rulesets.problems import RuleSetError
from yishi.scenario.format import load_scenario
from yishi.store.base import StoreError
from yishi.store.locked import StoreLocked
from yishi.store.sqlite import SQLiteStore

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AT = dt.datetime(2026, 3, 2, 9, 0)


def test_a_locked_log_raises_store_locked_through_the_api(tmp_path):
    db = tmp_path / "yishi.db"
    store = SQLiteStore(db, busy_timeout=0.2)
    engine = Engine(store, find("siyi_liang_gongkai"))
    setup = cmd.SetUpCommunity(
        actor="system", people=(cmd.PersonSpec(id="p1", name="甲", adult=True),)
    )
    engine.execute(setup, now=AT)
    size = store.head().size
    holder = sqlite3.connect(db, isolation_level=None)  # another program writing
    holder.execute("BEGIN IMMEDIATE")
    more = cmd.SetUpCommunity(
        actor="system", people=(cmd.PersonSpec(id="p2", name="乙", adult=True),)
    )
    try:
        with pytest.raises(StoreLocked) as locked:
            engine.execute(more, now=AT)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    error = locked.value
    assert isinstance(error, StoreError) and isinstance(error, sqlite3.OperationalError)
    assert error.path == db and error.retry_after > 0 and "locked" in str(error)
    assert store.head().size == size  # nothing was written
    engine.execute(more, now=AT)  # once the lock is gone, the same command goes through
    assert "p2" in engine.state.people


def test_opening_a_log_another_program_holds_exclusively_raises_store_locked(tmp_path):
    db = tmp_path / "yishi.db"
    SQLiteStore(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreLocked):
            SQLiteStore(db, busy_timeout=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_other_database_errors_are_not_called_locked(tmp_path):
    db = tmp_path / "yishi.db"
    store = SQLiteStore(db)
    store._db.execute("DROP TABLE events")  # a broken file, not a lock
    with pytest.raises(sqlite3.OperationalError) as raised:
        store.head()
    assert not isinstance(raised.value, StoreLocked)


def _scenario(folder: Path, community_file: str) -> Path:
    text = (EXAMPLES / "02_review_rejected.toml").read_text(encoding="utf-8")
    marker = 'community_file = "guhuai_village.toml"'
    assert marker in text
    path = folder / "s.toml"
    path.write_text(text.replace(marker, f'community_file = "{community_file}"'), "utf-8")
    return path


@pytest.mark.parametrize(
    "name",
    [
        "../guhuai_village.toml",
        "sub/../../guhuai_village.toml",
        str(EXAMPLES / "guhuai_village.toml"),
        "link.toml",
        "folder",
        "missing.toml",
    ],
)
def test_a_community_file_outside_the_scenario_folder_is_refused_with_its_line(tmp_path, name):
    inner = tmp_path / "case"
    (inner / "sub").mkdir(parents=True)
    (inner / "folder").mkdir()
    shutil.copy(EXAMPLES / "guhuai_village.toml", tmp_path / "guhuai_village.toml")
    (inner / "link.toml").symlink_to(tmp_path / "guhuai_village.toml")
    path = _scenario(inner, name)
    with pytest.raises(RuleSetError) as error:
        load_scenario(path)
    found = [p for p in error.value.problems if p.path == "community_file"]
    assert found, [(p.path, p.code) for p in error.value.problems]
    problem = found[0]
    text = path.read_text(encoding="utf-8")
    assert problem.file == str(path)
    assert problem.line == text[: text.index("community_file")].count("\n") + 1
    assert problem.code == "unreadable" and "场景文件所在的文件夹" in problem.message("zh")
    assert "scenario's folder" in problem.message("en")


def test_a_community_file_inside_the_folder_or_linked_within_it_is_read(tmp_path):
    (tmp_path / "shared").mkdir()
    shutil.copy(EXAMPLES / "guhuai_village.toml", tmp_path / "shared" / "village.toml")
    (tmp_path / "same.toml").symlink_to(tmp_path / "shared" / "village.toml")
    for name in ("shared/village.toml", "same.toml"):
        assert load_scenario(_scenario(tmp_path, name)).setup.people
