"""Group commit: threads sharing one Engine, one fsync for many commands.

What must hold whatever the timing: every command is answered once; an answer
(a refusal too) is given only once its batch is durable, which another
connection can see; a second ballot for the same member is refused even when
both are in one batch; a failed commit answers every command of its batch with
the failure, keeps nothing of it, and the engine reads the log afresh.
Timing is forced with a gate on the commit, never measured.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests import workloads as w
from yishi.domain import commands as c
from yishi.domain.errors import Refusal
from yishi.domain.state import replay
from yishi.engine import Engine
from yishi.hookspecs import hookimpl
from yishi.plugins.host import PluginHost
from yishi.store.memory import MemoryStore
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import verify_sqlite

MEETING, MATTER = "mg", "mx"
MEMBERS = 24
AT = w.DAY + dt.timedelta(hours=1)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "yishi.db"


@pytest.fixture
def engine(db: Path) -> Iterator[Engine]:
    engine = Engine(SQLiteStore(db), w.ruleset())
    w.set_up(engine, members=MEMBERS)
    w.open_meeting(engine, MATTER, MEETING, w.DAY, [w.member(i) for i in range(MEMBERS)])
    yield engine
    engine.store.close()


def vote(i: int, choice: str = "yes") -> c.CastVote:
    voter = w.member(i)
    return c.CastVote(actor=voter, meeting=MEETING, voter=voter, choice=choice)


def committed(db: Path, key: str) -> bool:
    """Whether another connection sees ``key``'s command: it is committed."""
    other = sqlite3.connect(db)
    try:
        return other.execute("SELECT 1 FROM commands WHERE key = ?", (key,)).fetchone() is not None
    finally:
        other.close()


