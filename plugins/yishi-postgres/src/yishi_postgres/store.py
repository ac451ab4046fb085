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
  recorded once in ``yishi_facts``, predecessor, hash, idempotency key):
  whatever a buggy or concurrent writer does, the database refuses a fork, a
  reused version or a second ballot.
- **Group commit.** Threads appending through one store join a group: the
  first to arrive leads, takes every append waiting and commits them at once.
  Each caller returns only after that COMMIT, with ``synchronous_commit=on``,
  so every acknowledgement is durable; one WAL flush covers the whole group.
- **Round trips.** A store that committed the last append of its community
  sends the next group as one string, ``BEGIN; lock; rows; COMMIT; NOTIFY``,
  after the head it knows (``_fast``). If anyone else wrote meanwhile, a UNIQUE
  key refuses it whole and the group goes the careful way (``_careful``): read
  the head under the lock, then write, each append under its own savepoint so
  that a refused one is rolled back alone.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from typing import Any

import attrs
import psycopg
from psycopg import errors as pg_errors

from yishi.store.base import (
    Batch,
    CommandRecorded,
    ConcurrencyError,
    Head,
    KeyReused,
    StoredEvent,
    StoreError,
)
from yishi.store.records import Record, make_records
from yishi_postgres import ballot_box, schema
from yishi_postgres.connections import Connections
from yishi_postgres.evidence import PostgresEvidence
from yishi_postgres.failures import HookFailures
from yishi_postgres.location import split_location
from yishi_postgres.reading import COLUMNS, Reading, stored_from_row
from yishi_postgres.snapshot import Snapshot, snapshot
from yishi_postgres.writing import (
    COPY_FROM,
    INSERT_COMMAND,
    INSERT_EVENT,
    copy_records,
    insert_facts,
    one_string,
    read_under_lock,
    refusal,
)

LOCK = "SELECT 1 FROM yishi_communities WHERE community = %s FOR UPDATE"
# The NOTIFY goes in a transaction of its own after the COMMIT, in the same round
# trip, and that one is not waited for on disk: a transaction that notifies holds
# a database-wide lock from before its commit record until it ends, so if the
# records' own commit notified, no two writers of the database could share a WAL
# flush (with four writer processes: 1.4-1.7× one alone, against 2.3× without).
# A notification lost in a crash wakes nobody who is still listening anyway.
NOTIFY = "SELECT set_config('synchronous_commit', 'off', true), pg_notify(%s, %s)"


@attrs.define
class _Append:
    batch: Batch
    command: str | None
    fingerprint: str
    sealed: Sequence[tuple[str, str, int]] = ()
    opened: Sequence[str] = ()
    after: int | None = None  # the log's size the caller decided on, if it must still be
    done: bool = False
    result: list[StoredEvent] = attrs.field(factory=list)
    error: BaseException | None = None


