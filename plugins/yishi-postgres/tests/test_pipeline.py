"""Appends in one round trip, and refusals inside a pipeline (no timing asserted)."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest

from yishi.store.base import DuplicateFact
from yishi.testing.store_contract import appended, ballot, progress
from yishi_postgres import PostgresStore
from yishi_postgres.connections import Connections


def _group(store: PostgresStore, *items: tuple[str, Any]) -> dict[str, str]:
    """Append each (name, event) from its own thread, all in one group: the writer is
    held until every one is queued behind the first."""
    outcome: dict[str, str] = {}

    def run(name: str, event: Any) -> None:
        try:
            store.append([(event.stream, store.stream_version(event.stream), event)])
            outcome[name] = "ok"
        except DuplicateFact:
            outcome[name] = "refused"

    with store._write_lock:
        threads = [threading.Thread(target=run, args=item) for item in items]
        for thread in threads:
            thread.start()
            time.sleep(0.05)
        deadline = time.monotonic() + 30
        while len(store._queue) < len(items) - 1 and time.monotonic() < deadline:
            time.sleep(0.01)
    for thread in threads:
        thread.join(60)
    return outcome


def test_refusals_inside_groups_leave_the_writer_usable(pg: str, community: str) -> None:
    """A refused row aborts the rest of its pipeline: the whole group is tried again
    the careful way, each append under its own savepoint, and only the refused one
    is refused. (The kill-race test in test_concurrency.py is what showed psycopg's
    own preparing after five runs trusting a Parse that an aborted pipeline never
    ran: 'prepared statement does not exist' on the next group.)"""
    with PostgresStore(pg, community) as store:
        appended(store, ballot("p0"))
        for n in range(1, 9):
            outcome = _group(
                store,
                ("first", progress(f"{n}", matter=f"a{n}")),
                ("fresh", ballot(f"p{n}", meeting=f"m{n}", matter=f"b{n}")),
                ("again", ballot("p0", matter=f"c{n}")),
            )
            assert outcome == {"first": "ok", "fresh": "ok", "again": "refused"}, n
        assert appended(store, progress("after", matter="z"))[0].position == store.head().size
        assert [e.event.voter for e in store.read_all() if hasattr(e.event, "voter")] == [
            f"p{n}" for n in range(9)
        ]


def test_a_conflicting_append_is_refused_whole_and_the_next_goes_through(
    pg: str, community: str
) -> None:
    """Two stores on one log: the one whose knowledge of the head is stale has its
    one-round-trip append refused by the position's key and goes the careful way."""
    with PostgresStore(pg, community) as one, PostgresStore(pg, community) as two:
        appended(one, progress("1"))
        appended(two, progress("2", matter="other"))  # one's head is now stale
        stored = appended(one, progress("3"))
        assert [s.position for s in stored] == [3]
        assert [s.event.text for s in one.read_all()] == ["1", "2", "3"]


@pytest.fixture(scope="module")
def shared(pg: str) -> Any:
    with Connections(pg) as connections:
        yield connections


def test_stores_of_many_communities_share_two_connections(pg: str, shared: Connections) -> None:
    stores = [PostgresStore(pg, f"shared-{n}", connections=shared) for n in range(5)]
    for round_ in range(3):
        for n, store in enumerate(stores):
            appended(store, progress(f"{n}.{round_}"))
    stores[0].close()  # leaves the shared connections open
    for n, store in enumerate(stores):
        assert [s.event.text for s in store.read_all()] == [f"{n}.{r}" for r in range(3)]
    assert not shared.writer.closed and not shared.reader.closed


def test_a_failure_after_the_commit_still_answers_the_durable_append(
    pg: str, community: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The NOTIFY runs after the COMMIT, in its own transaction. If it fails (a full
    notification queue), the records are already durable: the append is answered
    as made, not as an error a caller would retry into a second copy."""
    import yishi_postgres.store as store_module

    with PostgresStore(pg, community) as store:
        appended(store, progress("1"))  # the next one goes the one-round-trip way
        monkeypatch.setattr(store_module, "NOTIFY", "SELECT %s::text, %s::text, 1 / 0")
        stored = appended(store, progress("2"))
        assert [s.position for s in stored] == [2]
        monkeypatch.undo()
        appended(store, progress("3"))
        assert [s.event.text for s in store.read_all()] == ["1", "2", "3"]


def test_a_failure_before_the_commit_is_an_error_and_writes_nothing(
    pg: str, community: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yishi_postgres.store as store_module

    with PostgresStore(pg, community) as store:
        appended(store, progress("1"))
        monkeypatch.setattr(
            store_module,
            "LOCK",
            "SELECT 1 FROM yishi_communities WHERE community = %s AND 1 / 0 = 1",
        )
        with pytest.raises(psycopg.errors.DivisionByZero):
            appended(store, progress("2"))
        monkeypatch.undo()
        assert [s.event.text for s in store.read_all()] == ["1"]
        appended(store, progress("2"))
        assert [s.event.text for s in store.read_all()] == ["1", "2"]


@pytest.mark.parametrize("events", [1, 100], ids=["careful", "copy"])
def test_the_careful_way_also_answers_a_durable_append_whose_notify_failed(
    pg: str, community: str, monkeypatch: pytest.MonkeyPatch, events: int
) -> None:
    """A fresh store's first append (and any long batch) goes the careful way."""
    import yishi_postgres.store as store_module

    monkeypatch.setattr(store_module, "NOTIFY", "SELECT %s::text, %s::text, 1 / 0")
    with PostgresStore(pg, community) as store:
        stored = appended(store, *(progress(str(n)) for n in range(events)))
        assert [s.position for s in stored] == list(range(1, events + 1))
        monkeypatch.undo()
        appended(store, progress("after"))
        assert store.head().size == events + 1


def test_threads_writing_different_communities_through_shared_connections(
    pg: str, shared: Connections
) -> None:
    """Each thread its own community, all on one writer and one reader: every append
    lands once, in order, and each thread reads its own log back while the others write."""
    per_thread, threads = 25, 4
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            store = PostgresStore(pg, f"threaded-{n}", connections=shared)
            for i in range(per_thread):
                appended(store, progress(f"{n}.{i}"))
                assert [s.event.text for s in store.read_all(i)] == [f"{n}.{i}"]
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert not errors, errors
    for n in range(threads):
        store = PostgresStore(pg, f"threaded-{n}", connections=shared)
        assert [s.position for s in store.read_all()] == list(range(1, per_thread + 1))
        assert [s.event.text for s in store.read_all()] == [f"{n}.{i}" for i in range(per_thread)]