class Gate:
    """Holds the first commit until ``open``, so that other commands queue behind it."""

    def __init__(self, store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.store, self.entered, self.opened = store, threading.Event(), threading.Event()
        self.commit = store.commit_write
        monkeypatch.setattr(store, "commit_write", self.held)

    def held(self) -> None:
        if not self.entered.is_set():
            self.entered.set()
            assert self.opened.wait(30)
        self.commit()


def fail_first_commit(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The next commit fails as on a full disk, and takes nothing with it; later ones work."""
    commit = store.commit_write
    failing = {"left": 1}

    def full_disk() -> None:
        if failing["left"]:
            failing["left"] -= 1
            store.rollback_write()
            raise sqlite3.OperationalError("database or disk is full")
        commit()

    monkeypatch.setattr(store, "commit_write", full_disk)


class WithoutGroup:
    """A store that commits each append on its own, as the PostgreSQL plugin's
    does: the engine has no group to hand commands to."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if name in ("begin_write", "write", "commit_write", "rollback_write"):
            raise AttributeError(name)
        return getattr(self._store, name)


def count_reads(store: Any, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ``after`` of every ``read_all`` of ``store`` from now on."""
    reads: list[int] = []
    read_all = store.read_all

    def counted(after: int = 0) -> Any:
        reads.append(after)
        return read_all(after)

    monkeypatch.setattr(store, "read_all", counted)
    return reads


def run_threads(engine: Engine, jobs: list[tuple[c.Command, str | None]]) -> list[Any]:
    results: list[Any] = [None] * len(jobs)

    def client(index: int) -> None:
        command, key = jobs[index]
        try:
            results[index] = engine.execute(command, AT, key=key)
        except Refusal as refusal:
            results[index] = refusal
        except Exception as exc:  # pragma: no cover - reported by the assertions
            results[index] = exc

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_commands_queued_during_a_commit_go_into_one_batch_and_are_answered_after_it(
    engine: Engine, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(engine.store, monkeypatch)
    batches = engine._group.batches if engine._group else 0
    answered_after_commit: list[bool] = []
    first: list[Any] = []
    leader = threading.Thread(target=lambda: first.append(engine.execute(vote(0), AT, key="k0")))
    leader.start()
    assert gate.entered.wait(30)  # the first command is committing
    # twelve clients, two of them for the same member, while the first commit waits
    jobs: list[tuple[c.Command, str | None]] = [(vote(i), f"k{i}") for i in range(1, 12)]
    jobs.append((vote(5, "no"), "k5-again"))
    results: list[Any] = [None] * len(jobs)

    def client(index: int) -> None:
        command, key = jobs[index]
        try:
            results[index] = engine.execute(command, AT, key=key)
        except Refusal as refusal:
            results[index] = refusal
        answered_after_commit.append(committed(db, "k1"))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    while len(engine._group._queue if engine._group else ()) < len(jobs):
        threading.Event().wait(0.01)  # every client has queued behind the held commit
    assert not any(answered_after_commit)
    gate.opened.set()
    leader.join(30)
    for thread in threads:
        thread.join(30)
    assert engine._group is not None and engine._group.batches == batches + 2
    assert all(answered_after_commit) and len(answered_after_commit) == len(jobs)
    refused = [r for r in results if isinstance(r, Refusal)]
    assert len(refused) == 1 and refused[0].code == "already_voted"
    assert engine.state.meetings[MEETING].ballots == {
        **{w.member(i): "yes" for i in range(12)},
    }
    other = Engine(SQLiteStore(db), w.ruleset())
    assert other.state == engine.state and other.head_hash == engine.head_hash
    other.store.close()
    assert verify_sqlite(db).ok


def test_a_failed_commit_answers_its_whole_batch_and_keeps_nothing(
    engine: Engine, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size, state_before = engine.position, replay([s.event for s in engine.store.read_all()])
    fail_first_commit(engine.store, monkeypatch)
    with pytest.raises(sqlite3.OperationalError):
        engine.execute(vote(0), AT, key="k0")
    assert engine.store.head().size == size
    # the engine reads the log afresh: the lost ballot is not counted, and may be cast
    assert engine.execute(vote(0, "no"), AT, key="k0") != []
    assert engine.state.meetings[MEETING].ballots == {w.member(0): "no"}
    assert replay([s.event for s in engine.store.read_all()]) == engine.state
    assert state_before != engine.state


def test_a_failed_commit_is_gone_from_the_state_before_it_is_answered(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = engine.position
    fail_first_commit(engine.store, monkeypatch)
    with pytest.raises(sqlite3.OperationalError):
        engine.execute(vote(0), AT)
    # nothing read or written since: a reader now sees the log as it is on disk
    assert not engine.stale
    assert (engine.position, engine.head_hash) == (size, engine.store.head().hash)
    assert engine.state == replay([s.event for s in engine.store.read_all()])
    assert w.member(0) not in engine.state.meetings[MEETING].ballots


def unreadable_once(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The next ``read_all`` of ``store`` fails, as on a disk that has gone away."""
    read_all, failing = store.read_all, {"left": 1}

    def flaky(after: int = 0) -> Any:
        if failing["left"]:
            failing["left"] -= 1
            raise sqlite3.OperationalError("disk I/O error")
        return read_all(after)

    monkeypatch.setattr(store, "read_all", flaky)


def test_a_log_unreadable_after_a_failed_commit_leaves_the_engine_stale_until_read(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_first_commit(engine.store, monkeypatch)
    unreadable_once(engine.store, monkeypatch)
    with pytest.raises(sqlite3.OperationalError, match="full"):  # the commit's own failure
        engine.execute(vote(0), AT)
    assert engine.stale
    engine.catch_up()
    assert not engine.stale
    assert engine.state == replay([s.event for s in engine.store.read_all()])


def test_eight_clients_each_acknowledged_once_and_durable(engine: Engine, db: Path) -> None:
    jobs: list[tuple[c.Command, str | None]] = [(vote(i), f"k{i}") for i in range(MEMBERS)]
    jobs += [(vote(i, "no"), f"k{i}") for i in range(4)]  # retries of the same requests
    jobs += [(vote(i, "abstain"), f"other-{i}") for i in range(4, 8)]  # second ballots
    results = run_threads(engine, jobs)
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, Refusal)]
    ballots = engine.state.meetings[MEETING].ballots
    assert len(ballots) == MEMBERS
    for i, result in enumerate(results[MEMBERS : MEMBERS + 4]):
        # a retry gets the first receipt if it came second, or is refused as reused
        first = results[i]
        assert isinstance(result, Refusal) or isinstance(first, Refusal) or result == first
    for key in [f"k{i}" for i in range(MEMBERS)]:
        assert committed(db, key) or key in {f"k{i}" for i in range(4)}
    assert verify_sqlite(db).ok


def test_no_catch_up_read_when_no_other_connection_wrote(
    engine: Engine, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = count_reads(engine.store, monkeypatch)
    for i in range(5):
        engine.execute(vote(i), AT)
    assert reads == []
    other = SQLiteStore(db)  # another process appends: the next command reads it first
    Engine(other, w.ruleset()).execute(vote(5), AT)
    other.close()
    engine.execute(vote(6), AT)
    assert len(reads) == 1
    assert set(engine.state.meetings[MEETING].ballots) == {w.member(i) for i in range(7)}


def test_no_plugin_listening_means_no_dispatch(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = PluginHost.load(entry_points=False)  # the built-ins: none listens after commits
    engine.plugins = host
    calls: list[str] = []
    after_commit = host.after_commit
    monkeypatch.setattr(host, "after_commit", lambda hook, **kw: calls.append(hook) or [])
    engine.execute(vote(0), AT)
    assert calls == []

    class Board:
        @staticmethod
        @hookimpl
        def yishi_events_appended(events: Any) -> None:
            seen.extend(events)

    seen: list[Any] = []
    monkeypatch.setattr(host, "after_commit", after_commit)
    host.pm.register(Board(), "board")
    engine.execute(vote(1), AT)
    assert [s.event.voter for s in seen] == [w.member(1)]


def test_the_memory_store_commits_in_groups_too() -> None:
    engine = Engine(MemoryStore(), w.ruleset())
    w.set_up(engine, members=8)
    w.open_meeting(engine, MATTER, MEETING, w.DAY, [w.member(i) for i in range(8)])
    results = run_threads(engine, [(vote(i), None) for i in range(8)] + [(vote(3, "no"), None)])
    assert sum(isinstance(r, Refusal) for r in results) == 1
    assert len(engine.state.meetings[MEETING].ballots) == 8
    assert replay([s.event for s in engine.store.read_all()]) == engine.state


def test_writers_of_several_connections_take_turns_on_the_writer_lock(db: Path) -> None:
    """Another connection (another process) waits on ``<log>-writer`` while one
    writes, and gets its turn when that one commits; the file holds nothing."""
    first, second = SQLiteStore(db), SQLiteStore(db)
    order: list[str] = []
    first.begin_write()

    def other() -> None:
        second.begin_write()
        order.append("second began")
        second.rollback_write()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(0.2)
    assert thread.is_alive() and order == []  # waiting for its turn
    order.append("first commits")
    first.commit_write()
    thread.join(30)
    assert order == ["first commits", "second began"]
    assert Path(f"{db}-writer").read_bytes() == b""
    first.close()
    second.close()


def test_the_writer_lock_never_waits_longer_than_the_busy_timeout(db: Path) -> None:
    """Two stores of one thread on one file: the second is told the log is locked,
    as SQLite tells it, instead of waiting for ever on the first."""
    first, second = SQLiteStore(db), SQLiteStore(db, busy_timeout=0.05)
    first.begin_write()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.begin_write()
    first.commit_write()
    assert second.begin_write() is True  # and once free, it writes (and must read first)
    second.rollback_write()
    first.close()
    second.close()


def test_a_turn_that_comes_after_its_writer_gave_up_is_let_go(db: Path) -> None:
    """The second store gives up after its busy timeout; its waiting helper gets the
    turn once the first commits and must hand it straight on, not keep it."""
    import fcntl
    import os
    import time

    first, second = SQLiteStore(db), SQLiteStore(db, busy_timeout=0.05)
    first.begin_write()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.begin_write()
    first.commit_write()
    time.sleep(0.2)  # the helper's turn comes now
    probe = os.open(f"{db}-writer", os.O_RDWR)
    try:
        deadline = time.monotonic() + 5
        while True:  # a third writer gets the turn once the helper has let go
            try:
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                assert time.monotonic() < deadline, "the abandoned turn was kept"
                time.sleep(0.01)
        fcntl.flock(probe, fcntl.LOCK_UN)
    finally:
        os.close(probe)
    first.close()
    second.close()


def test_a_large_catch_up_moves_the_state_out_of_the_collectors_sight(
    engine: Engine, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    import yishi.engine as engine_module

    frozen: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr(engine_module, "FREEZE_AFTER", engine.position)
    other = Engine(SQLiteStore(db), w.ruleset())  # folds the whole log: "large" here
    assert frozen == [True]
    other.execute(vote(0), AT)  # one more event: a small catch-up, no freeze
    engine.catch_up()
    assert frozen == [True]
    other.store.close()


def test_a_failed_catch_up_ends_the_transaction_and_answers_the_batch(
    engine: Engine, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = SQLiteStore(db)
    Engine(other, w.ruleset()).execute(vote(1), AT)  # another process wrote: must read
    other.close()

    def unreadable(after: int = 0) -> Any:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(engine.store, "read_all", unreadable)
    with pytest.raises(sqlite3.DatabaseError):
        engine.execute(vote(0), AT)
    assert not engine.store._db.in_transaction  # the lock is given back
    monkeypatch.undo()
    engine.execute(vote(0), AT)  # and the engine reads the log afresh
    assert set(engine.state.meetings[MEETING].ballots) == {w.member(0), w.member(1)}


class CountingGate:
    """A request's gate that counts how often its client was let through."""

    made: ClassVar[list[CountingGate]] = []

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lock.acquire()
        self.opened = 0
        CountingGate.made.append(self)

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        return self.lock.acquire(blocking, timeout)

    def release(self) -> None:
        self.opened += 1
        self.lock.release()


def test_a_waiting_client_is_woken_once_for_its_answer_not_for_every_commit(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight clients woken at every command would each take the interpreter lock
    seven times for nothing; each waits at its own gate, which the writer opens once."""
    CountingGate.made.clear()
    monkeypatch.setattr("yishi.group_commit._closed_gate", CountingGate)
    gate = Gate(engine.store, monkeypatch)
    leader = threading.Thread(target=lambda: engine.execute(vote(0), AT))
    leader.start()
    assert gate.entered.wait(30)
    waiting = [threading.Thread(target=engine.execute, args=(vote(i), AT)) for i in range(1, 9)]
    for thread in waiting:
        thread.start()
    group = engine._group
    assert group is not None
    while len(group._queue) < len(waiting):
        threading.Event().wait(0.01)
    gate.opened.set()
    for thread in [leader, *waiting]:
        thread.join(30)
    requests = [g for g in CountingGate.made if g.opened]
    # the eight queued clients: one writes the second batch, seven get its answers
    assert len(requests) == len(waiting)
    assert all(g.opened == 1 for g in CountingGate.made if g.opened)
    assert len(engine.state.meetings[MEETING].ballots) == 9
