"""Plugins hear of a batch after its clients are answered, and without the state's
lock: a slow webhook holds up neither the pages nor the batch's other voters. The
group's writer still tells them before the next batch is decided, so they hear of
batches in log order and read the state as their commit left it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests import workloads as w
from tests.test_group_commit import AT, MATTER, MEETING, MEMBERS, Gate, WithoutGroup, vote
from yishi.engine import Engine
from yishi.hookspecs import hookimpl
from yishi.plugins.host import PluginHost
from yishi.store.sqlite import SQLiteStore


class SlowWebhook:
    """Holds the first call that tells of ``voter``'s ballot until ``go`` is set,
    and notes the ballots the state held when it was called and when it went on."""

    def __init__(self, voter: str) -> None:
        self.voter = voter
        self.entered, self.go = threading.Event(), threading.Event()
        self.heard: list[int] = []  # positions, in the order told
        self.saw: list[int] = []

    @hookimpl
    def yishi_events_appended(self, engine: Any, events: Any) -> None:
        self.heard += [s.position for s in events]
        if any(getattr(s.event, "voter", None) == self.voter for s in events):
            ballots = engine.state.meetings[MEETING].ballots
            self.saw.append(len(ballots))
            self.entered.set()
            assert self.go.wait(30)
            self.saw.append(len(ballots))


def listening_engine(db: Path, plugin: Any) -> Engine:
    host = PluginHost.load(entry_points=False)
    host.pm.register(plugin, "webhook")
    engine = Engine(SQLiteStore(db), w.ruleset(), plugins=host)
    w.set_up(engine, members=MEMBERS)
    w.open_meeting(engine, MATTER, MEETING, w.DAY, [w.member(i) for i in range(MEMBERS)])
    return engine


def client(engine: Engine, index: int, done: dict[int, threading.Event]) -> threading.Thread:
    done[index] = threading.Event()

    def run() -> None:
        engine.execute(vote(index), AT)
        done[index].set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_slow_hook_holds_neither_readers_nor_the_other_voters_of_its_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    webhook = SlowWebhook(w.member(1))
    engine = listening_engine(tmp_path / "yishi.db", webhook)
    group = engine._group
    assert group is not None
    gate = Gate(engine.store, monkeypatch)  # vote 0's commit waits: 1 to 3 queue behind it
    done: dict[int, threading.Event] = {}
    threads = [client(engine, 0, done)]
    assert gate.entered.wait(10)
    threads += [client(engine, i, done) for i in (1, 2, 3)]
    while len(group._queue) < 3:
        threading.Event().wait(0.001)
    gate.opened.set()
    assert webhook.entered.wait(10)  # told of vote 1, the first of the second batch

    # the batch's other voters have their answers; the pages can read
    assert done[2].wait(10) and done[3].wait(10)
    assert not done[1].is_set()  # the writer's own caller waits for the plugins
    assert engine.lock.acquire(timeout=10)
    engine.lock.release()

    # the next command waits for the plugins; another process's is not folded under them
    head = engine.store.head().size
    threads.append(client(engine, 4, done))
    other = Engine(SQLiteStore(tmp_path / "yishi.db"), w.ruleset())
    other.execute(vote(5), AT)
    other.store.close()
    assert engine.catch_up() == 0
    assert not done[4].wait(0.2)
    assert engine.store.head().size == head + 1  # the other process's ballot alone

    webhook.go.set()
    for thread in threads:
        thread.join(10)
    assert all(done[i].is_set() for i in range(5))
    assert webhook.saw == [4, 4]  # the state as the batch of votes 1 to 3 left it
    assert webhook.heard == sorted(webhook.heard)
    assert set(engine.state.meetings[MEETING].ballots) == {w.member(i) for i in range(6)}
    engine.store.close()


def test_plugins_hear_of_every_batch_once_and_in_log_order(tmp_path: Path) -> None:
    webhook = SlowWebhook("nobody")
    engine = listening_engine(tmp_path / "yishi.db", webhook)
    start = engine.position
    webhook.heard.clear()  # the setting up
    done: dict[int, threading.Event] = {}
    threads = [client(engine, i, done) for i in range(MEMBERS)]
    for thread in threads:
        thread.join(10)
    assert webhook.heard == list(range(start + 1, engine.position + 1))
    engine.store.close()


class Queued:
    """Holds the call that tells of ``voter``'s ballot until ``count`` commands queue."""

    def __init__(self, voter: str, count: int) -> None:
        self.voter, self.count = voter, count
        self.engine: Engine | None = None

    @hookimpl
    def yishi_events_appended(self, engine: Any, events: Any) -> None:
        group = self.engine._group if self.engine is not None else None
        if group is not None and any(getattr(s.event, "voter", None) == self.voter for s in events):
            for _ in range(1000):
                if len(group._queue) >= self.count:
                    break
                threading.Event().wait(0.005)


