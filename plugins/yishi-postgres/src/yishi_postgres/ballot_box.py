"""The ballot box of secret votes on PostgreSQL: one row per open meeting.

The SQLite store lays out fixed-size slots and overwrites one in place per
ballot (``yishi/store/ballot_box.py``). That cannot work here: PostgreSQL never
overwrites a row in place. An UPDATE writes a new row version wherever there is
room, so the physical order (``ctid``) of the filled slots would follow the
casting order; and every row version carries the id of the transaction that
wrote it (``xmin``), which is also the transaction of the ballot's register entry
in ``yishi_events``. A query joining the two on ``xmin`` would pair every voter
with their ballot.

So a meeting's box is **one row**: the ballots as a multiset, a ``jsonb`` object
of ballot → count. ``jsonb`` keeps an object's keys in its own sorted order,
never in insertion order. Each sealed ballot adds one to its count in the same
transaction as its register entry (atomic, and as durable as the append). The row
then tells, through SQL or a dump, only what the SQLite box tells: the ballots so
far, without voters; its ``xmin`` names only the transaction of the *latest*
ballot, whose voter the register's times already show, and not which ballot was
theirs. Opening the box deletes the row in the append that puts the sorted
ballots in the log, then vacuums the table (best effort) so the dead versions
leave the table's visible pages.

What this does not hide (docs/integrity.md §8): PostgreSQL keeps earlier row
versions in its data files until they are vacuumed and reused, and every change
in its write-ahead log (and in WAL archives, physical backups and streaming
replicas) in commit order. Whoever reads the server's files rather than the
database can compare consecutive versions of the box and pair each ballot with
the register entry of its transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import psycopg

SLOT = 512  # bytes a sealed ballot may take, as in the SQLite box (domain.secrecy.MAX_SEALED)

TABLE = """
CREATE TABLE IF NOT EXISTS yishi_ballot_box (
    community text  NOT NULL,
    meeting   text  NOT NULL,
    ballots   jsonb NOT NULL,
    CONSTRAINT yishi_ballot_box_meeting PRIMARY KEY (community, meeting)
);
"""

_ADD = (
    "INSERT INTO yishi_ballot_box AS box (community, meeting, ballots)"
    " VALUES (%s, %s, jsonb_build_object(%s::text, 1))"
    " ON CONFLICT (community, meeting) DO UPDATE SET ballots = box.ballots"
    " || jsonb_build_object(%s::text, coalesce((box.ballots ->> %s::text)::bigint, 0) + 1)"
)
_OPEN = "DELETE FROM yishi_ballot_box WHERE community = %s AND meeting = ANY(%s)"


def write(
    db: psycopg.Connection[Any],
    community: str,
    sealed: Sequence[tuple[str, str, int]],
    opened: Sequence[str],
) -> None:
    """Inside the caller's transaction (or savepoint): one statement per ballot,
    no read, so it runs in a pipeline. Every ballot is checked before the first
    statement is sent."""
    for _meeting, ballot, _capacity in sealed:
        size = len(ballot.encode())
        if size > SLOT or not size:
            raise ValueError(f"a sealed ballot takes 1 to {SLOT} bytes, not {size}")
    for sql, args in statements(community, sealed, opened):
        db.execute(sql, args, prepare=True)


def statements(
    community: str, sealed: Sequence[tuple[str, str, int]], opened: Sequence[str]
) -> list[tuple[str, tuple[Any, ...]]]:
    """What ``write`` runs, as (SQL, values), for a caller that sends them itself."""
    found: list[tuple[str, tuple[Any, ...]]] = [
        (_ADD, (community, meeting, ballot, ballot, ballot)) for meeting, ballot, _ in sealed
    ]
    if opened:
        found.append((_OPEN, (community, list(opened))))
    return found


def fits(sealed: Sequence[tuple[str, str, int]]) -> bool:
    """Whether every sealed ballot fits a slot (``write`` refuses one that does not)."""
    return all(0 < len(ballot.encode()) <= SLOT for _meeting, ballot, _capacity in sealed)


def read(db: psycopg.Connection[Any], community: str, meeting: str) -> list[str]:
    row = db.execute(
        "SELECT ballots FROM yishi_ballot_box WHERE community = %s AND meeting = %s",
        (community, meeting),
    ).fetchone()
    if row is None:
        return []
    return sorted(ballot for ballot, count in row[0].items() for _ in range(int(count)))


def vacuum(db: psycopg.Connection[Any]) -> None:
    """After a box was opened: drop the dead versions of its row (on an autocommit
    connection; a reader holding an old snapshot keeps them until the next time)."""
    with contextlib.suppress(psycopg.Error):
        db.execute("VACUUM yishi_ballot_box")
