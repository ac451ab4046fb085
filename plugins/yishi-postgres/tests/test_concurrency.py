"""Concurrent writers on PostgreSQL: kills, group commit, and readers that tail (T11, T15).

Never asserts on timing.
"""

from __future__ import annotations

import collections
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

from yishi.domain import events as ev
from yishi.store.verify import verify_store
from yishi_postgres import PostgresStore
from yishi_postgres.tail import Tail

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import pg_writer  # noqa: E402

WRITERS = 3
KILLS = 6
JOIN_TIMEOUT = 600  # generous for a loaded machine; never a pass criterion


def _start(pg: str, community: str, folder: Path, writer: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(HERE / "pg_writer.py"), pg, community, str(folder), writer]
    )


def test_writers_killed_at_random_lose_nothing_acknowledged_and_double_nothing(
    pg: str, community: str, tmp_path: Path
) -> None:
    PostgresStore(pg, community).close()  # the tables exist before the race
    rng = random.Random(community)
    names = [f"w{n}" for n in range(WRITERS)]
    procs = {name: _start(pg, community, tmp_path, name) for name in names}
    kills = 0
    while kills < KILLS and any(p.poll() is None for p in procs.values()):
        time.sleep(rng.uniform(0.05, 0.4))
        name = rng.choice(names)
        if procs[name].poll() is None:
            procs[name].send_signal(signal.SIGKILL)
            procs[name].wait()
            kills += 1
            procs[name] = _start(pg, community, tmp_path, name)
    for name in names:  # each finishes its plan, started again if it died
        while procs[name].wait(timeout=JOIN_TIMEOUT) != 0:
            procs[name] = _start(pg, community, tmp_path, name)

    acked: dict[str, str] = {}
    for name in names:
        for line in (tmp_path / f"{name}.acks").read_text().splitlines():
            key, outcome = line.split()
            assert acked.setdefault(key, outcome) == outcome, key  # a key has one answer
    planned = {
        key
        for name in names
        for t in range(pg_writer.THREADS)
        for key, _, _ in pg_writer.plan(name, t)
    }
    assert set(acked) == planned

    store = PostgresStore(pg, community)
    try:
        commands = {row[0]: row for row in store.raw_commands()}
        # Nothing acknowledged is lost; nothing refused was written.
        assert {k for k, o in acked.items() if o == "ok"} == set(commands)
        events = list(store.read_all())
        # Nothing doubled: every record belongs to exactly one command, once.
        by_command = collections.Counter(e.command for e in events)
        for key, (_, _, first, last) in commands.items():
            assert by_command[key] == last - first + 1
        assert sum(by_command.values()) == len(events)
        progress = collections.Counter(
            e.event.text for e in events if isinstance(e.event, ev.ProgressRecorded)
        )
        assert all(count in (1, 2) for count in progress.values())
        ballots = [e.event.voter for e in events if isinstance(e.event, ev.BallotCast)]
        assert sorted(ballots) == sorted(set(ballots))  # one ballot per voter
        voters = {
            e[0].voter
            for name in names
            for t in range(pg_writer.THREADS)
            for key, kind, n in pg_writer.plan(name, t)
            if kind == "ballot" and (e := pg_writer.events(kind, key, n, t, name)[1])
        }
        assert set(ballots) == voters  # every voter someone tried for has one ballot
        ballot_keys = {e.command for e in events if isinstance(e.event, ev.BallotCast)}
        assert ballot_keys == {k for k in commands if k in ballot_keys}
        assert len(ballot_keys) == len(ballots)
        assert verify_store(store).ok
    finally:
        store.close()


def test_appends_from_many_threads_share_commits(pg: str, community: str) -> None:
    store = PostgresStore(pg, community)
    barrier = threading.Barrier(8)

    def write(n: int) -> None:
        barrier.wait()
        for i in range(25):
            event = ev.ProgressRecorded(at=pg_writer.AT, actor="clerk", matter=f"m{n}", text=str(i))
            store.append([(f"matter-m{n}", i, event)])

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert store.head().size == 200
        assert store.transactions < 200  # some commits carried more than one append
        assert verify_store(store).ok
    finally:
        store.close()


def test_tailing_readers_see_every_event_once_in_order(pg: str, community: str) -> None:
    """T15: writers in separate sessions race while two readers follow the log, one
    in pages of ten, as the disclosure generator and an observer plugin do."""
    PostgresStore(pg, community).close()
    per_writer, writers = 60, 8
    total = per_writer * writers
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with PostgresStore(pg, community) as store:
                for i in range(per_writer):
                    event = ev.ProgressRecorded(
                        at=pg_writer.AT, actor="c", matter=f"t{n}", text=str(i)
                    )
                    store.append([(f"matter-t{n}", i, event)])
        except BaseException as exc:
            errors.append(exc)

    with Tail(pg, community) as fast, Tail(pg, community, page=10) as paged:
        seen: dict[Tail, list[int]] = {fast: [], paged: []}
        threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + JOIN_TIMEOUT
        while time.monotonic() < deadline:
            writing = any(t.is_alive() for t in threads)
            for tail, positions in seen.items():
                positions += [s.position for s in tail.wait(timeout=0.2)]
            if not writing:  # everything is committed: one more read takes the rest
                for tail, positions in seen.items():
                    positions += [s.position for s in tail.poll()]
                break
        for t in threads:
            t.join()
    assert errors == []
    for positions in seen.values():
        assert positions == list(range(1, total + 1))  # none missed, none twice, in order


