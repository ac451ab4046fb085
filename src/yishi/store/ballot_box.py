"""The ballot box of secret votes: kept apart from the log, pairing no one.

A secret ballot entered one by one is split by the domain
(:mod:`yishi.domain.secrecy`): the register entry goes into the log, the choice
into this box. A store that keeps a box accepts ``sealed`` and ``opened`` in
``append`` and writes them **in the same transaction** as the log records, so
an acknowledged ballot survives a crash together with its register entry:

- ``sealed``: ``(meeting, ballot, capacity)`` to put in the box;
- ``opened``: meetings whose box was opened by this append (the ballots are now
  in the log as one sorted record) — their rows are deleted.

**Why slots.** SQLite writes a new row's bytes next to the rows inserted before
it, whatever its key: a table of ballots inserted one by one keeps them in the
file in the order they were cast (tests/test_secret_ballots.py found exactly
that). So the box is laid out in advance: when a meeting's first secret ballot
arrives, the store creates empty slots — as many as the meeting could still
receive, twice over — each keyed by 16 random bytes and holding a fixed-size
blob of zeros. A ballot is written, padded to the same size, into a slot drawn
uniformly at random among the empty ones; SQLite overwrites a row of the same
size in place, so the file's layout never changes with the order of casting.
There is no rowid, time, sequence or voter in the box.

The store runs with ``secure_delete`` (deleted rows are overwritten with zeros)
and folds the write-ahead log back into the file and truncates it after each
box write (best effort: a reader holding an old snapshot can make it wait for
the next write), because until then the WAL holds page images in commit order.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
from collections.abc import Sequence

SLOT = 512  # bytes per slot: a sealed ballot is at most domain.secrecy.MAX_SEALED
EMPTY = bytes(SLOT)

SCHEMA = """
CREATE TABLE IF NOT EXISTS ballot_box (
    meeting TEXT NOT NULL,
    token   BLOB NOT NULL,
    ballot  BLOB NOT NULL,
    PRIMARY KEY (meeting, token)
) WITHOUT ROWID;
"""


def supports(store: object) -> bool:
    """Whether ``store`` keeps a ballot box (a plugin's store may not)."""
    return callable(getattr(store, "sealed_ballots", None))


def write(
    db: sqlite3.Connection, sealed: Sequence[tuple[str, str, int]], opened: Sequence[str]
) -> None:
    """Inside the caller's transaction."""
    for meeting, ballot, capacity in sealed:
        data = ballot.encode()
        if len(data) > SLOT or not data:
            raise ValueError(f"a sealed ballot takes 1 to {SLOT} bytes, not {len(data)}")
        free = db.execute(
            "SELECT count(*) FROM ballot_box WHERE meeting = ? AND ballot = ?", (meeting, EMPTY)
        ).fetchone()[0]
        if free == 0:
            db.executemany(
                "INSERT INTO ballot_box (meeting, token, ballot) VALUES (?, ?, ?)",
                [(meeting, secrets.token_bytes(16), EMPTY) for _ in range(max(capacity, 16))],
            )
            free = max(capacity, 16)
        (token,) = db.execute(
            "SELECT token FROM ballot_box WHERE meeting = ? AND ballot = ? "
            "ORDER BY token LIMIT 1 OFFSET ?",
            (meeting, EMPTY, secrets.randbelow(free)),
        ).fetchone()
        db.execute(
            "UPDATE ballot_box SET ballot = ? WHERE meeting = ? AND token = ?",
            (data.ljust(SLOT, b"\0"), meeting, token),
        )
    for meeting in opened:
        db.execute("DELETE FROM ballot_box WHERE meeting = ?", (meeting,))


def read(db: sqlite3.Connection, meeting: str) -> list[str]:
    rows = db.execute(
        "SELECT ballot FROM ballot_box WHERE meeting = ? AND ballot != ?", (meeting, EMPTY)
    ).fetchall()
    return sorted(bytes(r[0]).rstrip(b"\0").decode() for r in rows)


def fold_wal(db: sqlite3.Connection) -> None:
    """Empty the WAL after a box write, so it keeps no order of ballots."""
    # Busy (a reader holds an old snapshot): the next box write or the close tries again.
    with contextlib.suppress(sqlite3.OperationalError):
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def after_open(db: sqlite3.Connection) -> None:
    """A crash between a ballot's commit and its checkpoint left its pages in the
    WAL: fold them in as soon as the file is opened again."""
    if db.execute("SELECT 1 FROM ballot_box LIMIT 1").fetchone() is not None:
        fold_wal(db)
