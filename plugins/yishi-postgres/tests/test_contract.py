"""The PostgreSQL store passes yishi's store contract, unchanged."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from yishi.testing.store_contract import StoreContract
from yishi_postgres import PostgresStore
from yishi_postgres.connections import Connections


class TestPostgresStore(StoreContract):
    @pytest.fixture(autouse=True)
    def _database(self, pg: str) -> Iterator[None]:
        self.conninfo = pg
        self.communities: dict[Path, str] = {}
        self.reopened: list[PostgresStore] = []
        yield
        for store in self.reopened:  # the contract closes the store it made, not these
            store.close()

    def make_store(self, tmp_path: Path) -> Any:
        community = self.communities.setdefault(tmp_path, f"c-{secrets.token_hex(6)}")
        return PostgresStore(self.conninfo, community)

    def reopen(self, store: Any, tmp_path: Path) -> Any:
        store.close()
        again = PostgresStore(self.conninfo, self.communities[tmp_path])
        self.reopened.append(again)
        return again


class TestPostgresStoreWithoutGroupCommit(TestPostgresStore):
    def make_store(self, tmp_path: Path) -> Any:
        community = self.communities.setdefault(tmp_path, f"c-{secrets.token_hex(6)}")
        return PostgresStore(self.conninfo, community, group_commit=False)


class TestPostgresStoreSharingConnections(TestPostgresStore):
    """Every store of the class on one writer and one reader, as a city's process
    serving many communities would run them."""

    shared: Connections | None = None

    def make_store(self, tmp_path: Path) -> Any:
        community = self.communities.setdefault(tmp_path, f"c-{secrets.token_hex(6)}")
        return PostgresStore(self.conninfo, community, connections=self._shared())

    def reopen(self, store: Any, tmp_path: Path) -> Any:
        store.close()
        again = PostgresStore(self.conninfo, self.communities[tmp_path], connections=self._shared())
        self.reopened.append(again)
        return again

    def _shared(self) -> Connections:
        cls = type(self)
        if cls.shared is None or cls.shared.writer.closed:
            cls.shared = Connections(self.conninfo)
        return cls.shared
