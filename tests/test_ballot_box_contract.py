"""Both shipped stores keep a ballot box and pass its contract."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from yishi.store.memory import MemoryStore
from yishi.store.sqlite import SQLiteStore
from yishi.testing.ballot_box_contract import BallotBoxContract


class TestMemoryBallotBox(BallotBoxContract):
    def make_store(self, tmp_path: Path) -> Any:
        return MemoryStore()


class TestSQLiteBallotBox(BallotBoxContract):
    def make_store(self, tmp_path: Path) -> Any:
        return SQLiteStore(tmp_path / "yishi.db")

    def reopen(self, store: Any, tmp_path: Path) -> Any:
        store.close()
        return SQLiteStore(tmp_path / "yishi.db")
