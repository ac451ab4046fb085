"""One community's log as of one moment, for ``verify`` (``PostgresStore.snapshot``).

verify reads the records in pages, then the facts and the commands, and may read
records and facts again. On the store's reader (autocommit, READ COMMITTED) each
of those queries sees every commit made before it began, so a portal appending
meanwhile would set facts of one moment beside records of the next and a sound
log would be reported as damaged. A snapshot reads them all in one REPEATABLE
READ transaction, on a connection of its own: the store's reader stays free for
the portal, and the writer never waits for a long verify.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import psycopg

from yishi_postgres.connections import connect
from yishi_postgres.evidence import PostgresEvidence
from yishi_postgres.reading import Reading


class Snapshot(Reading):
    """The read methods of a store (``raw_records``, ``raw_facts``, ``head`` …),
    all seeing the log as it stood when the snapshot was taken."""

    def __init__(self, conn: psycopg.Connection[Any], community: str) -> None:
        self.community = community
        self._conn = conn
        # Reading takes the lock per query; nobody else has this connection, but
        # a caller's threads might share the snapshot.
        self._read_lock = threading.Lock()
        self.evidence = PostgresEvidence(conn, self._read_lock)

    @property
    def _reader(self) -> psycopg.Connection[Any]:
        return self._conn


@contextlib.contextmanager
def snapshot(conninfo: str, community: str) -> Iterator[Snapshot]:
    conn = connect(conninfo, autocommit=True)
    try:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # PostgreSQL takes the snapshot at the transaction's first statement, not
        # at BEGIN: without this it would be taken at verify's first read, after
        # whatever was committed in between.
        conn.execute("SELECT 1")
        yield Snapshot(conn, community)
    finally:
        # Closing ends the transaction, and with it the snapshot that holds back
        # vacuum (on a standby with hot_standby_feedback, the primary's): no
        # ROLLBACK first, which would be one more round trip for the same end.
        conn.close()
