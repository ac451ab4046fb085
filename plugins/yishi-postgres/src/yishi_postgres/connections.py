"""The two connections a store writes and reads through, which many stores may share.

A city's application process serves hundreds of communities. With two
connections per community it would need thousands of server backends (the
default ``max_connections`` is 100); one :class:`Connections` handed to every
community's :class:`~yishi_postgres.store.PostgresStore` keeps it at two. The
stores then take turns on the writer (each holds its lock for one commit), so
one process commits one community at a time: several processes write in parallel.
"""

from __future__ import annotations

import threading
from typing import Any

import psycopg

NEVER = 1 << 62  # runs before psycopg would prepare a statement on its own (see connect)


class Connections:
    """A writer and a reader on ``conninfo``, each with its lock."""

    def __init__(self, conninfo: str = "") -> None:
        self.conninfo = conninfo
        # Autocommit: a transaction is what a pipeline holds until its Sync, or
        # what an explicit BEGIN opens (the store's ``_fast`` and ``_careful``).
        self.writer = connect(conninfo, autocommit=True)
        self.reader = connect(conninfo, autocommit=True)
        self.write_lock = threading.Lock()
        self.read_lock = threading.Lock()

    def reconnect_writer(self) -> None:
        """A fresh writer (closing the old one rolls back whatever it held)."""
        try:
            self.writer.close()
        finally:
            self.writer = connect(self.conninfo, autocommit=True)

    def close(self) -> None:
        with self.write_lock:
            self.writer.close()
        with self.read_lock:
            self.reader.close()

    def __enter__(self) -> Connections:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(conninfo: str, *, autocommit: bool) -> psycopg.Connection[Any]:
    conn = psycopg.connect(conninfo, autocommit=True)
    # Whatever the server's default, an acknowledged append is flushed to the WAL.
    conn.execute("SET synchronous_commit = on")
    conn.autocommit = autocommit
    # Only the statements asked for with prepare=True are prepared, always at
    # their first use. psycopg's own promotion (after five runs) trusts a Parse
    # it sent in a pipeline without checking that the Parse ran: when the
    # pipeline was aborted before it (a refused row), the next use names a
    # statement the server never made.
    conn.prepare_threshold = NEVER
    return conn
