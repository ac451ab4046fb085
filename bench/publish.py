"""How fast the board is written, against replaying the same log.

A village's log grows by one matter at a time, and the board publisher runs
after every notice, so what matters is (a) the cost of one notice's update
(index, verification page, feed and one matter page) and (b) the whole board
(``yishi publish``), both as the number of matters grows. The baseline, measured
in the same run on the same events, is replaying them into state (what any
reader of the log pays first): each figure is printed as a ratio to it.

The log is example 04 (a matter with objections, 2 notices) copied N times
with fresh ids, so every matter has the full set of meetings and notices.

    python bench/publish.py [--matters N ...] [--keep]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import attrs

from yishi.domain import events as ev
from yishi.domain.state import State, evolve
from yishi.publish.site import BoardOptions, documents, write_board
from yishi.scenario import load_scenario, run_scenario
from yishi.store.memory import MemoryStore

ROOT = Path(__file__).resolve().parents[1]
IDS = ("matter", "meeting", "disclosure", "objection")


def template_log() -> tuple[list[ev.Event], list[ev.Event], Any]:
    store = MemoryStore()
    report = run_scenario(
        load_scenario(ROOT / "examples" / "04_objection_during_disclosure.toml"), store=store
    )
    events = [r.event for r in store.read_all()]
    community = [e for e in events if not getattr(e, "matter", None)]
    matter = [e for e in events if getattr(e, "matter", None)]
    return community, matter, report.engine.rulesets


def copied(community: list[ev.Event], matter: list[ev.Event], n: int) -> list[ev.Event]:
    out = list(community)
    for i in range(n):
        suffix = f"-{i:05d}"
        for event in matter:
            changes = {
                k: getattr(event, k) + suffix
                for k in IDS
                if isinstance(getattr(event, k, None), str)
            }
            out.append(attrs.evolve(event, **changes))
    return out


def timed(fn: Any, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, nargs="*", default=[10, 100, 400])
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    community, matter, rulesets = template_log()
    work = Path(tempfile.mkdtemp(prefix="yishi-bench-publish-", dir="."))
    print(
        f"{'matters':>8} {'events':>8} {'replay':>9} {'documents':>10} {'board':>9} {'one notice':>11}"
    )
    try:
        for n in args.matters:
            log = copied(community, matter, n)

            def replay(log: list[ev.Event] = log) -> State:
                state = State()
                for event in log:
                    evolve(state, event)
                return state

            base = timed(replay)
            state = replay()
            opts = BoardOptions(community="基准村")
            out = work / f"b{n}"
            last = f"m4-{n - 1:05d}"
            docs = timed(partial(documents, state, rulesets, log, "zh", opts.policy))
            board = timed(partial(write_board, out, state, rulesets, log, opts), repeat=1)
            one = timed(partial(write_board, out, state, rulesets, log, opts, only=[last]))
            print(
                f"{n:>8} {len(log):>8} {base:>8.3f}s {docs / base:>9.1f}x "
                f"{board / base:>8.1f}x {one / base:>10.1f}x"
            )
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work)
    print("ratios: time / replaying the same log into state, measured in this run")


if __name__ == "__main__":
    main()