def test_an_append_waits_for_the_one_before_it_to_commit(pg: str, community: str) -> None:
    """Why the tail may read by position: while one append is between its INSERT
    and its COMMIT, the next append of the same community waits, so the higher
    position can never be visible before the lower one."""
    PostgresStore(pg, community).close()
    first, second = PostgresStore(pg, community), PostgresStore(pg, community)
    inserted, release = threading.Event(), threading.Event()
    original = first._insert

    def slow_insert(records: Any) -> None:
        original(records)
        inserted.set()
        release.wait(JOIN_TIMEOUT)  # hold the transaction open, rows inserted

    first._insert = slow_insert  # type: ignore[method-assign]
    event = ev.ProgressRecorded(at=pg_writer.AT, actor="c", matter="x", text="1")
    a = threading.Thread(target=first.append, args=([("matter-a", 0, event)],))
    b = threading.Thread(target=second.append, args=([("matter-b", 0, event)],))
    try:
        with Tail(pg, community) as tail:
            a.start()
            assert inserted.wait(JOIN_TIMEOUT)
            b.start()
            b.join(timeout=1.0)
            assert b.is_alive()  # waiting for the community's lock
            assert tail.poll() == []  # nothing committed, nothing visible
            release.set()
            a.join()
            b.join()
            assert [(s.position, s.stream) for s in tail.poll()] == [
                (1, "matter-a"),
                (2, "matter-b"),
            ]
    finally:
        release.set()
        first.close()
        second.close()


def test_negative_control_positions_from_a_sequence_let_a_reader_skip(pg: str) -> None:
    """What the lock prevents, shown on a table numbered by a sequence: a number is
    taken at INSERT, so 2 commits before 1 and a reader that moved past 2 never
    sees 1. The check above would catch a store that did this."""
    with psycopg.connect(pg, autocommit=True) as db:
        table = f"naive_{community_suffix()}"
        db.execute(f"CREATE TABLE {table} (position bigserial PRIMARY KEY, text text)")
        try:
            with psycopg.connect(pg) as a, psycopg.connect(pg) as b:
                a.execute(f"INSERT INTO {table} (text) VALUES ('first')")  # takes 1, not committed
                b.execute(f"INSERT INTO {table} (text) VALUES ('second')")  # takes 2
                b.commit()
                seen = [
                    r[0] for r in db.execute(f"SELECT position FROM {table} WHERE position > 0")
                ]
                assert seen == [2]
                a.commit()
                after = [
                    r[0] for r in db.execute(f"SELECT position FROM {table} WHERE position > 2")
                ]
                assert after == []  # position 1 is committed, and a reader by position missed it
        finally:
            db.execute(f"DROP TABLE {table}")


def community_suffix() -> str:
    return str(os.getpid())


def test_the_tail_never_steps_over_a_hole(pg: str, community: str) -> None:
    """A record past a gap waits until the gap is filled, rather than being handed
    out and the gap skipped for ever."""
    with PostgresStore(pg, community) as store:
        event = ev.ProgressRecorded(at=pg_writer.AT, actor="c", matter="x", text="1")
        store.append([("matter-x", 0, event)])
    with Tail(pg, community) as tail, psycopg.connect(pg, autocommit=True) as db:
        assert [s.position for s in tail.poll()] == [1]
        row = "INSERT INTO yishi_events SELECT community, %s, stream, %s, type, payload,"
        row += " command, %s, %s FROM yishi_events WHERE community = %s AND seq = 1"
        db.execute(row, (3, 3, "p3", "h3", community))
        assert tail.poll() == []
        db.execute(row, (2, 2, "p2", "h2", community))
        assert [s.position for s in tail.poll()] == [2, 3]


def test_acknowledged_means_flushed_whatever_the_server_default(pg: str, community: str) -> None:
    """A server (or a role, or PGOPTIONS) that turns synchronous_commit off does not
    weaken an append: the store turns it back on for its own connections."""
    relaxed = psycopg.conninfo.make_conninfo(pg, options="-c synchronous_commit=off")
    with psycopg.connect(relaxed) as plain:
        assert plain.execute("SHOW synchronous_commit").fetchone() == ("off",)
    with PostgresStore(relaxed, community) as store:
        assert store._writer.execute("SHOW synchronous_commit").fetchone() == ("on",)
        store._writer.rollback()
