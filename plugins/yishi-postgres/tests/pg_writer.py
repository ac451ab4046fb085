"""A writer process for test_concurrency.py: ``python pg_writer.py CONNINFO COMMUNITY DIR WRITER``.

Four threads share one store (so their appends are group-committed) and work
through a fixed plan of commands, each with its own idempotency key:

- ``own``: progress on the thread's own stream;
- ``shared``: progress on one stream every thread of every process races for
  (stale expected version: read again and retry);
- ``ballot``: a ballot for a voter every thread also tries to cast (exactly one
  may be recorded; the others are refused as duplicates).

A command counts as acknowledged when its line is in ``DIR/WRITER.acks``,
written with fsync only after ``append`` returned. Killed and started again,
the process skips acknowledged keys and retries the rest with the same key.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
import time
from pathlib import Path

from yishi.domain import events as ev
from yishi.store.base import CommandRecorded, ConcurrencyError, DuplicateFact
from yishi_postgres import PostgresStore

AT = dt.datetime(2026, 3, 1, 9, 0)
THREADS = 4
COMMANDS = 30  # per thread
VOTERS = 40
ACKS = threading.Lock()


def plan(writer: str, thread: int) -> list[tuple[str, str, int]]:
    """(key, kind, n) for one thread."""
    kinds = ("own", "shared", "ballot")
    return [(f"{writer}-t{thread}-{i}", kinds[i % 3], i) for i in range(COMMANDS)]


def events(kind: str, key: str, n: int, thread: int, writer: str) -> tuple[str, list[ev.Event]]:
    if kind == "ballot":
        voter = f"v{(n + thread) % VOTERS}"
        stream = "matter-vote"
        return stream, [
            ev.BallotCast(
                at=AT, actor=voter, matter="vote", meeting="m1", voter=voter, choice="yes"
            )
        ]
    stream = "matter-shared" if kind == "shared" else f"matter-{writer}t{thread}"
    text = ev.ProgressRecorded(at=AT, actor="clerk", matter=stream[7:], text=key)
    return stream, [text] * (1 + n % 2)


def run(store: PostgresStore, acks: Path, done: set[str], writer: str, thread: int) -> None:
    for key, kind, n in plan(writer, thread):
        if key in done:
            continue
        stream, batch = events(kind, key, n, thread, writer)
        while True:
            version = store.stream_version(stream)
            try:
                store.append(
                    [(stream, version + i, e) for i, e in enumerate(batch)],
                    command=key,
                    fingerprint=key,
                )
                outcome = "ok"
            except CommandRecorded:
                outcome = "ok"  # recorded before a kill, acknowledged now
            except DuplicateFact:
                outcome = "duplicate"
            except ConcurrencyError:
                time.sleep(0.001)
                continue
            break
        with ACKS, acks.open("a") as out:
            out.write(f"{key} {outcome}\n")
            out.flush()
            os.fsync(out.fileno())


def main() -> None:
    conninfo, community, folder, writer = sys.argv[1:5]
    acks = Path(folder) / f"{writer}.acks"
    done = {line.split()[0] for line in acks.read_text().splitlines()} if acks.exists() else set()
    store = PostgresStore(conninfo, community)
    threads = [
        threading.Thread(target=run, args=(store, acks, done, writer, t)) for t in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()


if __name__ == "__main__":
    main()
