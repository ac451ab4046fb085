"""Hook calls made outside the main thread (a web server's workers) run in helper
threads that are kept for the next call, and a hung call still only costs its budget."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from yishi.plugins.budget import HookTimeout, call_with_budget


def in_worker(job: Callable[[], Any]) -> Any:
    """Run ``job`` in a thread that is not the main one; its result or exception."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(job())
        except BaseException as exc:
            out.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(30)
    return out[0]


def test_successive_calls_reuse_one_helper_thread() -> None:
    ran_on: list[threading.Thread] = []

    def hook() -> None:
        ran_on.append(threading.current_thread())

    def calls() -> None:
        for _ in range(5):
            call_with_budget(hook, {}, 5.0, set(), "Quick")

    assert in_worker(calls) is None
    assert len(ran_on) == 5 and len({id(t) for t in ran_on}) == 1
    assert ran_on[0] is not threading.main_thread()


def test_a_hung_call_costs_its_budget_and_keeps_only_its_own_plugin_out() -> None:
    release = threading.Event()
    busy: set[str] = set()

    def hangs() -> None:
        release.wait(30)

    def quick(into: list[str]) -> None:
        into.append(threading.current_thread().name)

    def calls() -> tuple[Any, ...]:
        with pytest.raises(HookTimeout, match="left running"):
            call_with_budget(hangs, {}, 0.2, busy, "Hangs")
        assert busy == {"Hangs"}
        with pytest.raises(HookTimeout, match="not called again"):
            call_with_budget(hangs, {}, 0.2, busy, "Hangs")
        done: list[str] = []
        call_with_budget(quick, {"into": done}, 5.0, busy, "Quick")  # another helper
        release.set()
        for _ in range(300):
            if not busy:
                break
            threading.Event().wait(0.01)
        return tuple(busy), tuple(done)

    still_busy, done = in_worker(calls)
    assert still_busy == () and len(done) == 1


def test_what_a_hook_raises_reaches_the_caller() -> None:
    def fails() -> None:
        raise ValueError("the robot's address is wrong")

    def call() -> None:
        call_with_budget(fails, {}, 5.0, set(), "Failing")

    found = in_worker(call)
    assert isinstance(found, ValueError) and "robot" in str(found)
