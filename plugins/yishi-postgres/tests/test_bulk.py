"""Long batches go in with COPY; refusals there mean what they mean for short ones."""

from __future__ import annotations

import pytest

from yishi.domain import events as ev
from yishi.store.base import DuplicateFact, UnencodableEvent
from yishi.store.verify import verify_store
from yishi.testing.store_contract import AT, appended, ballot
from yishi_postgres import PostgresStore
from yishi_postgres.writing import COPY_CHUNK, COPY_FROM


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


def test_an_event_that_cannot_be_stored_deep_in_a_long_batch_aborts_the_copy(
    pg: str, community: str
) -> None:
    """A long batch is built and sent a chunk at a time; an event found unstorable
    after earlier chunks went out refuses the whole batch, and nothing is written."""
    with PostgresStore(pg, community) as store:
        voters = [f"p{i}" for i in range(COPY_CHUNK * 2 + 10)]
        bad = ev.PersonRegistered(at=AT, actor="c", person="x", name="\ud800")
        with pytest.raises(UnencodableEvent):
            appended(store, *(ballot(v) for v in voters), bad)
        assert store.head().size == 0
        stored = appended(store, *(ballot(v) for v in voters))
        assert [s.position for s in stored] == list(range(1, len(voters) + 1))
        assert [s.event.voter for s in store.read_all()] == voters
        assert verify_store(store).ok
