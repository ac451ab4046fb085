"""The statements that put one community's records into the database.

:mod:`yishi_postgres.store` decides when and in which transaction; this module
says how the rows travel: a short group as one simple query (``one_string``),
a long batch by binary ``COPY`` (``copy_records``), and what the careful way
reads under the community's lock before it writes (``read_under_lock``). The
facts recorded once that the records state go into ``yishi_facts`` in the same
transaction, by every way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import psycopg
from psycopg import errors as pg_errors

from yishi.domain.uniqueness import keys_of
from yishi.store.base import Batch, ConcurrencyError, DuplicateFact, Head, StoredEvent
from yishi.store.chain import GENESIS
from yishi.store.records import Fact, Record, make_records, refused_fact
from yishi_postgres import ballot_box, schema
from yishi_postgres.reading import HEAD, RECORD_COLUMNS

COPY_FROM = 64  # batches this long go in with COPY rather than INSERT
INSERT_EVENTS = f"INSERT INTO yishi_events (community, {RECORD_COLUMNS}) VALUES "
ROW = "(%s, %s, %s, %s, %s, %s, %s, %s, %s)"
INSERT_EVENT = INSERT_EVENTS + ROW
# Binary: psycopg writes each value as it is, and the server reads it without
# parsing text escapes (client CPU for 5,000 rows: 3-6 ms against 6-9 ms as text).
COPY_EVENTS = f"COPY yishi_events (community, {RECORD_COLUMNS}) FROM STDIN (FORMAT BINARY)"
COPY_TYPES = ["text", "int8", "text", "int8", "text", "text", "text", "text", "text"]
COPY_CHUNK = 512  # records built and sent at a time
# Two arrays rather than a row of values per fact: one short statement however
# many facts (a stack of paper ballots may state hundreds), planned once.
INSERT_FACTS = (
    "INSERT INTO yishi_facts (community, key, seq)"
    " SELECT %s, key, seq FROM unnest(%s::text[], %s::int8[]) AS f(key, seq)"
)
INSERT_COMMAND = (
    "INSERT INTO yishi_commands (community, key, fingerprint, first, last)"
    " VALUES (%s, %s, %s, %s, %s)"
)


class Planned(Protocol):
    """What ``one_string`` needs of one append (the store's request)."""

    command: str | None
    fingerprint: str
    sealed: Sequence[tuple[str, str, int]]
    opened: Sequence[str]


def one_string(
    community: str,
    plans: Sequence[tuple[Planned, list[Record], list[StoredEvent], list[Fact]]],
    lock: str,
    notify: str,
) -> tuple[list[str], list[Any]]:
    """``BEGIN; lock; rows; facts; keys; ballots; COMMIT; notify`` for a group of
    appends, and the values to bind on the client side. Every row goes in one
    INSERT, and every fact in another: the server plans one statement, not one a row."""
    rows = [record for _, records, _, _ in plans for record in records]
    statements: list[str] = ["BEGIN", lock, INSERT_EVENTS + ", ".join([ROW] * len(rows))]
    values: list[Any] = [community]
    for record in rows:
        values += (community, *record)
    facts = [fact for *_, made in plans for fact in made]
    if facts:
        statements.append(INSERT_FACTS)
        values += fact_values(community, facts)
    for request, records, _, _ in plans:
        if request.command is not None:
            statements.append(INSERT_COMMAND)
            values += (community, request.command, request.fingerprint)
            values += (records[0].seq, records[-1].seq)
        for sql, args in ballot_box.statements(community, request.sealed, request.opened):
            statements.append(sql)
            values += args
    statements += ["COMMIT", notify]
    values += (schema.CHANNEL, community)
    return statements, values


def fact_values(community: str, facts: Sequence[Fact]) -> tuple[str, list[str], list[int]]:
    """The values of ``INSERT_FACTS``."""
    return community, [key for key, _ in facts], [seq for _, seq in facts]


def insert_facts(db: psycopg.Connection[Any], community: str, facts: Sequence[Fact]) -> None:
    """In the caller's transaction, after the records that state them."""
    if facts:
        db.execute(INSERT_FACTS, fact_values(community, facts), prepare=True)


def copy_records(
    db: psycopg.Connection[Any],
    community: str,
    batch: Batch,
    head: Head,
    versions: dict[str, int],
    command: str | None,
) -> tuple[list[Record], list[StoredEvent]]:
    """A long batch by binary ``COPY``, its records built a chunk at a time and
    each chunk sent as soon as it is built: the server files the rows of one
    chunk (four UNIQUE indexes) while this process hashes the next, on a
    second CPU. Building everything first and then copying did the two one
    after the other. A refusal while building (a stale version, an event that
    cannot be stored) aborts the COPY, and the transaction holds nothing.
    The facts follow the COPY in one statement."""
    moved: dict[str, int] = {}

    def current(stream: str) -> int:
        return moved[stream] if stream in moved else versions.get(stream, 0)

    records: list[Record] = []
    stored: list[StoredEvent] = []
    facts: list[Fact] = []
    with db.cursor().copy(COPY_EVENTS) as copy:
        copy.set_types(COPY_TYPES)
        for start in range(0, len(batch), COPY_CHUNK):
            chunk, done, stated = make_records(
                batch[start : start + COPY_CHUNK], head, current, command
            )
            for record in chunk:
                copy.write_row((community, *record))
            moved.update((r.stream, r.version) for r in chunk)
            head = Head(chunk[-1].seq, chunk[-1].hash)
            records += chunk
            stored += done
            facts += stated
    insert_facts(db, community, facts)
    return records, stored


def read_under_lock(
    db: psycopg.Connection[Any], community: str, lock: str, streams: list[str], keys: list[str]
) -> tuple[Head, dict[str, int], dict[str, tuple[str, int, int]]] | None:
    """BEGIN, lock the community, then read its head, the versions of ``streams``
    and the commands ``keys`` name: one round trip, the transaction left open.
    None when the community has no row to lock."""
    # Separate statements, not one: in READ COMMITTED a statement that waited
    # for the row lock re-reads the locked row but not the rest of its query,
    # so a head read in the same statement could predate the lock holder's
    # commit. Each later statement takes a fresh snapshot, after the lock.
    # No sync inside: leaving the pipeline sends the one Sync, and the results
    # are read after it.
    with db.pipeline():
        db.execute("BEGIN")
        locked = db.execute(lock, (community,), prepare=True)
        head = db.execute(HEAD, (community,), prepare=True)
        # max() per stream in a subquery, not GROUP BY: then it is one step down
        # the (community, stream, version) index, however long the stream is.
        found = db.execute(
            "SELECT s.stream, (SELECT max(version) FROM yishi_events e"
            "   WHERE e.community = %s AND e.stream = s.stream)"
            " FROM unnest(%s::text[]) AS s(stream)",
            (community, streams),
            prepare=True,
        )
        commands = db.execute(
            "SELECT key, fingerprint, first, last FROM yishi_commands"
            " WHERE community = %s AND key = ANY(%s)",
            (community, keys),
            prepare=True,
        )
    if locked.fetchone() is None:
        return None
    row = head.fetchone()
    versions = {stream: int(version) for stream, version in found.fetchall() if version}
    used = {key: (fp, first, last) for key, fp, first, last in commands.fetchall()}
    return (Head(0, GENESIS) if row is None else Head(row[0], row[1])), versions, used


def refusal(
    exc: BaseException, batch: Batch, recorded: Callable[[list[str]], set[str]]
) -> BaseException:
    """What a refused write means to the engine: the key of a fact recorded once
    is that fact's :class:`DuplicateFact` (``recorded`` says which of the batch's
    keys the log already holds); on a command's key or a position, someone else
    wrote first. Anything else is left as it is."""
    if not isinstance(exc, pg_errors.UniqueViolation):
        return exc
    # By table, not constraint: a partition's index has a name of its own.
    if (exc.diag.table_name or "").startswith("yishi_facts"):
        keys = [key for _, _, e in batch for key in keys_of(e)]
        return DuplicateFact(refused_fact(keys, recorded(keys).__contains__))
    constraint = exc.diag.constraint_name or ""
    if "commands" in constraint:
        return ConcurrencyError("idempotency key recorded concurrently")
    return ConcurrencyError(str(exc))
