"""One community's event log in a PostgreSQL database shared by a whole city.

How an append stays correct with many writers (processes, threads, servers):

- **Order.** An append locks its community's row in ``yishi_communities``
  (``SELECT … FOR UPDATE``), reads the head, numbers its records from it and
  commits. The next writer of that community waits for the lock, so positions
  are given out in commit order with no gaps. That is what lets a reader tail
  the log by position (:mod:`yishi_postgres.tail`): a sequence or identity
  column would hand out numbers at insert time, and a transaction that took
  number 8 could commit after one that took 9, so a reader that saw 9 and
  moved on would never see 8.
- **Optimistic concurrency.** Expected stream versions are checked against the
  stored ones, and every invariant is a UNIQUE key (stream version, fact
  recorded once, predecessor, hash, idempotency key): whatever a buggy or
  concurrent writer does, the database refuses a fork, a reused version or a
  second ballot.
- **Group commit.** Threads appending through one store join a group: the
  first to arrive leads, takes every append waiting, runs each under its own
  savepoint (a refused one is rolled back alone) and commits once. Each caller
  returns only after that COMMIT, with ``synchronous_commit=on``, so every
  acknowledgement is durable; one WAL flush covers the whole group.
"""

from __future__ import annotations

import collections
import contextlib
import json
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import psycopg
from psycopg import errors as pg_errors

from yishi.domain.events import event_from_dict
from yishi.domain.uniqueness import unique_key
from yishi.store.base import (
    Batch,
    CommandRecorded,
    ConcurrencyError,
    DuplicateFact,
    Head,
    KeyReused,
    StoredEvent,
    StoreError,
)
from yishi.store.chain import GENESIS
from yishi.store.records import Record, make_records
from yishi_postgres import ballot_box, schema
from yishi_postgres.evidence import PostgresEvidence
from yishi_postgres.failures import HookFailures
from yishi_postgres.location import split_location

COLUMNS = "seq, stream, version, payload, hash, prev, command"
RECORD_COLUMNS = "seq, stream, version, type, payload, command, once, prev, hash"
COPY_FROM = 64  # batches this long go in with COPY rather than INSERT
PAGE = 4096


@attrs.define
class _Append:
    batch: Batch
    command: str | None
    fingerprint: str
    sealed: Sequence[tuple[str, str, int]] = ()
    opened: Sequence[str] = ()
    done: bool = False
    result: list[StoredEvent] = attrs.field(factory=list)
    error: BaseException | None = None