def test_the_next_batch_waits_for_as_many_clients_as_there_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clients answered before the plugins heard of their batch queue again while
    they are told; counted twice, the next writer would wait out its whole linger
    for commands that never come."""
    plugin = Queued(w.member(1), count=2)
    engine = listening_engine(tmp_path / "yishi.db", plugin)
    plugin.engine = engine
    group = engine._group
    assert group is not None
    expected: list[int] = []
    linger = group._linger

    def noted() -> None:
        expected.append(group._active)
        linger()

    monkeypatch.setattr(group, "_linger", noted)
    gate = Gate(engine.store, monkeypatch)  # vote 0's commit waits: 1 to 3 queue behind it

    def twice(index: int) -> None:
        engine.execute(vote(index), AT)
        if index:  # the second ballots of 2 and 3 queue while 1's batch is told
            engine.execute(vote(index + 4), AT)

    threads = [threading.Thread(target=twice, args=(0,))]
    threads[0].start()
    assert gate.entered.wait(10)
    threads += [threading.Thread(target=twice, args=(i,)) for i in (1, 2, 3)]
    for thread in threads[1:]:
        thread.start()
    while len(group._queue) < 3:
        threading.Event().wait(0.001)
    gate.opened.set()
    for thread in threads:
        thread.join(10)
    # batches: vote 0; votes 1-3; then the second ballots, for three clients
    assert expected[2] == 3
    assert set(engine.state.meetings[MEETING].ballots) == {
        w.member(i) for i in (0, 1, 2, 3, 5, 6, 7)
    }
    engine.store.close()


def test_without_group_commit_a_slow_hook_holds_no_reader(tmp_path: Path) -> None:
    """The engine of a store without group commit takes one writer at a time; a
    writer's plugins are told after it lets go of the state's lock, before the
    next writer decides."""
    webhook = SlowWebhook(w.member(1))
    host = PluginHost.load(entry_points=False)
    host.pm.register(webhook, "webhook")
    db = tmp_path / "yishi.db"
    engine = Engine(WithoutGroup(SQLiteStore(db)), w.ruleset(), plugins=host)
    assert engine._group is None
    w.set_up(engine, members=MEMBERS)
    w.open_meeting(engine, MATTER, MEETING, w.DAY, [w.member(i) for i in range(MEMBERS)])
    done: dict[int, threading.Event] = {}
    threads = [client(engine, 1, done)]
    assert webhook.entered.wait(10)
    assert engine.lock.acquire(timeout=10)  # a page reads while the hook runs
    engine.lock.release()

    threads.append(client(engine, 2, done))
    other = Engine(SQLiteStore(db), w.ruleset())
    other.execute(vote(5), AT)
    other.store.close()
    assert engine.catch_up() == 0  # not folded under the hook
    assert not done[2].wait(0.2)  # the next writer waits for the plugins
    assert not done[1].is_set()

    webhook.go.set()
    for thread in threads:
        thread.join(10)
    assert done[1].is_set() and done[2].is_set()
    assert webhook.saw == [1, 1]  # the state as vote 1's commit left it
    assert webhook.heard == sorted(webhook.heard)
    assert set(engine.state.meetings[MEETING].ballots) == {w.member(i) for i in (1, 2, 5)}
    engine.store.close()
