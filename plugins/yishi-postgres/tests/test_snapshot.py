"""verify reads a community's log through one snapshot while a portal appends to it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import attrs
import psycopg
import pytest

from yishi.store.verify import verify_store
from yishi.testing.store_contract import appended, ballot, progress
from yishi_postgres import PostgresStore
from yishi_postgres.connections import Connections
from yishi_postgres.reading import Reading

JOIN_TIMEOUT = 60  # verifying three records takes far less; waiting on the lock, forever


def test_verify_sees_the_log_as_of_its_snapshot_while_a_portal_appends(
    pg: str, community: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each time verify has read the facts, a portal (its own connections) casts a
    ballot and commits, before verify reads the records. Read as of one moment,
    the log is sound and its head is the one before those ballots; read query by
    query, the records would state facts that verify never read."""
    with PostgresStore(pg, community) as store, PostgresStore(pg, community) as portal:
        appended(store, ballot("a"), ballot("b"), progress("修路"))
        head = store.head()
        read_facts = Reading.raw_facts
        cast: list[str] = []

        def facts_then_a_ballot(reading: Reading) -> Iterator[tuple[object, ...]]:
            facts = read_facts(reading)
            cast.append(f"late{len(cast)}")
            appended(portal, ballot(cast[-1]))
            return facts

        monkeypatch.setattr(Reading, "raw_facts", facts_then_a_ballot)
        report = verify_store(store)
        assert report.ok, report.damage
        assert report.head == head
        assert cast  # the portal did append while verify read
        assert store.head().size == head.size + len(cast)
        monkeypatch.undo()
        assert verify_store(store).ok  # and the log with those ballots is sound too


def test_the_snapshot_is_taken_on_entering_on_a_connection_of_its_own(
    pg: str, community: str
) -> None:
    with PostgresStore(pg, community) as store:
        appended(store, ballot("a"))
        head = store.head()
        with store.snapshot() as reading:
            # Taken at once, not at the first read: the append after entering is not seen.
            appended(store, ballot("b"))
            assert reading.head() == head
            assert [row[0] for row in reading.raw_records()] == [1]
            assert reading._reader is not store._reader
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                reading._reader.execute("DELETE FROM yishi_events")
        assert reading._reader.closed  # the snapshot let go on leaving
        assert store.head().size == 2


def test_verify_never_waits_for_the_stores_own_reader(pg: str, community: str) -> None:
    """A portal's long read holds the store's reader: verify, evidence included,
    goes through the snapshot's connection and does not wait for it."""
    with PostgresStore(pg, community) as store:
        photo = store.evidence.put_bytes("路面照片".encode(), "road.jpg")
        appended(store, attrs.evolve(progress("修路"), evidence=(photo,)), ballot("a"))
        reports: list[Any] = []
        with store._read_lock:
            verifying = threading.Thread(target=lambda: reports.append(verify_store(store)))
            verifying.start()
            verifying.join(JOIN_TIMEOUT)
            waited = verifying.is_alive()
        verifying.join()
        assert not waited
        assert reports[0].ok and reports[0].evidence_files == 1


def test_a_store_sharing_connections_takes_its_snapshot_on_their_database(
    pg: str, community: str
) -> None:
    # Such a store may be given no conninfo of its own (the empty default).
    with Connections(pg) as shared:
        store = PostgresStore(community=community, connections=shared)
        appended(store, ballot("a"))
        with store.snapshot() as reading:
            assert reading.head() == store.head()
        assert verify_store(store).ok
