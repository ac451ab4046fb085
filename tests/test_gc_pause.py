"""The cyclic collector waits while a command is decided, written and committed
(``yishi.gc_pause``), and is left as the application had it afterwards."""

from __future__ import annotations

import gc
import threading

import pytest

from tests.test_paper_ballots import DAY, RULESET, community
from yishi.domain import commands as c
from yishi.engine import Engine
from yishi.gc_pause import collector_paused
from yishi.store.memory import MemoryStore


class WatchingStore(MemoryStore):
    """Notes whether the collector was on when each command's events were written."""

    def __init__(self) -> None:
        super().__init__()
        self.collector_on: list[bool] = []

    def write(self, batch, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.collector_on.append(gc.isenabled())
        return super().write(batch, *args, **kwargs)


@pytest.fixture
def collector_state():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("enabled", [True, False])
def test_off_during_the_commit_and_as_it_was_after(collector_state, enabled):
    (gc.enable if enabled else gc.disable)()
    store = WatchingStore()
    engine = Engine(store, RULESET)
    engine.execute(community(), DAY)
    engine.execute(c.ProposeMatter(actor="d1", matter="x1", title="修路"), DAY)
    assert store.collector_on == [False, False]
    assert gc.isenabled() is enabled


def test_a_failed_command_leaves_it_as_it_was(collector_state):
    gc.enable()
    engine = Engine(WatchingStore(), RULESET)
    with pytest.raises(Exception):  # noqa: B017 - any refusal: the matter has no community
        engine.execute(c.ProposeMatter(actor="nobody", matter="x1", title="修路"), DAY)
    assert gc.isenabled()


def test_the_last_thread_out_switches_it_back_on(collector_state):
    gc.enable()
    inside, leave = threading.Event(), threading.Event()

    def hold() -> None:
        with collector_paused():
            inside.set()
            leave.wait(5)

    other = threading.Thread(target=hold)
    other.start()
    inside.wait(5)
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread is still inside
    leave.set()
    other.join(5)
    assert gc.isenabled()
