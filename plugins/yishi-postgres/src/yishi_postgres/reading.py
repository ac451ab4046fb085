"""Reading one community's log: a mixin of :class:`yishi_postgres.store.PostgresStore`.

Every read goes through the store's reader connection (autocommit, its own
lock), never the writer, so that a read never waits for, or joins, a write
transaction. Long reads go in keyset pages by position, the lock held per page.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg

from yishi.domain.events import event_from_dict
from yishi.store.base import Head, StoredEvent
from yishi.store.chain import GENESIS
from yishi_postgres import ballot_box

COLUMNS = "seq, stream, version, payload, hash, prev, command"
RECORD_COLUMNS = "seq, stream, version, type, payload, command, prev, hash"
PAGE = 4096
HEAD = "SELECT seq, hash FROM yishi_events WHERE community = %s ORDER BY seq DESC LIMIT 1"


class Reading:
    community: str
    _read_lock: threading.Lock

    @property
    def _reader(self) -> psycopg.Connection[Any]:
        raise NotImplementedError  # the store's reader connection

    def head(self) -> Head:
        with self._read_lock:
            row = self._reader.execute(HEAD, (self.community,), prepare=True).fetchone()
        return Head(0, GENESIS) if row is None else Head(row[0], row[1])

    def _stream_version(self, db: psycopg.Connection[Any], stream: str) -> int:
        row = db.execute(
            "SELECT max(version) FROM yishi_events WHERE community = %s AND stream = %s",
            (self.community, stream),
        ).fetchone()
        return int(row[0] or 0) if row else 0

    def stream_version(self, stream: str) -> int:
        with self._read_lock:
            return self._stream_version(self._reader, stream)

    def _pages(self, columns: str, after: int) -> Iterator[list[tuple[Any, ...]]]:
        """Keyset pages in position order, the lock held per page only."""
        while True:
            with self._read_lock:
                chunk = self._reader.execute(
                    f"SELECT {columns} FROM yishi_events WHERE community = %s AND seq > %s"
                    " ORDER BY seq LIMIT %s",
                    (self.community, after, PAGE),
                    prepare=True,
                ).fetchall()
            if chunk:
                yield chunk
            if len(chunk) < PAGE:  # the last page: no need to ask for an empty one
                return
            after = chunk[-1][0]

    def read_all(self, after: int = 0) -> Iterator[StoredEvent]:
        for chunk in self._pages(COLUMNS, after):
            yield from map(stored_from_row, chunk)

    def read_stream(self, stream: str) -> Iterator[StoredEvent]:
        with self._read_lock:
            rows = self._reader.execute(
                f"SELECT {COLUMNS} FROM yishi_events WHERE community = %s AND stream = %s"
                " ORDER BY version",
                (self.community, stream),
            ).fetchall()
        return map(stored_from_row, rows)

    def raw_records(self) -> Iterator[tuple[object, ...]]:
        """Rows as stored, unparsed, for ``verify``."""
        for chunk in self._pages(RECORD_COLUMNS, 0):
            yield from chunk

    def raw_facts(self) -> Iterator[tuple[object, ...]]:
        """The facts recorded once as stored, ``(seq, key)`` by seq then key, for
        ``verify``, which holds them to the records that state them. Sorted by the
        server, bytewise (the column's "C" collation, named again here so that the
        order is Python's whatever the table was made with). In one read, as the
        SQLite store does: ``verify_store`` keeps a hash per record anyway, and
        paging by ``(seq, key)`` would sort the community's facts once a page."""
        with self._read_lock:
            rows = self._reader.execute(
                "SELECT seq, key FROM yishi_facts WHERE community = %s"
                ' ORDER BY seq, key COLLATE "C"',
                (self.community,),
            ).fetchall()
        return iter(rows)

    def raw_commands(self) -> list[tuple[object, ...]]:
        with self._read_lock:
            return list(
                self._reader.execute(
                    "SELECT key, fingerprint, first, last FROM yishi_commands WHERE community = %s",
                    (self.community,),
                ).fetchall()
            )

    def _recorded(
        self, db: psycopg.Connection[Any], command: str
    ) -> tuple[str, list[StoredEvent]] | None:
        row = db.execute(
            "SELECT fingerprint, first, last FROM yishi_commands WHERE community = %s AND key = %s",
            (self.community, command),
        ).fetchone()
        if row is None:
            return None
        rows = db.execute(
            f"SELECT {COLUMNS} FROM yishi_events WHERE community = %s"
            " AND seq BETWEEN %s AND %s ORDER BY seq",
            (self.community, row[1], row[2]),
        ).fetchall()
        return row[0], [stored_from_row(r) for r in rows]

    def sealed_ballots(self, meeting: str) -> list[str]:
        """The sealed ballots of a meeting not yet closed, sorted (never in cast order)."""
        with self._read_lock:
            return ballot_box.read(self._reader, self.community, meeting)

    def recorded(self, command: str) -> tuple[str, list[StoredEvent]] | None:
        with self._read_lock:
            return self._recorded(self._reader, command)


def stored_from_row(row: Sequence[Any]) -> StoredEvent:
    seq, stream, version, payload, digest, prev, command = row
    return StoredEvent(
        seq, stream, version, event_from_dict(json.loads(payload)), digest, prev, command
    )
