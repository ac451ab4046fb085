"""Raw SQLite baselines for bench/engine.py: the same work without yishi.

``Minimal`` is what an independent engineer would write for an append-only
chained log: a table ``(id, stream, version, payload, hash)`` with only the
``(stream, version)`` key, WAL and ``synchronous=FULL``, and the SHA-256 chain
computed in Python **inside the timed loop** (each row's hash covers the
previous hash and the payload, as yishi's does). ``read_json_verify`` is the
raw replay: read every row, parse its JSON, recompute the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from yishi.domain import events as ev
from yishi.store.chain import canonical

T0 = dt.datetime(2026, 3, 2, 9, 0)
MINIMAL = """
CREATE TABLE IF NOT EXISTS events (
    id      INTEGER PRIMARY KEY,
    stream  TEXT NOT NULL,
    version INTEGER NOT NULL,
    payload TEXT NOT NULL,
    hash    BLOB NOT NULL,
    UNIQUE (stream, version)
);
"""
INSERT = "INSERT INTO events (id, stream, version, payload, hash) VALUES (?, ?, ?, ?, ?)"
# For ``Minimal(facts=True)``: one voter, one ballot, kept as yishi keeps it (a
# WITHOUT ROWID table of keys, store/layout.py), a third B-tree page a commit.
FACTS = (
    "CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID"
)
INSERT_FACT = "INSERT INTO facts (key, seq) VALUES (?, ?)"


class Tally:
    """Operations done and the wall time they took, added up over rounds."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.cpu = 0.0  # this process's CPU time (user + system) in the same windows

    def add(self, count: int, seconds: float, cpu: float = 0.0) -> None:
        self.count += count
        self.seconds += seconds
        self.cpu += cpu

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else float("inf")


def ballot_payload(seq: int) -> str:
    voter = f"v{seq % 100_000:05d}"
    event = ev.BallotCast(
        at=T0 + dt.timedelta(seconds=seq),
        actor=voter,
        matter="m00001",
        meeting=f"m00001-resolve-{seq // 100_000}",
        voter=voter,
        choice=("yes", "yes", "yes", "no", "abstain")[seq % 5],
    )
    return canonical(event.to_dict())


def ballot_key(seq: int) -> str:
    """The fact a ballot states (domain/uniqueness.py), for ``ballot_payload(seq)``."""
    return f"ballot/m00001-resolve-{seq // 100_000}/v{seq % 100_000:05d}"


def wal_frames(db: sqlite3.Connection, run: Callable[[], object], commits: int) -> float:
    """The WAL frames (pages) that each of ``run``'s ``commits`` commits wrote: the
    pages its fsync flushes. The WAL is emptied first and not checkpointed meanwhile."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA wal_autocheckpoint=0")
    try:
        run()
        frames = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
    finally:
        db.execute("PRAGMA wal_autocheckpoint=1000")
    return float(frames) / commits


class Minimal:
    """The minimal chained table, written by hand. With ``facts``, each row also
    states its ballot's key in a facts table: the guard that one voter casts one
    ballot, which yishi keeps and the minimal table does not."""

    def __init__(self, path: Path, prefill: int, facts: bool = False) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(MINIMAL)
        self.facts = facts
        if facts:
            self.db.execute(FACTS)
        self.seq = 0
        self.prev = b"\x00" * 32
        self.single = Tally()
        self.batched = Tally()  # 1,000 rows per transaction
        self.whole = Tally()  # one transaction for a bulk command's rows
        payloads = self.payloads(prefill)
        self.db.execute("BEGIN IMMEDIATE")
        rows = self.chain(payloads)
        self.db.executemany(INSERT, rows)
        if facts:
            self.db.executemany(INSERT_FACT, [(ballot_key(row[0]), row[0]) for row in rows])
        self.db.execute("COMMIT")

    def payloads(self, n: int) -> list[str]:
        return [ballot_payload(self.seq + i + 1) for i in range(n)]

    def chain(self, payloads: list[str]) -> list[tuple[Any, ...]]:
        """Rows with their hashes: SHA-256(prev || payload), in Python."""
        rows = []
        prev, sha = self.prev, hashlib.sha256
        for payload in payloads:
            self.seq += 1
            prev = sha(prev + payload.encode()).digest()
            rows.append((self.seq, "matter-m00001", self.seq, payload, prev))
        self.prev = prev
        return rows

    def one_per_transaction(
        self, n: int, work: Callable[[], object] | None = None, into: Tally | None = None
    ) -> list[float]:
        """One row per transaction, hashing included; returns each latency.

        ``work``, if given, runs before each row inside the timed loop (the
        Python a framework would do per command), and the figures go to ``into``
        rather than to ``single``: engine.py's ``cold_work``."""
        payloads, db, sha = self.payloads(n), self.db, hashlib.sha256
        facts = self.facts
        latencies = []
        clock = time.perf_counter
        cpu = time.process_time()
        start = clock()
        for payload in payloads:
            began = clock()
            if work is not None:
                work()
            self.seq += 1
            self.prev = sha(self.prev + payload.encode()).digest()
            db.execute("BEGIN IMMEDIATE")
            db.execute(INSERT, (self.seq, "matter-m00001", self.seq, payload, self.prev))
            if facts:
                db.execute(INSERT_FACT, (ballot_key(self.seq), self.seq))
            db.execute("COMMIT")
            latencies.append(clock() - began)
        (self.single if into is None else into).add(n, clock() - start, time.process_time() - cpu)
        return latencies

    def in_batches(self, n: int, batch: int = 1_000) -> None:
        payloads, db = self.payloads(n), self.db
        cpu = time.process_time()
        start = time.perf_counter()
        for at in range(0, n, batch):
            rows = self.chain(payloads[at : at + batch])
            db.execute("BEGIN IMMEDIATE")
            db.executemany(INSERT, rows)
            if self.facts:
                db.executemany(INSERT_FACT, [(ballot_key(row[0]), row[0]) for row in rows])
            db.execute("COMMIT")
        (self.batched if batch == 1_000 else self.whole).add(
            n, time.perf_counter() - start, time.process_time() - cpu
        )

    def close(self) -> None:
        self.db.close()


def read_json_verify(path: Path) -> tuple[int, float]:
    """Raw replay of a yishi log: every row read, its JSON parsed, its hash
    recomputed the way docs/integrity.md says and compared. (rows, seconds)."""
    db = sqlite3.connect(path)
    sha, loads = hashlib.sha256, json.loads
    count, prev = 0, "0" * 64
    start = time.perf_counter()
    for seq, stream, version, payload, command, digest in db.execute(
        "SELECT seq, stream, version, payload, command, hash FROM events ORDER BY seq"
    ):
        loads(payload)
        text = (
            f'{{"command":{json.dumps(command, ensure_ascii=False)},"event":{payload},'
            f'"prev":"{prev}","seq":{seq},"stream":{json.dumps(stream, ensure_ascii=False)},'
            f'"version":{version}}}'
        )
        prev = sha(b"\x00" + text.encode()).hexdigest()
        if prev != digest:
            raise AssertionError(f"record {seq} does not match")
        count += 1
    seconds = time.perf_counter() - start
    db.close()
    return count, seconds
