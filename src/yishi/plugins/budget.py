"""A time budget for one hook call.

An after-commit hook that hangs (a webhook to a server that never answers, a
loop that never ends) must not hold up the engine: the append is already
durable, and the next vote is waiting. Python cannot kill a thread, so there
are two ways to stop waiting, and each is used where it works:

* **In the main thread, on POSIX**: a real-time timer (``SIGALRM``) raises
  :class:`HookTimeout` inside the hook. The hook runs in the caller's thread
  as before (a plugin that keeps a SQLite connection or thread-local state
  keeps working), and a hung hook is actually stopped: a blocking sleep,
  socket wait or Python loop is interrupted. A C call that never returns to
  Python (rare) is not.
* **Elsewhere** (a web server's worker thread, Windows): the hook runs in a
  helper thread and the caller stops waiting after the budget. The helper
  cannot be stopped and is left to finish on its own (a daemon thread, so it
  never keeps the process alive); while it runs, that plugin is not called
  again, so hung calls never pile up. Helpers are kept for the next call once
  theirs returns (``_Helpers``).

Processes were considered and rejected: a hook receives a live view of the
engine's state, which would have to be pickled for every call (time
proportional to the community on every append), a plugin's connections and
counters would live in a copy that is thrown away, and a fork per call costs
milliseconds. docs/plugins.md states the budget and what a timeout means.
"""

from __future__ import annotations

import os
import queue
import signal
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

DEFAULT_BUDGET = 10.0  # seconds per hook call


class HookTimeout(Exception):
    """The hook did not return within its budget; it was stopped or abandoned."""


def call_with_budget(
    function: Callable[..., Any],
    kwargs: dict[str, Any],
    budget: float | None,
    busy: set[str],
    name: str,
) -> None:
    """Call ``function(**kwargs)``, raising :class:`HookTimeout` after ``budget`` seconds.

    ``busy`` holds the plugins whose abandoned call is still running (threads only);
    such a plugin is not called again until that call ends."""
    if budget is None or budget <= 0:
        function(**kwargs)
        return
    if name in busy:
        raise HookTimeout(f"an earlier call has not returned after {budget:g} s; not called again")
    if _can_alarm():
        _with_alarm(function, kwargs, budget)
    else:
        _in_thread(function, kwargs, budget, busy, name)


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _with_alarm(function: Callable[..., Any], kwargs: dict[str, Any], budget: float) -> None:
    def expired(signum: int, frame: Any) -> None:
        raise HookTimeout(f"did not return within {budget:g} s; stopped")

    previous = signal.signal(signal.SIGALRM, expired)
    earlier = signal.setitimer(signal.ITIMER_REAL, budget)
    try:
        function(**kwargs)
    finally:
        ours = signal.setitimer(signal.ITIMER_REAL, 0)[0]  # what was left of the budget
        signal.signal(signal.SIGALRM, previous)
        if earlier[0] > 0:
            # Someone else's timer was running: give it back what is left of it,
            # less the time the hook actually took (not the whole budget, which
            # would make a caller's timeout fire early after a few quick hooks).
            took = budget - ours if ours > 0 else budget
            signal.setitimer(signal.ITIMER_REAL, max(earlier[0] - took, 0.001), earlier[1])


def _in_thread(
    function: Callable[..., Any], kwargs: dict[str, Any], budget: float, busy: set[str], name: str
) -> None:
    outcome: list[BaseException] = []
    done = threading.Lock()
    done.acquire()
    busy.add(name)
    _HELPERS.run(_Call(function, kwargs, outcome, done, busy, name))
    if not done.acquire(timeout=budget):
        raise HookTimeout(f"did not return within {budget:g} s; left running in the background")
    if outcome:
        raise outcome[0]


class _Call(NamedTuple):
    function: Callable[..., Any]
    kwargs: dict[str, Any]
    outcome: list[BaseException]  # what the call raised, for the caller
    done: threading.Lock  # released when the call has ended
    busy: set[str]
    name: str


class _Helpers:
    """Helper threads that wait for the next call once theirs has returned.

    A thread started for every call cost more than the call itself on a busy
    portal (every commit tells the plugins). A helper whose call hangs is simply
    not idle: it is never handed another call while it runs, and a new helper is
    started when none is idle. Daemon threads, as before: a hung hook never keeps
    the process alive."""

    KEEP = 8  # idle helpers kept; more, after a burst of calls at once, end

    def __init__(self) -> None:
        self._idle: list[queue.SimpleQueue[_Call]] = []
        self._mutex = threading.Lock()

    def forget(self) -> None:
        """In a forked child: the parent's helpers are not running here."""
        self._idle = []
        self._mutex = threading.Lock()

    def run(self, call: _Call) -> None:
        with self._mutex:
            inbox = self._idle.pop() if self._idle else None
        if inbox is None:
            inbox = queue.SimpleQueue()
            threading.Thread(
                target=self._serve, args=(inbox,), name="yishi-hook", daemon=True
            ).start()
        inbox.put(call)

    def _serve(self, inbox: queue.SimpleQueue[_Call]) -> None:
        while True:
            call = inbox.get()
            try:
                call.function(**call.kwargs)
            except BaseException as exc:  # handed back to the caller
                call.outcome.append(exc)
            call.busy.discard(call.name)
            with self._mutex:
                keep = len(self._idle) < self.KEEP
                if keep:
                    self._idle.append(inbox)
            # Released once this helper is idle again, so that the caller's next
            # call finds it rather than starting another.
            call.done.release()
            if not keep:
                return
            del call  # nothing of a finished call is kept while the helper waits


_HELPERS = _Helpers()
if hasattr(os, "register_at_fork"):  # pragma: no branch - POSIX
    os.register_at_fork(after_in_child=_HELPERS.forget)