class PostgresStore(Reading, HookFailures):
    """The log of ``community`` in the database at ``conninfo``.

    Opening creates the tables if they are missing and upgrades an earlier
    version's (:func:`yishi_postgres.schema.upgrade`), under an advisory lock;
    the community's row is made by its first append. ``group_commit=False``
    commits each append on its own. ``connections`` shares one writer and one
    reader between the stores of many communities (:mod:`yishi_postgres.connections`);
    closing such a store leaves them open.
    """

    #: ``append`` takes ``after``: the engine may decide before reading the log.
    checks_head = True

    def __init__(
        self,
        conninfo: str = "",
        community: str = "default",
        *,
        group_commit: bool = True,
        create: bool = True,
        connections: Connections | None = None,
    ) -> None:
        if not community:
            raise ValueError("community must be a non-empty name")
        self.conninfo = conninfo
        self.community = community
        self.group_commit = group_commit
        self._owns = connections is None
        self._link = Connections(conninfo) if connections is None else connections
        self._write_lock = self._link.write_lock  # the writer connection
        self._read_lock = self._link.read_lock  # the reader connection
        self._queue: list[_Append] = []
        self._group = threading.Condition()
        self._leading = False
        self.transactions = 0  # write transactions committed (a group counts once)
        self._has_row = False
        self._last: tuple[Head, dict[str, int]] | None = None  # see _fast
        if create:
            try:
                self._create()
            except BaseException:
                # A refused upgrade, say: the caller never gets a store to close.
                if self._owns:
                    self._link.close()
                raise
        self.evidence = PostgresEvidence(self._reader, self._read_lock)

    @property
    def _writer(self) -> psycopg.Connection[Any]:
        return self._link.writer

    @property
    def _reader(self) -> psycopg.Connection[Any]:
        return self._link.reader

    @classmethod
    def open(cls, location: str, **kwargs: Any) -> PostgresStore:
        conninfo, community = split_location(location)
        return cls(conninfo, community, **kwargs)

    def _create(self) -> None:
        with self._write_lock, self._writer.transaction():
            self._writer.execute("SELECT pg_advisory_xact_lock(%s)", (schema.SCHEMA_LOCK,))
            self._writer.execute(schema.ddl())
            schema.upgrade(self._writer)

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

    def snapshot(self) -> contextlib.AbstractContextManager[Snapshot]:
        """The log as of now, on a connection of its own, for ``verify_store``
        (:mod:`yishi_postgres.snapshot`). The shared connections' conninfo, not
        ``self.conninfo``: a store handed ``connections`` may have been given none."""
        return snapshot(self._link.conninfo, self.community)

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
        after: int | None = None,
    ) -> list[StoredEvent]:
        """``sealed`` and ``opened`` go to the ballot box (:mod:`yishi_postgres.ballot_box`),
        in the same transaction as the records. With ``after``, the append stands only
        if the log still holds exactly that many records: otherwise
        :class:`ConcurrencyError`, and nothing of it is written (the engine then
        decides without reading the log first, and reads it only when this fails)."""
        if not batch:
            return []
        request = _Append(list(batch), command, fingerprint, sealed, opened, after)
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
        """One transaction for the whole group, committed before anyone is answered.

        Usually one round trip (``_fast``); after a conflict, or for a long batch,
        the careful way (``_careful``): two round trips, more for a group whose
        appends must stand or fall one by one."""
        try:
            self._ensure_row()
        except psycopg.Error as exc:
            for request in group:
                request.error, request.done = exc, True
            self._reconnect()
            return
        try:
            if not self._fast(group):
                self._careful(group)
        except BaseException as exc:
            # Not committed (or not known to be): no append of the group is acknowledged.
            self._last = None
            for request in group:
                request.error = exc
                request.result = []
            # The connection may be mid-pipeline or mid-transaction: start afresh
            # (closing it rolls back whatever it held).
            self._reconnect()
            if not isinstance(exc, Exception):
                raise
        finally:
            for request in group:
                request.done = True

    def _fast(self, group: list[_Append]) -> bool:
        """The group after the head this store last committed, taken on trust, in
        **one round trip** and one message: ``BEGIN; lock; rows; COMMIT; NOTIFY``
        as one simple query, the values bound on this side (synchronous_commit=on:
        the answer comes after the WAL flush). If anyone else wrote since, the
        position is taken and its UNIQUE key refuses the rows; a stream this store
        has not seen is taken to be empty, and if it is not, its first version
        refuses them. Then, or for anything a refusal must be named for, this
        returns False with nothing written, and the group goes the careful way.

        One string rather than a pipeline of prepared statements: psycopg's pipeline
        costs a poll and its bookkeeping per statement; an append through this store
        took about 650 µs of client CPU that way and 320 µs this way (measured on a
        2-CPU machine the server shares), and less wall time too, although the
        server now parses the few short statements each time."""
        if self._last is None or sum(len(r.batch) for r in group) >= COPY_FROM:
            return False
        head, known = self._last
        pending: dict[str, int] = {}

        def current(stream: str) -> int:
            return pending[stream] if stream in pending else known.get(stream, 0)

        plans = []
        for request in group:
            if not ballot_box.fits(request.sealed):
                return False  # the careful way says why
            if request.after is not None and request.after != head.size:
                return False  # the careful way refuses it alone, under the lock
            try:
                records, stored, facts = make_records(request.batch, head, current, request.command)
            except StoreError:
                return False  # stale knowledge, or a refusal the careful way names
            plans.append((request, records, stored, facts))
            head = Head(records[-1].seq, records[-1].hash)
            pending.update((r.stream, r.version) for r in records)
        statements, values = one_string(self.community, plans, LOCK, NOTIFY)
        db = self._writer
        try:
            psycopg.ClientCursor(db).execute("; ".join(statements), values)
        except pg_errors.UniqueViolation:
            # The server skipped the rest of the string, COMMIT included.
            db.execute("ROLLBACK")
            self._last = None
            return False
        except psycopg.DatabaseError:
            # Failed before the COMMIT, or after it (the NOTIFY's own transaction:
            # a full notification queue). The records are there or not; only a
            # durable append is answered as one.
            if not self._committed(head):
                raise
        for request, _, stored, _ in plans:
            request.result = stored
        known.update(pending)
        self._last = (head, known)
        self.transactions += 1
        return True

    def _notify(self) -> None:
        """After a COMMIT that has answered: wake the tails, and if that fails, the
        append still stands (they find the records on their next poll)."""
        with contextlib.suppress(psycopg.DatabaseError):
            self._writer.execute(NOTIFY, (schema.CHANNEL, self.community), prepare=True)

    def _committed(self, head: Head) -> bool:
        """Whether the record ``head`` names is in the log (after a failure that may
        have come after its COMMIT); False if that cannot be told."""
        db = self._writer
        try:
            if db.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                db.execute("ROLLBACK")
            row = db.execute(
                "SELECT hash FROM yishi_events WHERE community = %s AND seq = %s",
                (self.community, head.size),
            ).fetchone()
        except psycopg.Error:
            return False
        return row is not None and row[0] == head.hash

    def _careful(self, group: list[_Append]) -> None:
        """BEGIN, lock the community and read its head, the streams' versions and
        the commands' keys (one round trip); then write. A refusal of a group of
        one rolls the transaction back; in a larger group each append stands or
        falls under its own savepoint."""
        db = self._writer
        copy = sum(len(r.batch) for r in group) >= COPY_FROM
        head, versions, used = self._prepare(group)
        if len(group) == 1:
            request = group[0]
            records: list[Record] = []
            try:
                # COPY (for long batches) cannot run in a pipeline.
                with contextlib.nullcontext() if copy else db.pipeline():
                    records = self._write(request, head, versions, used)
                    db.execute("COMMIT")
                    if copy:  # the COMMIT has answered: the records are durable
                        self._notify()
                    else:
                        db.execute(NOTIFY, (schema.CHANNEL, self.community), prepare=True)
            except (StoreError, pg_errors.UniqueViolation) as exc:
                db.execute("ROLLBACK")
                request.error = self._refusal(exc, request)
                request.result = []
                return
            except psycopg.DatabaseError:
                # Perhaps after the COMMIT (see ``_fast``).
                if not records or not self._committed(Head(records[-1].seq, records[-1].hash)):
                    raise
            head = Head(records[-1].seq, records[-1].hash)
            versions.update((r.stream, r.version) for r in records)
        else:
            for request in group:
                try:
                    with contextlib.nullcontext() if copy else db.pipeline():
                        db.execute("SAVEPOINT one")
                        records = self._write(request, head, versions, used)
                        db.execute("RELEASE SAVEPOINT one")
                except (StoreError, pg_errors.UniqueViolation) as exc:
                    db.execute("ROLLBACK TO SAVEPOINT one")
                    db.execute("RELEASE SAVEPOINT one")
                    request.error = self._refusal(exc, request)
                    request.result = []
                    continue
                # Only now that the savepoint stands does the next append chain on it.
                head = Head(records[-1].seq, records[-1].hash)
                versions.update((r.stream, r.version) for r in records)
                if request.command is not None:
                    used[request.command] = (request.fingerprint, records[0].seq, records[-1].seq)
            db.execute("COMMIT")
            if any(r.error is None for r in group):
                self._notify()
        self.transactions += 1
        # Known as of the committed head, with the lock held: the next append
        # may take it on trust (``_fast``).
        self._last = (head, versions)

    def _prepare(
        self, group: list[_Append]
    ) -> tuple[Head, dict[str, int], dict[str, tuple[str, int, int]]]:
        """BEGIN, lock the community, then read its head, the versions of the streams
        the group appends to and the commands it names: one round trip. Leaves the
        transaction open."""
        streams = sorted({stream for r in group for stream, _, _ in r.batch})
        keys = sorted({r.command for r in group if r.command is not None})
        found = read_under_lock(self._writer, self.community, LOCK, streams, keys)
        if found is None:
            self._has_row = False  # removed behind our back: made again on the next append
            raise ConcurrencyError(f"community {self.community!r} has no row")
        return found

    def _write(
        self,
        request: _Append,
        head: Head,
        versions: dict[str, int],
        used: dict[str, tuple[str, int, int]],
    ) -> list[Record]:
        """Write one append after ``head`` in the open transaction; the caller moves
        head and versions on once the write is known to stand."""
        db = self._writer
        if request.after is not None and request.after != head.size:
            raise ConcurrencyError(
                f"{self.community}: decided on {request.after} records, the log has {head.size}"
            )
        if request.command is not None and request.command in used:
            fingerprint, first, last = used[request.command]
            if fingerprint != request.fingerprint:
                raise KeyReused(request.command)
            rows = db.execute(
                f"SELECT {COLUMNS} FROM yishi_events WHERE community = %s"
                " AND seq BETWEEN %s AND %s ORDER BY seq",
                (self.community, first, last),
            ).fetchall()
            raise CommandRecorded(request.command, [stored_from_row(r) for r in rows])
        if len(request.batch) >= COPY_FROM:
            records, stored = self._copy(request, head, versions)
        else:
            records, stored, facts = make_records(
                request.batch, head, lambda stream: versions.get(stream, 0), request.command
            )
            self._insert(records)
            insert_facts(self._writer, self.community, facts)
        self._send(request, records)
        request.result = stored
        return records

    def _copy(
        self, request: _Append, head: Head, versions: dict[str, int]
    ) -> tuple[list[Record], list[StoredEvent]]:
        return copy_records(
            self._writer, self.community, request.batch, head, versions, request.command
        )

    def _send(self, request: _Append, records: Sequence[Record]) -> None:
        """After the rows of one append: its command's key and its ballots."""
        db = self._writer
        if request.command is not None:
            db.execute(
                INSERT_COMMAND,
                (
                    self.community,
                    request.command,
                    request.fingerprint,
                    records[0].seq,
                    records[-1].seq,
                ),
                prepare=True,
            )
        if request.sealed or request.opened:
            ballot_box.write(db, self.community, request.sealed, request.opened)

    def _insert(self, records: Sequence[Record]) -> None:
        community = self.community
        if len(records) == 1:
            self._writer.execute(INSERT_EVENT, (community, *records[0]), prepare=True)
            return
        self._writer.cursor().executemany(INSERT_EVENT, [(community, *r) for r in records])

    def _refusal(self, exc: BaseException, request: _Append) -> BaseException:
        def recorded(keys: list[str]) -> set[str]:
            # On the writer, still in the group's transaction when there is one: a
            # fact an earlier append of the group stated is not committed yet.
            rows = self._writer.execute(
                "SELECT key FROM yishi_facts WHERE community = %s AND key = ANY(%s)",
                (self.community, keys),
            ).fetchall()
            return {row[0] for row in rows}

        return refusal(exc, request.batch, recorded)

    def _reconnect(self) -> None:
        self._link.reconnect_writer()

    def close(self) -> None:
        if self._owns:
            self._link.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self.head().size
