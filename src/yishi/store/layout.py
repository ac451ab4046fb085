"""The SQLite log's table layout, its version, and the upgrade of older files.

The layout is versioned with SQLite's own ``PRAGMA user_version``:

- 0: a log written before layouts had a version (yishi ≤ 2026-11): UNIQUE
  indexes on ``prev`` and ``hash`` and on ``once`` for every row;
- 2: the lean layout: only the keys that guard correctness. ``(stream,
  version)`` backs optimistic concurrency and ``once`` (one ballot per member,
  one check-in per person) is a partial UNIQUE index over the rows that carry a
  key. The chain's integrity is the hash chain's job, checked by ``verify``;
  ``seq`` being the primary key already makes a fork impossible;
- 3: the facts recorded once move out of the ``events`` row into their own
  table, ``facts (key PRIMARY KEY, seq)``, one row per fact. A stack of paper
  ballots is one record that states one fact per voter, which a column of the
  record cannot hold under one UNIQUE key; the facts table holds any number,
  and a key is refused whichever record, or how many, stated it before. It is
  keyed on the key alone (``WITHOUT ROWID``): one B-tree, as the old index was.

The record format and its hash (docs/integrity.md §2) are the same in every
layout: an upgraded log has the same head, byte for byte.

Opening a log of an older layout upgrades it in place, in one transaction: a
crash or a refusal part-way leaves the old layout untouched. A log of a newer
layout than this yishi knows is refused, never written.
"""

from __future__ import annotations

import sqlite3

from yishi.store.base import StoreError

LAYOUT = 3

EVENTS = """
CREATE TABLE IF NOT EXISTS events (
    seq      INTEGER PRIMARY KEY,
    stream   TEXT NOT NULL,
    version  INTEGER NOT NULL,
    type     TEXT NOT NULL,
    payload  TEXT NOT NULL,
    command  TEXT,
    prev     TEXT NOT NULL,
    hash     TEXT NOT NULL,
    UNIQUE (stream, version)
);
CREATE TABLE IF NOT EXISTS facts (
    key TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
) WITHOUT ROWID;
"""
OTHERS = """
CREATE TABLE IF NOT EXISTS commands (
    key         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    first       INTEGER NOT NULL,
    last        INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS hook_failures (
    id       INTEGER PRIMARY KEY,
    plugin   TEXT NOT NULL,
    hook     TEXT NOT NULL,
    first    INTEGER NOT NULL,
    last     INTEGER NOT NULL,
    error    TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    at       TEXT NOT NULL
);
"""
SCHEMA = EVENTS + OTHERS
COLUMNS = "seq, stream, version, type, payload, command, prev, hash"


class LayoutError(StoreError):
    """The file's layout is newer than this yishi, or is not a yishi log's."""

    def __init__(self, path: str, found: int) -> None:
        super().__init__(
            f"{path}: log layout {found}; this yishi writes layout {LAYOUT}. "
            "Upgrade yishi to open it."
        )
        self.path = path
        self.found = found


def layout_of(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def prepare(db: sqlite3.Connection, path: str) -> int:
    """Create the tables of a new log, or upgrade an old one; returns the layout
    found before (``LAYOUT`` when nothing was done). Runs in its own transaction."""
    found = layout_of(db)
    if found == LAYOUT:
        return found
    if found > LAYOUT:
        raise LayoutError(path, found)
    db.execute("BEGIN IMMEDIATE")
    try:
        found = layout_of(db)  # another process may have upgraded it while we waited
        if found in (0, 2) and _has_events(db):
            _upgrade(db)
        elif found != LAYOUT:
            for statement in _statements(SCHEMA):
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {LAYOUT}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return found


def _has_events(db: sqlite3.Connection) -> bool:
    row = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'")
    return row.fetchone() is not None


def _upgrade(db: sqlite3.Connection) -> None:
    """Copy the rows into the new table, and each row's ``once`` into ``facts``.

    SQLite cannot drop a UNIQUE constraint or an indexed column in place, so the
    table is rebuilt; every column is copied as stored (a damaged row stays
    damaged, for ``verify`` to report), and the row count is checked before the
    swap. Two rows with one key (only a damaged file has them) refuse the upgrade,
    as the old index would have refused the second row."""
    db.execute("ALTER TABLE events RENAME TO events_old")
    # The old table's indexes go with it; the new one gets its own.
    for statement in _statements(EVENTS):
        db.execute(statement)
    db.execute(f"INSERT INTO events ({COLUMNS}) SELECT {COLUMNS} FROM events_old ORDER BY seq")
    db.execute(
        "INSERT INTO facts (key, seq) SELECT once, seq FROM events_old WHERE once IS NOT NULL"
    )
    before = db.execute("SELECT count(*) FROM events_old").fetchone()[0]
    after = db.execute("SELECT count(*) FROM events").fetchone()[0]
    if before != after:  # pragma: no cover - SQLite copies every row or raises
        raise StoreError(f"upgrade copied {after} of {before} records")
    db.execute("DROP TABLE events_old")
    for statement in _statements(OTHERS):
        db.execute(statement)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
