"""Both shipped stores pass the contract in yishi.testing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from yishi.store.evidence import EvidenceStore
from yishi.store.memory import MemoryStore
from yishi.store.sqlite import SQLiteStore
from yishi.testing.store_contract import StoreContract


class TestMemoryStore(StoreContract):
    def make_store(self, tmp_path: Path) -> Any:
        return MemoryStore(EvidenceStore(tmp_path / "evidence"))


class TestSQLiteStore(StoreContract):
    def make_store(self, tmp_path: Path) -> Any:
        tmp_path.mkdir(parents=True, exist_ok=True)
        return SQLiteStore(tmp_path / "yishi.db")

    def reopen(self, store: Any, tmp_path: Path) -> Any:
        store.close()
        return SQLiteStore(tmp_path / "yishi.db")
