"""Issue 13 item 2: hooks read a read-only view, a SystemExit or KeyboardInterrupt
in one never skips the others without a record, and a hung hook has a budget."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest

import workloads as w
from yishi.domain import events as ev
from yishi.engine import Engine
from yishi.hookspecs import hookimpl
from yishi.plugins.host import PluginHost
from yishi.plugins.readonly import EngineView, ReadOnlyError, readonly
from yishi.store.sqlite import SQLiteStore


class Counter:
    def __init__(self) -> None:
        self.seen: list[int] = []

    @hookimpl
    def yishi_events_appended(self, engine, events):
        self.seen += [e.position for e in events]


class Exits:
    @hookimpl(tryfirst=True)
    def yishi_events_appended(self, engine, events):
        raise SystemExit(3)


class Interrupts:
    def __init__(self) -> None:
        self.once = True

    @hookimpl(tryfirst=True)
    def yishi_events_appended(self, engine, events):
        if self.once:
            self.once = False
            raise KeyboardInterrupt


class Hangs:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.calls = 0

    @hookimpl(tryfirst=True)
    def yishi_events_appended(self, engine, events):
        self.calls += 1
        time.sleep(self.seconds)


def _engine(tmp_path: Path, *plugins: object, budget: float | None = 10.0) -> Engine:
    host = PluginHost.load(list(plugins), entry_points=False)
    host.hook_budget = budget
    return Engine(SQLiteStore(tmp_path / "yishi.db"), w.ruleset(), plugins=host)


def test_system_exit_in_a_hook_is_its_failure_and_the_others_are_called(tmp_path):
    counter = Counter()
    engine = _engine(tmp_path, Exits(), counter)
    w.set_up(engine, 5)
    assert counter.seen == list(range(1, engine.store.head().size + 1))
    (failure,) = engine.store.hook_failures()
    assert failure.plugin == "Exits" and failure.error.startswith("SystemExit")
    engine.store.close()


def test_keyboard_interrupt_stops_but_records_every_call_not_made(tmp_path):
    counter = Counter()
    engine = _engine(tmp_path, Interrupts(), counter)
    with pytest.raises(KeyboardInterrupt):
        w.set_up(engine, 5)
    assert counter.seen == []  # not called: Ctrl-C means stop
    failures = engine.store.hook_failures()
    assert {f.plugin for f in failures} == {"Interrupts", "Counter"}
    assert all("Interrupted" in f.error for f in failures)
    size = engine.store.head().size
    assert size > 1  # the append itself stands
    assert engine.retry_hooks() == []  # and the retry delivers what was missed
    assert counter.seen == list(range(1, size + 1))
    engine.store.close()


def test_a_hung_hook_is_stopped_in_the_main_thread(tmp_path):
    hangs, counter = Hangs(30), Counter()
    engine = _engine(tmp_path, hangs, counter, budget=0.3)
    started = time.monotonic()
    w.set_up(engine, 5)
    assert time.monotonic() - started < 5
    assert counter.seen == list(range(1, engine.store.head().size + 1))
    (failure,) = engine.store.hook_failures()
    assert failure.plugin == "Hangs" and failure.error.startswith("HookTimeout")
    engine.store.close()


def test_a_hung_hook_in_a_worker_thread_is_abandoned_not_piled_up(tmp_path):
    hangs, counter = Hangs(1.5), Counter()
    engine = _engine(tmp_path, hangs, counter, budget=0.2)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            w.set_up(engine, 5)
            engine.tick(w.DAY + dt.timedelta(days=1))
            w.open_meeting(engine, "m0", "mt0", w.DAY + dt.timedelta(days=1), [w.member(0)])
        except BaseException as exc:  # reported below
            errors.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=work)
    worker.start()
    worker.join(20)
    assert not errors and time.monotonic() - started < 5
    assert hangs.calls == 1  # the later appends did not start a second hung call
    failures = engine.store.hook_failures()
    assert failures and all(f.plugin == "Hangs" for f in failures)
    assert len(counter.seen) == engine.store.head().size
    engine.store.close()


def test_the_view_reads_like_the_engine_and_refuses_writes(tmp_path):
    engine = _engine(tmp_path)
    w.build_log(engine, members=6, matters=1, seed=1, evidence=None)
    view = EngineView(engine)
    assert view.position == engine.position and view.head_hash == engine.head_hash
    meeting = next(iter(view.state.meetings.values()))
    assert isinstance(meeting, type(next(iter(engine.state.meetings.values()))))
    assert dict(meeting.ballots) == engine.state.meetings[meeting.id].ballots
    person = next(iter(view.state.people.values()))
    assert person.is_adult(dt.date(2026, 1, 1)) in (True, False)  # methods still work
    first = next(view.store.read_all())
    assert isinstance(first.event, ev.PersonRegistered)
    for attempt in (
        lambda: setattr(view, "state", None),
        lambda: setattr(meeting, "outcome", "passed"),
        lambda: meeting.ballots.__setitem__("x", "yes"),
        lambda: meeting.ballots.update(x="yes"),
        lambda: meeting.attendance.append("x"),
        lambda: meeting.present.add("x"),
        lambda: view.store.append([]),
        lambda: view.rulesets.clear(),
    ):
        with pytest.raises((ReadOnlyError, TypeError)):
            attempt()
    with pytest.raises(RuntimeError):
        view.execute(None)
    assert readonly((1, "a")) == (1, "a") and readonly("x") == "x"
    engine.store.close()


class ExitsAtRegistration:
    @hookimpl
    def yishi_register_vote_methods(self, register):
        raise SystemExit("a plugin that exits while registering")


class ExitsAddingCommands:
    @hookimpl
    def yishi_register_commands(self, cli):
        raise SystemExit(1)


def test_system_exit_while_loading_a_plugin_skips_that_plugin_only():
    import click

    counter = Counter()
    host = PluginHost.load([ExitsAtRegistration(), counter], entry_points=False)
    assert [p.plugin for p in host.problems] == ["ExitsAtRegistration"]
    assert "Counter" in [p.name for p in host.plugins()]
    group = click.Group()
    more = PluginHost.load([ExitsAddingCommands()], entry_points=False)
    problems = more.register_commands(group)
    assert [p.plugin for p in problems] == ["ExitsAddingCommands"]


def test_quick_hooks_give_back_a_callers_timer_less_only_the_time_they_took():
    """A caller's own SIGALRM timer (a test harness's per-case timeout, a server's
    request limit) must survive many quick hook calls: each call hands back what
    is left of it, not what is left minus the whole budget."""
    import signal

    from yishi.plugins.budget import call_with_budget

    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        for _ in range(20):  # 20 calls x a 10 s budget: 200 s more than the timer has
            call_with_budget(lambda: None, {}, 10.0, set(), "Quick")
        left, _interval = signal.setitimer(signal.ITIMER_REAL, 0)
        assert not fired
        assert 25.0 < left <= 30.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