class PostgresStore(HookFailures):
    """The log of ``community`` in the database at ``conninfo``.

    Opening creates the tables if they are missing (under an advisory lock);
    the community's row is made by its first append. ``group_commit=False``
    commits each append on its own.
    """

    def __init__(
        self,
        conninfo: str = "",
        community: str = "default",
        *,
        group_commit: bool = True,
        create: bool = True,
    ) -> None:
        if not community:
            raise ValueError("community must be a non-empty name")
        self.conninfo = conninfo
        self.community = community
        self.group_commit = group_commit
        self._writer = _connect(conninfo, autocommit=False)
        self._reader = _connect(conninfo, autocommit=True)
        self._write_lock = threading.Lock()  # the writer connection
        self._read_lock = threading.Lock()  # the reader connection
        self._queue: list[_Append] = []
        self._group = threading.Condition()
        self._leading = False
        self.transactions = 0  # write transactions committed (a group counts once)
        self._has_row = False
        self._last: tuple[Head, dict[str, int]] | None = None  # see _fast
        if create:
            self._create()
        self.evidence = PostgresEvidence(self._reader, self._read_lock)

    @classmethod
    def open(cls, location: str, **kwargs: Any) -> PostgresStore:
        conninfo, community = split_location(location)
        return cls(conninfo, community, **kwargs)

    def _create(self) -> None:
        with self._write_lock, self._writer.transaction():
            self._writer.execute("SELECT pg_advisory_xact_lock(%s)", (schema.SCHEMA_LOCK,))
            self._writer.execute(schema.ddl())

    def _ensure_row(self) -> None:
        """The community's row (its place and its write lock), made by its first append,
        so that opening a log to read or verify it never creates one."""
        if self._has_row:
            return
        with self._writer.transaction():
            self._writer.execute(
                "INSERT INTO yishi_communities (community) VALUES (%s) ON CONFLICT DO NOTHING",
                (self.community,),
            )
        self._has_row = True

    def exists(self) -> bool:
        """Whether anything was ever recorded for this community."""
        with self._read_lock:
            return (
                self._reader.execute(
                    "SELECT 1 FROM yishi_communities WHERE community = %s", (self.community,)
                ).fetchone()
                is not None
            )

    def place(self, *, name: str = "", city: str = "", district: str = "", town: str = "") -> None:
        """Say where the community sits (市、区县、镇街), for statistics that roll up."""
        with self._read_lock:
            self._reader.execute(
                "INSERT INTO yishi_communities (community, name, city, district, town)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (community) DO UPDATE"
                " SET name = excluded.name, city = excluded.city,"
                " district = excluded.district, town = excluded.town",
                (self.community, name, city, district, town),
            )

    # -- writing ---------------------------------------------------------------

    def append(
        self,
        batch: Batch,
        *,
        command: str | None = None,
        fingerprint: str = "",
        sealed: Sequence[tuple[str, str, int]] = (),
        opened: Sequence[str] = (),
    ) -> list[StoredEvent]:
        """``sealed`` and ``opened`` go to the ballot box (:mod:`yishi_postgres.ballot_box`),
        in the same transaction as the records."""
        if not batch:
            return []
        request = _Append(list(batch), command, fingerprint, sealed, opened)
        if not self.group_commit:
            with self._write_lock:
                self._commit([request])
        else:
            self._join(request)
        if request.error is not None:
            raise request.error
        if opened:
            with self._read_lock:
                ballot_box.vacuum(self._reader)
        return request.result

    def _join(self, request: _Append) -> None:
        """Wait for a group to carry ``request``, or lead the next group."""
        with self._group:
            self._queue.append(request)
            while not request.done:
                if not self._leading:
                    self._leading = True
                    group, self._queue = self._queue, []
                    break
                self._group.wait()
            else:
                return
        try:
            with self._write_lock:
                self._commit(group)
        finally:
            with self._group:
                self._leading = False
                self._group.notify_all()

    def _commit(self, group: list[_Append]) -> None:
        """One transaction for the whole group; each append under a savepoint.

        Pipelined: the lock, the head, the streams' versions and the commands'
        keys go in one round trip (PostgreSQL runs them in order, so the head is
        read after the lock is held); a group of one sends its rows, the NOTIFY
        and the COMMIT in a second. A raw one-row commit takes two as well."""
        db = self._writer
        try:
            self._ensure_row()
        except psycopg.Error as exc:
            for request in group:
                request.error, request.done = exc, True
            self._reconnect()
            return
        # COPY (for long batches) cannot run in a pipeline: then only the reads are.
        pipelined = sum(len(r.batch) for r in group) < COPY_FROM
        try:
            if len(group) == 1 and self._fast(group[0]):
                self.transactions += 1
                return
            with (
                db.pipeline() if pipelined else contextlib.nullcontext() as pipeline,
                db.transaction(),
            ):
                if pipeline is not None:
                    head, versions, used = self._prepare(group, pipeline)
                else:
                    with db.pipeline() as reads:
                        head, versions, used = self._prepare(group, reads)
                if len(group) == 1:
                    records = self._write(group[0], head, versions, used)
                    db.execute("SELECT pg_notify(%s, %s)", (schema.CHANNEL, self.community))
                    head = Head(records[-1].seq, records[-1].hash)
                    versions.update((r.stream, r.version) for r in records)
                else:
                    for request in group:
                        try:
                            with db.transaction():  # a savepoint
                                records = self._write(request, head, versions, used)
                                if pipeline is not None:
                                    pipeline.sync()  # a refusal surfaces here, in its savepoint
                        except (StoreError, pg_errors.UniqueViolation) as exc:
                            request.error = self._refusal(exc, request)
                            request.result = []
                            continue
                        # Only now that the savepoint stands does the next append chain on it.
                        head = Head(records[-1].seq, records[-1].hash)
                        versions.update((r.stream, r.version) for r in records)
                        if request.command is not None:
                            used[request.command] = (
                                request.fingerprint,
                                records[0].seq,
                                records[-1].seq,
                            )
                    if any(r.error is None for r in group):
                        db.execute("SELECT pg_notify(%s, %s)", (schema.CHANNEL, self.community))
            self.transactions += 1
            # Known as of the committed head, with the lock held: the next append
            # may take it on trust (``_fast``).
            self._last = (head, versions)
        except (StoreError, pg_errors.UniqueViolation) as exc:
            # Only a group of one gets here: its refusal rolled everything back.
            self._last = None
            group[0].error = self._refusal(exc, group[0])
            group[0].result = []
        except BaseException as exc:
            # Not committed (or not known to be): no append of the group is acknowledged.
            self._last = None
            for request in group:
                request.error = exc
                request.result = []
            if isinstance(exc, psycopg.Error):
                self._reconnect()
            if not isinstance(exc, Exception):
                raise
        finally:
            for request in group:
                request.done = True

    def _fast(self, request: _Append) -> bool:
        """Append after the head this store last committed, taken on trust: the rows,
        the NOTIFY and the COMMIT in one round trip. If anyone else wrote since, the
        next position is taken and its UNIQUE key refuses the rows; then (and for
        anything unusual: a command key, a long batch, a stream not seen) this
        returns False and the append goes the careful way, reading under the lock."""
        if (
            self._last is None
            or request.command is not None
            or len(request.batch) >= COPY_FROM
            or request.sealed
            or request.opened
        ):
            return False
        head, versions = self._last
        if any(stream not in versions for stream, _, _ in request.batch):
            return False
        try:
            records, stored = make_records(request.batch, head, versions.__getitem__, None)
        except ConcurrencyError:
            return False  # perhaps only our knowledge is stale: ask the database
        db = self._writer
        try:
            with db.pipeline(), db.transaction():
                db.execute(
                    "SELECT 1 FROM yishi_communities WHERE community = %s FOR UPDATE",
                    (self.community,),
                )
                self._insert(records)
                db.execute("SELECT pg_notify(%s, %s)", (schema.CHANNEL, self.community))
        except pg_errors.UniqueViolation:
            self._last = None
            return False
        request.result = stored
        versions.update((r.stream, r.version) for r in records)
        self._last = (Head(records[-1].seq, records[-1].hash), versions)
        return True

    def _prepare(
        self, group: list[_Append], pipeline: psycopg.Pipeline
    ) -> tuple[Head, dict[str, int], dict[str, tuple[str, int, int]]]:
        """Lock the community, then read its head, the versions of the streams the
        group appends to and the commands it names: one round trip."""
        db = self._writer
        streams = sorted({stream for r in group for stream, _, _ in r.batch})
        keys = sorted({r.command for r in group if r.command is not None})
        # Separate statements, not one: in READ COMMITTED a statement that waited
        # for the row lock re-reads the locked row but not the rest of its query,
        # so a head read in the same statement could predate the lock holder's
        # commit. Each later statement takes a fresh snapshot, after the lock.
        locked = db.execute(
            "SELECT 1 FROM yishi_communities WHERE community = %s FOR UPDATE", (self.community,)
        )
        head = db.execute(
            "SELECT seq, hash FROM yishi_events WHERE community = %s ORDER BY seq DESC LIMIT 1",
            (self.community,),
        )
        # max() per stream in a subquery, not GROUP BY: then it is one step down the
        # (community, stream, version) index, however long the stream is.
        found = db.execute(
            "SELECT s.stream, (SELECT max(version) FROM yishi_events e"
            "   WHERE e.community = %s AND e.stream = s.stream)"
            " FROM unnest(%s::text[]) AS s(stream)",
            (self.community, streams),
        )
        commands = db.execute(
            "SELECT key, fingerprint, first, last FROM yishi_commands"
            " WHERE community = %s AND key = ANY(%s)",
            (self.community, keys),
        )
        pipeline.sync()
        if locked.fetchone() is None:
            self._has_row = False  # removed behind our back: made again on the next append
            raise ConcurrencyError(f"community {self.community!r} has no row")
        row = head.fetchone()
        versions = {stream: int(version) for stream, version in found.fetchall() if version}
        used = {key: (fp, first, last) for key, fp, first, last in commands.fetchall()}
        return (Head(0, GENESIS) if row is None else Head(row[0], row[1])), versions, used

    def _write(
        self,
        request: _Append,
        head: Head,
        versions: dict[str, int],
        used: dict[str, tuple[str, int, int]],
    ) -> list[Record]:
        """Write one append after ``head``; the caller moves head and versions on
        once the write is known to stand."""
        db = self._writer
        if request.command is not None and request.command in used:
            fingerprint, first, last = used[request.command]
            if fingerprint != request.fingerprint:
                raise KeyReused(request.command)
            rows = db.execute(
                f"SELECT {COLUMNS} FROM yishi_events WHERE community = %s"
                " AND seq BETWEEN %s AND %s ORDER BY seq",
                (self.community, first, last),
            ).fetchall()
            raise CommandRecorded(request.command, [_stored(r) for r in rows])
        records, stored = make_records(
            request.batch, head, lambda stream: versions.get(stream, 0), request.command
        )
        self._insert(records)
        if request.command is not None:
            db.execute(
                "INSERT INTO yishi_commands (community, key, fingerprint, first, last)"
                " VALUES (%s, %s, %s, %s, %s)",
                (
                    self.community,
                    request.command,
                    request.fingerprint,
                    records[0].seq,
                    records[-1].seq,
                ),
            )
        if request.sealed or request.opened:
            ballot_box.write(db, self.community, request.sealed, request.opened)
        request.result = stored
        return records

    def _insert(self, records: Sequence[Record]) -> None:
        rows = [(self.community, *r.astuple()) for r in records]
        cur = self._writer.cursor()
        if len(rows) >= COPY_FROM:
            with cur.copy(f"COPY yishi_events (community, {RECORD_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.executemany(
                f"INSERT INTO yishi_events (community, {RECORD_COLUMNS})"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )

    def _refusal(self, exc: BaseException, request: _Append) -> BaseException:
        if not isinstance(exc, pg_errors.UniqueViolation):
            return exc
        constraint = exc.diag.constraint_name or ""
        if "once" in constraint:
            keys = [k for _, _, e in request.batch if (k := unique_key(e)) is not None]
            with self._read_lock:
                rows = self._reader.execute(
                    "SELECT once FROM yishi_events WHERE community = %s AND once = ANY(%s)",
                    (self.community, keys),
                ).fetchall()
            recorded = {row[0] for row in rows}
            taken = [k for k in keys if k in recorded]
            repeated = [k for k, n in collections.Counter(keys).items() if n > 1]
            return DuplicateFact((taken or repeated or [", ".join(keys)])[0])
        if "commands" in constraint:
            return ConcurrencyError("idempotency key recorded concurrently")
        return ConcurrencyError(str(exc))

    def _reconnect(self) -> None:
        try:
            self._writer.close()
        finally:
            self._writer = _connect(self.conninfo, autocommit=False)

    # -- reading -----------------------------------------------------------------

    def head(self) -> Head:
        with self._read_lock:
            row = self._reader.execute(
                "SELECT seq, hash FROM yishi_events WHERE community = %s ORDER BY seq DESC LIMIT 1",
                (self.community,),
            ).fetchone()
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
                ).fetchall()
            if not chunk:
                return
            yield chunk
            after = chunk[-1][0]

    def read_all(self, after: int = 0) -> Iterator[StoredEvent]:
        for chunk in self._pages(COLUMNS, after):
            yield from map(_stored, chunk)

    def read_stream(self, stream: str) -> Iterator[StoredEvent]:
        with self._read_lock:
            rows = self._reader.execute(
                f"SELECT {COLUMNS} FROM yishi_events WHERE community = %s AND stream = %s"
                " ORDER BY version",
                (self.community, stream),
            ).fetchall()
        return map(_stored, rows)

    def raw_records(self) -> Iterator[tuple[object, ...]]:
        """Rows as stored, unparsed, for ``verify``."""
        for chunk in self._pages(RECORD_COLUMNS, 0):
            yield from chunk

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
        return row[0], [_stored(r) for r in rows]

    def sealed_ballots(self, meeting: str) -> list[str]:
        """The sealed ballots of a meeting not yet closed, sorted (never in cast order)."""
        with self._read_lock:
            return ballot_box.read(self._reader, self.community, meeting)

    def recorded(self, command: str) -> tuple[str, list[StoredEvent]] | None:
        with self._read_lock:
            return self._recorded(self._reader, command)

    def close(self) -> None:
        with self._write_lock:
            self._writer.close()
        with self._read_lock:
            self._reader.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self.head().size


def _connect(conninfo: str, *, autocommit: bool) -> psycopg.Connection[Any]:
    conn = psycopg.connect(conninfo, autocommit=True)
    # Whatever the server's default, an acknowledged append is flushed to the WAL.
    conn.execute("SET synchronous_commit = on")
    conn.autocommit = autocommit
    return conn


def _stored(row: Sequence[Any]) -> StoredEvent:
    seq, stream, version, payload, digest, prev, command = row
    return StoredEvent(
        seq, stream, version, event_from_dict(json.loads(payload)), digest, prev, command
    )
