"""The embedded event log: one SQLite file, standard library only.

WAL journal with ``synchronous=FULL`` by default, so an acknowledged append
survives a power cut where the disk honours fsync (docs/integrity.md explains
the choice and how to change it). Writers serialise on ``BEGIN IMMEDIATE``;
every invariant that matters is also a UNIQUE constraint, so no interleaving of
processes can fork the chain, reuse a stream version or count a ballot twice.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from yishi.domain.events import event_from_dict
from yishi.store import ballot_box
from yishi.store.base import (
    Batch,
    CommandRecorded,
    ConcurrencyError,
    DuplicateFact,
    Head,
    HookFailure,
    KeyReused,
    StoredEvent,
)
from yishi.store.chain import GENESIS
from yishi.store.evidence import EvidenceStore
from yishi.store.layout import COLUMNS as LAYOUT_COLUMNS
from yishi.store.layout import SCHEMA, prepare
from yishi.store.locked import typed_locks
from yishi.store.records import make_records, refused_fact
from yishi.store.writer_lock import WriterLock

__all__ = ["SCHEMA", "SQLiteStore"]

SYNC_MODES = ("NORMAL", "FULL", "EXTRA")
COLUMNS = "seq, stream, version, payload, hash, prev, command"
# A row exactly as stored and hashed, in the order of ``records.Record``.
RECORD_COLUMNS = LAYOUT_COLUMNS
INSERT_EVENTS = f"INSERT INTO events ({RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_FACTS = "INSERT INTO facts (key, seq) VALUES (?, ?)"


@typed_locks(
    "__init__",
    "append",
    "begin_write",
    "write",
    "commit_write",
    "sealed_ballots",
    "head",
    "stream_version",
    "read_all",
    "read_stream",
    "payloads_of",
    "raw_records",
    "raw_facts",
    "raw_commands",
    "recorded",
    "integrity_check",
    "record_hook_failure",
    "hook_failures",
    "hook_retried",
)
class SQLiteStore:
    """An event log in one SQLite file; evidence files go in ``evidence/`` beside it.

    SQLite's "database is locked" reaches callers as :class:`~yishi.store.locked.StoreLocked`."""

    def __init__(
        self,
        path: str | Path,
        *,
        synchronous: str = "FULL",
        busy_timeout: float = 30.0,
        evidence: str | Path | None = None,
    ) -> None:
        mode = synchronous.upper()
        if mode not in SYNC_MODES:
            raise ValueError(
                f"synchronous must be one of {', '.join(SYNC_MODES)}, not {synchronous!r}"
            )
        self.path = Path(path)
        self.synchronous = mode
        self.evidence: EvidenceStore | None = EvidenceStore(
            evidence if evidence is not None else self.path.parent / "evidence"
        )
        # Autocommit mode: transactions are opened explicitly, so that a write
        # takes the lock up front (BEGIN IMMEDIATE) rather than upgrading late.
        self._db = sqlite3.connect(
            self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={mode}")
        self._db.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        try:
            self.upgraded_from = prepare(self._db, str(self.path))
        except BaseException:
            self._db.close()
            raise
        self._turn = WriterLock(self.path, busy_timeout)  # fair hand-over between processes
        # ``PRAGMA data_version`` when this connection last looked at the log:
        # it changes only when another connection commits (see ``begin_write``).
        self._seen: int | None = None
        self._box_written = False  # the open transaction wrote to the ballot box
        self._db.execute("PRAGMA secure_delete=ON")  # an opened ballot box leaves zeros
        self._db.executescript(ballot_box.SCHEMA)
        ballot_box.after_open(self._db)

    # -- writing -----------------------------------------------------------

    def append(
        self,
        batch: Batch,
        *,
        command: str | None = None,
        fingerprint: str = "",
        sealed: Sequence[tuple[str, str, int]] = (),
        opened: Sequence[str] = (),
    ) -> list[StoredEvent]:
        """``sealed`` and ``opened`` go to the ballot box (store/ballot_box.py),
        in the same transaction as the records."""
        if not batch:
            return []
        self.begin_write()
        try:
            stored = self.write(
                batch, self._head(), self._version, command, fingerprint, sealed, opened
            )
        except BaseException:
            self.rollback_write()
            raise
        self.commit_write()
        return stored

    # -- the write transaction, for group commit (docs/integrity.md §3) ----------
    #
    # ``begin_write`` takes the write lock; ``write`` may be called for many
    # commands before one ``commit_write`` makes them all durable with one fsync.
    # The caller holds ``write_lock`` from ``begin_write`` to the commit or
    # rollback, so other threads sharing this store wait rather than interleave.

    @property
    def write_lock(self) -> threading.RLock:
        return self._lock

    def begin_write(self) -> bool:
        """``BEGIN IMMEDIATE``; True when another connection (another process,
        or another store on the same file) committed since this one last looked,
        so that the caller must read those records before deciding."""
        self._lock.acquire()
        try:
            self._turn.acquire()
        except BaseException:
            self._lock.release()
            raise
        try:
            self._db.execute("BEGIN IMMEDIATE")
            seen = self._db.execute("PRAGMA data_version").fetchone()[0]
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            self._release()
            raise
        changed, self._seen = seen != self._seen, seen
        return changed

    def write(
        self,
        batch: Batch,
        head: Head,
        current_version: Callable[[str], int],
        command: str | None = None,
        fingerprint: str = "",
        sealed: Sequence[tuple[str, str, int]] = (),
        opened: Sequence[str] = (),
    ) -> list[StoredEvent]:
        """Insert one command's events inside the open write transaction, chained
        after ``head``, and its ``sealed``/``opened`` ballots into the ballot box.
        On any error the transaction holds nothing of them."""
        db = self._db
        if command is not None:
            self._check_command(command, fingerprint)
        records, stored, facts = make_records(batch, head, current_version, command)
        # A failed command must leave the transaction as it found it: the group's
        # other commands go on in it. The records and facts alone are taken back
        # by hand, by their seqs and keys, which costs nothing when all goes well;
        # a savepoint (two more statements a command) only where other tables join.
        savepoint = command is not None or bool(sealed or opened)
        if savepoint:
            db.execute("SAVEPOINT command")
        try:
            db.executemany(INSERT_EVENTS, records)
            if facts:
                db.executemany(INSERT_FACTS, facts)
            if command is not None:
                db.execute(
                    "INSERT INTO commands (key, fingerprint, first, last) VALUES (?, ?, ?, ?)",
                    (command, fingerprint, records[0].seq, records[-1].seq),
                )
            if sealed or opened:
                ballot_box.write(db, sealed, opened)
        except sqlite3.IntegrityError as exc:
            self._take_back(savepoint, records[0].seq, facts)
            raise self._integrity(exc, batch) from exc
        except BaseException:
            if db.in_transaction:
                self._take_back(savepoint, records[0].seq, facts)
            raise
        if savepoint:
            db.execute("RELEASE command")
        if sealed or opened:
            self._box_written = True
        return stored

    def _take_back(self, savepoint: bool, first: int, facts: Sequence[tuple[str, int]]) -> None:
        """Undo what ``write`` inserted of one command, inside the open transaction.
        ``executemany`` undoes only the row it failed on, not the rows before it."""
        db = self._db
        if savepoint:
            db.execute("ROLLBACK TO command")
            db.execute("RELEASE command")
            return
        db.execute("DELETE FROM events WHERE seq >= ?", (first,))
        if facts:  # by key: the facts table has no index on seq
            db.executemany("DELETE FROM facts WHERE key = ? AND seq = ?", facts)

    def commit_write(self) -> None:
        """``COMMIT``: one fsync for everything written since ``begin_write``.
        Ends the transaction whatever happens (a failed commit is rolled back)."""
        box, self._box_written = self._box_written, False
        try:
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        finally:
            self._release()
        if box:  # the WAL holds the box's pages in the order cast: fold it into the file
            with self._lock:
                ballot_box.fold_wal(self._db)

    def rollback_write(self) -> None:
        """Undo whatever the open write transaction holds, if anything is open."""
        self._box_written = False
        try:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
        finally:
            self._release()

    def _release(self) -> None:
        try:
            self._turn.release()
        finally:
            self._lock.release()

    def sealed_ballots(self, meeting: str) -> list[str]:
        """The sealed ballots of a meeting not yet closed, sorted (never in cast order)."""
        with self._lock:
            return ballot_box.read(self._db, meeting)

    def _check_command(self, command: str, fingerprint: str) -> None:
        found = self._recorded(command)
        if found is None:
            return
        if found[0] != fingerprint:
            raise KeyReused(command)
        raise CommandRecorded(command, found[1])

    def _integrity(self, exc: sqlite3.IntegrityError, batch: Batch) -> Exception:
        text = str(exc)
        if "facts.key" in text:
            from yishi.domain.uniqueness import keys_of

            keys = [key for _, _, e in batch for key in keys_of(e)]
            return DuplicateFact(refused_fact(keys, self._once_taken))
        if "commands.key" in text:
            return ConcurrencyError("idempotency key recorded concurrently")
        return ConcurrencyError(text)

    def _once_taken(self, key: str) -> bool:
        row = self._db.execute("SELECT 1 FROM facts WHERE key = ?", (key,)).fetchone()
        return row is not None

    # -- reading -----------------------------------------------------------

    def _head(self) -> Head:
        row = self._db.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return Head(0, GENESIS) if row is None else Head(row[0], row[1])

    def head(self) -> Head:
        with self._lock:
            return self._head()

    def _version(self, stream: str) -> int:
        row = self._db.execute(
            "SELECT max(version) FROM events WHERE stream = ?", (stream,)
        ).fetchone()
        return row[0] or 0

    def stream_version(self, stream: str) -> int:
        with self._lock:
            return self._version(stream)

    def read_all(self, after: int = 0) -> Iterator[StoredEvent]:
        for chunk in self._chunks(f"SELECT {COLUMNS} FROM events", after):
            yield from map(_stored, chunk)

    def _chunks(
        self, select: str, after: int, size: int = 4096, params: tuple[object, ...] = ()
    ) -> Iterator[list[tuple]]:
        """Rows after ``after`` by keyset pages, taking the lock per page only, so
        a slow reader (a million-event replay) never blocks a writer for long.
        A ``select`` ending in ``AND`` has its own conditions (with ``params``)."""
        where = "" if select.endswith(" AND") else " WHERE"
        while True:
            with self._lock:
                chunk = self._db.execute(
                    f"{select}{where} seq > ? ORDER BY seq LIMIT ?", (*params, after, size)
                ).fetchall()
            if not chunk:
                return
            yield chunk
            after = chunk[-1][0]

    def read_stream(self, stream: str) -> Iterator[StoredEvent]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {COLUMNS} FROM events WHERE stream = ? ORDER BY version", (stream,)
            ).fetchall()
        return map(_stored, rows)

    def payloads_of(self, types: Collection[str]) -> Iterator[str]:
        """The payloads of the records of these event types, in order, unparsed:
        SQLite scans its ``type`` column, and nothing else is decoded."""
        marks = ", ".join("?" * len(types))
        for chunk in self._chunks(
            f"SELECT seq, payload FROM events WHERE type IN ({marks}) AND", 0, params=tuple(types)
        ):
            for _, payload in chunk:
                yield payload

    def raw_records(self) -> Iterator[tuple[object, ...]]:
        """Rows as stored, unparsed: for ``verify``, which must survive any damage."""
        for chunk in self._chunks(f"SELECT {RECORD_COLUMNS} FROM events", 0):
            yield from chunk

    def raw_facts(self) -> Iterator[tuple[object, ...]]:
        """The facts recorded once as stored, ``(seq, key)`` by seq then key: for
        ``verify``, which holds them to the records that state them."""
        with self._lock:
            rows = self._db.execute("SELECT seq, key FROM facts ORDER BY seq, key").fetchall()
        return iter(rows)

    def raw_commands(self) -> list[tuple[object, ...]]:
        with self._lock:
            return self._db.execute("SELECT key, fingerprint, first, last FROM commands").fetchall()

    def _recorded(self, command: str) -> tuple[str, list[StoredEvent]] | None:
        row = self._db.execute(
            "SELECT fingerprint, first, last FROM commands WHERE key = ?", (command,)
        ).fetchone()
        if row is None:
            return None
        rows = self._db.execute(
            f"SELECT {COLUMNS} FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq", row[1:]
        ).fetchall()
        return row[0], [_stored(r) for r in rows]

    def recorded(self, command: str) -> tuple[str, list[StoredEvent]] | None:
        with self._lock:
            return self._recorded(command)

    def integrity_check(self) -> str:
        with self._lock:
            return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    # -- after-commit hook failures ------------------------------------------

    def record_hook_failure(
        self, plugin: str, hook: str, first: int, last: int, error: str, at: dt.datetime
    ) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO hook_failures (plugin, hook, first, last, error, at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (plugin, hook, first, last, error, at.isoformat()),
            )

    def hook_failures(self) -> list[HookFailure]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, plugin, hook, first, last, error, attempts, at"
                " FROM hook_failures ORDER BY id"
            ).fetchall()
        return [HookFailure(*row) for row in rows]

    def hook_retried(self, failure: HookFailure, error: str | None) -> None:
        with self._lock:
            if error is None:
                self._db.execute("DELETE FROM hook_failures WHERE id = ?", (failure.id,))
            else:
                self._db.execute(
                    "UPDATE hook_failures SET attempts = attempts + 1, error = ? WHERE id = ?",
                    (error, failure.id),
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._turn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self.head().size


def _stored(row: tuple[int, str, int, str, str, str, str | None]) -> StoredEvent:
    seq, stream, version, payload, digest, prev, command = row
    return StoredEvent(
        seq, stream, version, event_from_dict(_loads(payload)), digest, prev, command
    )


_raw_decode = json.JSONDecoder().raw_decode


def _loads(payload: str) -> Any:
    """``json.loads`` for a payload we wrote: canonical JSON, one object, no
    surrounding whitespace. ``raw_decode`` skips ``loads``' wrappers (two regex
    matches and three calls), which are half of what parsing a row costs in a
    replay; anything else falls back to ``json.loads`` and its errors."""
    try:
        value, end = _raw_decode(payload)
        if end == len(payload):
            return value
    except (ValueError, TypeError):
        pass
    return json.loads(payload)
