"""The parts of bench/engine.py about scale: append latency as the log grows,
many clients at once, verify's speed and memory, and start-up time."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.engine import Engine
from yishi.store.sqlite import SQLiteStore

T0 = dt.datetime(2026, 3, 2, 9, 0)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0


def micro(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


# -- append latency as the log grows ------------------------------------------------


def _ballot(n: int, meeting: str) -> ev.Event:
    voter = f"v{n:07d}"
    return ev.BallotCast(
        at=T0, actor=voter, matter="m1", meeting=meeting, voter=voter, choice="yes"
    )


def latency_by_size(
    directory: Path, sizes: list[int], probes: int
) -> list[tuple[int, float, float]]:
    """p50 and p99 of one ballot appended in its own transaction, at each log size.

    The log is filled with ballots in batches of 20,000 (every one with its own
    uniqueness key, so the ``facts`` table grows with it), then ``probes`` single
    appends are timed; then it is filled to the next size."""
    store = SQLiteStore(directory / "latency.db")
    results = []
    version = 0
    made = 0
    for size in sizes:
        while made < size:
            chunk = min(20_000, size - made)
            meeting = f"fill-{made // 20_000}"
            batch = [("matter-m1", version + i, _ballot(made + i, meeting)) for i in range(chunk)]
            store.append(batch)
            version += chunk
            made += chunk
        times = []
        for i in range(probes):
            event = _ballot(i, f"probe-{size}")
            started = time.perf_counter()
            store.append([("matter-m1", version, event)])
            times.append(time.perf_counter() - started)
            version += 1
            made += 1
        results.append((size, percentile(times, 0.5), percentile(times, 0.99)))
    store.close()
    return results


# -- many clients sharing one engine --------------------------------------------------


def clients(
    engine: Engine, meeting: str, voters: list[str], threads: int, at: dt.datetime
) -> tuple[int, float, list[float]]:
    """``threads`` clients casting the ballots of ``voters`` (shared out) through one
    engine. (commands, seconds, latencies)."""
    shares = [voters[i::threads] for i in range(threads)]
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors: list[BaseException] = []
    start_line = threading.Barrier(threads + 1)

    def client(index: int) -> None:
        clock, mine = time.perf_counter, latencies[index]
        start_line.wait()
        try:
            for voter in shares[index]:
                began = clock()
                engine.execute(
                    cmd.CastVote(actor=voter, meeting=meeting, voter=voter, choice="yes"), at
                )
                mine.append(clock() - began)
        except BaseException as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    start_line.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    if errors:
        raise errors[0]
    flat = [t for part in latencies for t in part]
    return len(flat), seconds, flat


# -- verify: speed and memory ----------------------------------------------------------

MEMORY_PROBE = """
import json, sys, time
from yishi.store.verify import verify_sqlite

def peak_kb():
    # VmHWM, the peak resident size. Linux carries it over fork and exec, so it
    # is reset first (clear_refs 5); ru_maxrss would show the parent's peak.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0

try:
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
except OSError:
    pass
before = peak_kb()
start = time.perf_counter()
report = verify_sqlite(sys.argv[1])
seconds = time.perf_counter() - start
after = peak_kb()
print(json.dumps({"ok": report.ok, "records": report.records, "seconds": seconds,
                  "grew_kb": after - before, "peak_kb": after}))
"""


def verify_in_child(path: Path) -> dict[str, float]:
    """``verify_sqlite`` in a fresh process: its time and how much its peak RSS grew."""
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(path)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


# -- start-up ---------------------------------------------------------------------------------


def startup(rounds: int) -> tuple[float, float]:
    """Median wall time of ``python -c pass`` and of ``yishi --help``, interleaved."""
    script = shutil.which("yishi", path=str(Path(sys.executable).parent)) or "yishi"
    bare, helped = [], []
    # bytecode cached, as in an installed yishi (pip compiles it; an editable
    # install writes it on first use): without it every run compiles yishi's modules
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def timed(argv: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True, env=env)
        return time.perf_counter() - started

    timed([script, "--help"])  # warm the page cache and the bytecode
    for _ in range(rounds):
        bare.append(timed([sys.executable, "-c", "pass"]))
        helped.append(timed([script, "--help"]))
    return statistics.median(bare), statistics.median(helped)


def best_of(repeat: int, run: Callable[[], float]) -> float:
    return min(run() for _ in range(repeat))


# -- several processes on one file ------------------------------------------------------


def processes(
    db: Path, ruleset: str, meeting: str, voters: list[str], count: int, at: dt.datetime
) -> tuple[int, float, list[float]]:
    """``count`` processes, each with its own Engine on ``db``, casting their share of
    ``voters``; timed from a common start. (commands, seconds, latencies)."""
    go = db.parent / "go"
    go.unlink(missing_ok=True)
    worker = str(Path(__file__).with_name("mp_worker.py"))
    started = []
    for i in range(count):
        share = ",".join(voters[i::count])
        argv = [sys.executable, worker, str(db), ruleset, meeting, at.isoformat(), str(go), share]
        started.append(subprocess.Popen(argv, stdout=subprocess.PIPE, text=True))
    for child in started:  # each has opened the log
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    begin = time.perf_counter()
    go.touch()
    latencies: list[float] = []
    for child in started:
        assert child.stdout is not None
        latencies += json.loads(child.stdout.readline())
    seconds = time.perf_counter() - begin
    for child in started:
        child.wait()
    go.unlink(missing_ok=True)
    return len(latencies), seconds, latencies
