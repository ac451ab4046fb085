"""Long batches go in with COPY; refusals there mean what they mean for short ones."""

from __future__ import annotations

import pytest

from yishi.store.base import DuplicateFact
from yishi.testing.store_contract import appended, ballot
from yishi_postgres import PostgresStore
from yishi_postgres.store import COPY_FROM


def test_a_duplicate_inside_a_long_batch_is_named_and_nothing_is_written(
    pg: str, community: str
) -> None:
    with PostgresStore(pg, community) as store:
        voters = [f"p{i}" for i in range(COPY_FROM * 3)]
        with pytest.raises(DuplicateFact) as refused:
            appended(store, *(ballot(v) for v in [*voters, "p7"]))
        assert refused.value.key == "ballot/m1/p7"
        assert store.head().size == 0
        appended(store, *(ballot(v) for v in voters))
        with pytest.raises(DuplicateFact) as again:
            appended(store, *(ballot(v, meeting="m2") for v in voters), ballot("p100"))
        assert again.value.key == "ballot/m1/p100"
        assert store.head().size == len(voters)
