"""Several processes on one SQLite file (reliability plan T01, T11, T13).

- T01: processes cast ballots for the same members at the same moment; exactly
  one ballot per member is counted, the rest are refused as the domain refuses
  a second ballot, and nothing raises.
- T11: writers are killed with SIGKILL while appending and started again; in
  Jepsen's terms nothing acknowledged is lost, nothing is duplicated, nothing
  unexpected appears.
- T13 (lite): a failure at each step of the append path leaves nothing behind.

Never asserts on timing. ``YISHI_LONG=1`` runs the long versions.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests import durable_worker as dw
from tests import figures
from tests import workloads as w
from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.state import replay
from yishi.engine import Engine
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import verify_sqlite

LONG = os.environ.get("YISHI_LONG") == "1"
ROOT = Path(__file__).resolve().parents[1]
# The workers import yishi and tests from the checkout, installed or not (pytest's
# own `pythonpath` setting does not reach a subprocess).
WORKER_ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    ),
}
JOIN_TIMEOUT = 600  # seconds; generous for a loaded CI machine, never a pass criterion

# -- T01: one counted ballot per member ------------------------------------------------

T01_MEMBERS = 500 if LONG else 200
T01_PROCESSES = 8 if LONG else 4
ABSENT = 10  # the last members stay away: not present
SILENT = 10  # present members for whom nobody submits anything
OUTSIDERS, NEIGHBOURS = 10, 5


def t01_submissions(rng: random.Random) -> tuple[list[list[tuple[Any, ...]]], dict[str, Any]]:
    """Each process's submissions, and what each member's group of submissions is."""
    processes: list[list[tuple[Any, ...]]] = [[] for _ in range(T01_PROCESSES)]
    groups: dict[str, Any] = {}
    next_id = 0

    def submit(voter: str, choice: str, key: str | None, where: list[int]) -> list[int]:
        """Submit in the round of ``voter``: one member per round, so that the copies
        of a member's ballot arrive together, each after a little seeded jitter."""
        nonlocal next_id
        ids = []
        round_ = len(groups)
        for p in where:
            delay = rng.uniform(0, 0.002)
            processes[p].append((next_id, voter, choice, key, round_, delay))
            ids.append(next_id)
            next_id += 1
        return ids

    eligible = T01_MEMBERS - ABSENT - SILENT
    for i in range(eligible):
        voter = w.member(i)
        where = rng.sample(range(T01_PROCESSES), rng.choice((2, 3)))
        kind = rng.choice(("no key", "no key", "own keys", "same key", "key reused"))
        ids: list[int] = []
        if kind == "key reused":  # one key, each time another choice: a client bug
            choices = rng.sample(("yes", "no", "abstain"), len(where))
        else:  # the same or different choices
            choices = [rng.choice(("yes", "no", "abstain")) for _ in where]
        for n, p in enumerate(where):
            if kind == "same key":  # one request, retried from several places
                key: str | None = f"same-{voter}"
                choice = choices[0]
            elif kind == "key reused":
                key, choice = f"reused-{voter}", choices[n]
            elif kind == "own keys":
                key, choice = f"{voter}-{p}", choices[n]
            else:
                key, choice = None, choices[n]
            ids += submit(voter, choice, key, [p])
        groups[voter] = {"kind": kind, "ids": ids, "eligible": True}
    ineligible = [(w.member(T01_MEMBERS - 1 - i), "not_present") for i in range(ABSENT)]
    ineligible += [(w.outsider(i), "not_voting_member") for i in range(OUTSIDERS)]
    ineligible += [(w.neighbour(i), "not_voting_member") for i in range(NEIGHBOURS)]
    ineligible += [(f"zz{i}", "unknown_person") for i in range(5)]
    for voter, code in ineligible:
        where = rng.sample(range(T01_PROCESSES), 2)
        ids = submit(voter, "yes", None, where)
        groups[voter] = {"kind": code, "ids": ids, "eligible": False}
    return processes, groups


def run_processes(target: Any, argsets: list[tuple[Any, ...]]) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=target, args=args) for args in argsets]
    for proc in procs:
        proc.start()
    deadline = time.monotonic() + JOIN_TIMEOUT
    for proc in procs:
        proc.join(max(1.0, deadline - time.monotonic()))
    stuck = [proc for proc in procs if proc.is_alive()]
    for proc in stuck:
        proc.kill()
        proc.join()
    assert not stuck, f"{len(stuck)} processes did not finish in {JOIN_TIMEOUT} s"
    assert [proc.exitcode for proc in procs] == [0] * len(procs)


def test_t01_one_ballot_per_member_under_concurrent_submission(tmp_path: Path) -> None:
    seed = 20260601
    db = tmp_path / "yishi.db"
    store = SQLiteStore(db)
    engine = Engine(store, w.ruleset())
    w.set_up(engine, T01_MEMBERS, outsiders=OUTSIDERS, neighbours=NEIGHBOURS)
    present = [w.member(i) for i in range(T01_MEMBERS - ABSENT)]
    dw.open_ballot_meeting(engine, present)
    before = store.head().size
    store.close()

    processes, groups = t01_submissions(random.Random(seed))
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(T01_PROCESSES, timeout=JOIN_TIMEOUT / 4)  # a crashed peer fails fast
    outs = [tmp_path / f"out-{p}.json" for p in range(T01_PROCESSES)]
    rounds = len(groups)
    run_processes(
        dw.cast_ballots,
        [
            (str(db), tasks, rounds, barrier, str(out))
            for tasks, out in zip(processes, outs, strict=True)
        ],
    )
    outputs = [json.loads(out.read_text(encoding="utf-8")) for out in outs]
    results = {r["id"]: r for output in outputs for r in output["results"]}
    races = sum((collections.Counter(o["races"]) for o in outputs), collections.Counter())
    assert len(results) == sum(len(t) for t in processes)
    errors = [r for r in results.values() if "error" in r]
    assert errors == []

    store = SQLiteStore(db)
    ballots = [s for s in store.read_all(before) if isinstance(s.event, ev.BallotCast)]
    counted = collections.Counter(s.event.voter for s in ballots)
    assert store.head().size == before + len(ballots)  # nothing else was written
    refusals: collections.Counter[str] = collections.Counter()
    for voter, group in groups.items():
        outcomes = [results[i] for i in group["ids"]]
        accepted = [r for r in outcomes if "ok" in r]
        refusals.update(r["refused"] for r in outcomes if "refused" in r)
        if not group["eligible"]:
            assert accepted == [] and counted[voter] == 0, voter
            assert {r["refused"] for r in outcomes} == {group["kind"]}, voter
            continue
        assert counted[voter] == 1, voter
        (stored,) = [s.event for s in ballots if s.event.voter == voter]
        if group["kind"] == "same key":
            # every copy of the one request gets the one receipt, never a refusal
            assert len(accepted) == len(outcomes), (voter, outcomes)
            assert all(r["ok"] == accepted[0]["ok"] for r in accepted)
            assert store.recorded(f"same-{voter}") is not None
        else:
            assert len(accepted) == 1, (voter, outcomes)
            allowed = {"already_voted"}
            if group["kind"] == "key reused":
                allowed.add("idempotency_key_reused")
            assert {r["refused"] for r in outcomes if "refused" in r} <= allowed, outcomes
        assert accepted[0]["ok"] == [stored.to_dict()]
    silent = {w.member(i) for i in range(T01_MEMBERS - ABSENT - SILENT, T01_MEMBERS - ABSENT)}
    assert not silent & set(counted)
    assert set(counted) == {v for v, g in groups.items() if g["eligible"]}
    assert verify_sqlite(db).ok
    assert store.integrity_check() == "ok"
    state = Engine(store, w.ruleset()).state
    assert set(state.meetings[dw.BALLOT_MEETING].ballots) == set(counted)
    store.close()
    figures.save(
        "t01",
        {
            "seed": seed,
            "members": T01_MEMBERS,
            "processes": T01_PROCESSES,
            "requests": len(results),
            "accepted": sum("ok" in r for r in results.values()),
            "counted ballots": len(ballots),
            "distinct voters": len(counted),
            "counted more than once": sum(n > 1 for n in counted.values()),
            "refusals": dict(refusals),
            "busy answers retried": sum(r["busy"] for r in results.values()),
            "store conflicts met": dict(races),
            "groups": dict(collections.Counter(g["kind"] for g in groups.values())),
        },
    )


# -- T11: kill -9 while appending ------------------------------------------------------

T11_PLAN = dw.Plan(
    writers=8 if LONG else 4,
    count=400 if LONG else 150,
    members=200 if LONG else 40,
    progress_matters=2,
)
T11_KILLS = 30 if LONG else 10


class Writers:
    """The writer processes, each started again after it is killed."""

    def __init__(self, workdir: Path, count: int) -> None:
        self.workdir = workdir
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.incarnations = collections.Counter[int]()
        for writer in range(count):
            self.start(writer)

    def attempts(self, writer: int) -> int:
        """How many commands the writer has started, over all its lives."""
        path = self.workdir / f"attempt-{writer}.txt"
        return path.read_bytes().count(b"\n") if path.exists() else 0

    def start(self, writer: int) -> None:
        self.incarnations[writer] += 1
        err = self.workdir / f"stderr-{writer}-{self.incarnations[writer]}.txt"
        with open(err, "wb") as stderr:
            self.procs[writer] = subprocess.Popen(
                [sys.executable, "-m", "tests.durable_worker", str(self.workdir), str(writer)],
                cwd=ROOT,
                env=WORKER_ENV,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )

    def running(self) -> bool:
        return any(proc.poll() is None for proc in self.procs.values())

    def kill_and_restart(self, writer: int) -> None:
        proc = self.procs[writer]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.start(writer)

    def check_exits(self) -> None:
        for writer, proc in self.procs.items():
            err = self.workdir / f"stderr-{writer}-{self.incarnations[writer]}.txt"
            assert proc.returncode == 0, err.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def kill_points(rng: random.Random, plan: dw.Plan, kills: int) -> dict[int, list[int]]:
    """When to kill each writer: once it has started its n-th command. Tied to progress,
    not to the clock, so a slow machine gets the same number of kills."""
    points: dict[int, list[int]] = {writer: [] for writer in range(plan.writers)}
    for _ in range(kills):
        points[rng.randrange(plan.writers)].append(rng.randrange(3, plan.count - 3))
    return {writer: sorted(set(p)) for writer, p in points.items()}


def t11_log(workdir: Path, plan: dw.Plan) -> int:
    """The shared file: members, matters in execution, a meeting all are present at."""
    (workdir / "plan.json").write_text(plan.to_json())
    store = SQLiteStore(workdir / "yishi.db", synchronous="NORMAL")  # set-up only
    engine = Engine(store, w.ruleset())
    w.set_up(engine, plan.members)
    for m in range(plan.progress_matters):
        dw.matter_in_execution(engine, f"p{m}", w.DAY + dt.timedelta(days=5 * m), plan.members)
    dw.open_ballot_meeting(engine, [w.member(i) for i in range(plan.members)])
    size = store.head().size
    store.close()
    return size


def test_t11_kill_9_during_concurrent_appends_loses_duplicates_and_invents_nothing(
    tmp_path: Path,
) -> None:
    seed, plan = 20260602, T11_PLAN
    setup_size = t11_log(tmp_path, plan)
    rng = random.Random(seed)
    pending = kill_points(rng, plan, T11_KILLS)
    writers = Writers(tmp_path, plan.writers)
    kills = 0
    deadline = time.monotonic() + JOIN_TIMEOUT
    try:
        while writers.running():
            assert time.monotonic() < deadline, f"writers did not finish in {JOIN_TIMEOUT} s"
            time.sleep(rng.uniform(0.002, 0.02))  # the jitter: where in its append it dies
            for writer, points in pending.items():
                if points and writers.attempts(writer) > points[0]:
                    writers.kill_and_restart(writer)
                    points.pop(0)
                    kills += 1
        writers.check_exits()
    finally:
        writers.stop()

    planned = {
        plan.key(writer, n): logical_id(plan.command(writer, n))
        for writer in range(plan.writers)
        for n in range(plan.count)
    }
    attempted: set[str] = set()
    acks: dict[str, list[str]] = {}
    for writer in range(plan.writers):
        attempted |= {f[0] for f in dw.lines(tmp_path / f"attempt-{writer}.txt")}
        for fields in dw.lines(tmp_path / f"ack-{writer}.txt"):
            assert fields[0] not in acks, f"acknowledged twice: {fields[0]}"
            acks[fields[0]] = fields[1:]

    store = SQLiteStore(tmp_path / "yishi.db")
    stored = list(store.read_all(setup_size))
    by_key = collections.Counter(s.command for s in stored)
    by_fact = collections.Counter(logical_id(s.event) for s in stored)
    present = set(by_key)
    statuses = collections.Counter(status for status, *_ in acks.values())
    jepsen = {
        "attempted": len(attempted),
        "acknowledged": len(acks),
        "lost": len(set(acks) - present),
        "duplicated": sum(n - 1 for n in by_key.values()) + sum(n - 1 for n in by_fact.values()),
        "unexpected": len(present - attempted) + len(set(by_fact) - set(planned.values())),
        "indeterminate": statuses["recovered"] + statuses["retried"],
        "recovered": statuses["recovered"],  # committed before the kill, found on retry
        "retried": statuses["retried"],  # not committed before the kill, written on retry
        "refused": sum(n for s, n in statuses.items() if s.startswith("refused")),
        "kills": kills,
        "busy answers retried": sum(int(fields[2]) for fields in acks.values()),
        "writers": plan.writers,
        "seed": seed,
    }
    figures.save("t11", jepsen)
    assert (jepsen["lost"], jepsen["duplicated"], jepsen["unexpected"]) == (0, 0, 0), jepsen
    assert jepsen["refused"] == 0, jepsen
    assert set(acks) == set(planned) == present  # every writer finished its plan
    assert all(int(fields[1]) == 1 for fields in acks.values())  # the receipt: one event
    for key in planned:
        recorded = store.recorded(key)
        assert recorded is not None and len(recorded[1]) == 1

    assert verify_sqlite(tmp_path / "yishi.db").ok
    assert store.integrity_check() == "ok"
    one, other = Engine(store, w.ruleset()), Engine(SQLiteStore(tmp_path / "yishi.db"), w.ruleset())
    assert one.state == other.state
    assert replay([s.event for s in store.read_all()]) == one.state
    ballots = one.state.meetings[dw.BALLOT_MEETING].ballots
    assert set(ballots) == {fact[1] for fact in planned.values() if fact[0] == "ballot"}
    other.store.close()
    store.close()


def logical_id(event_or_command: Any) -> Any:
    """What makes a fact the same fact: the member of a ballot, the text of a report."""
    if isinstance(event_or_command, (ev.BallotCast, c.CastVote)):
        return ("ballot", event_or_command.voter)
    if isinstance(event_or_command, (ev.ProgressRecorded, c.RecordProgress)):
        return ("progress", event_or_command.text)
    return ("other", repr(event_or_command))


# -- T13 (lite): a failure at each step of the append path ---------------------------


class FaultyConnection:
    """The store's connection, failing once at one step of the append path."""

    def __init__(self, db: sqlite3.Connection, point: str, error: BaseException) -> None:
        self._db, self.point, self.error = db, point, error
        self.fired = False

    def fire(self, point: str) -> None:
        if point == self.point and not self.fired:
            self.fired = True
            raise self.error

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql.startswith("INSERT INTO commands"):
            self.fire("after INSERT of the events")
        if sql == "COMMIT":
            self.fire("after INSERT of the idempotency key, before COMMIT")
        cursor = self._db.execute(sql, *args)
        if sql == "COMMIT":
            self.fire("after COMMIT, before returning")
        return cursor

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        self.fire("during INSERT of the events")
        return self._db.executemany(sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


FAULT_POINTS = [
    "after hashing",
    "during INSERT of the events",
    "after INSERT of the events",
    "after INSERT of the idempotency key, before COMMIT",
    "after COMMIT, before returning",
]
FAULTS = [
    pytest.param(sqlite3.OperationalError("disk I/O error"), id="io-error"),
    pytest.param(sqlite3.OperationalError("database or disk is full"), id="disk-full"),
    pytest.param(KeyboardInterrupt(), id="interrupted"),
]


def raw(db: Path) -> tuple[list[Any], list[Any]]:
    reader = sqlite3.connect(db)
    try:
        return (
            reader.execute("SELECT * FROM events ORDER BY seq").fetchall(),
            reader.execute("SELECT * FROM commands ORDER BY key").fetchall(),
        )
    finally:
        reader.close()


@pytest.mark.parametrize("error", FAULTS)
@pytest.mark.parametrize("point", FAULT_POINTS)
def test_t13_a_failure_in_the_append_path_leaves_nothing_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str, error: BaseException
) -> None:
    db = tmp_path / "yishi.db"
    store = SQLiteStore(db)
    engine = Engine(store, w.ruleset())
    w.set_up(engine, 6)
    dw.open_ballot_meeting(engine, [w.member(i) for i in range(6)])
    rows, commands = raw(db)
    head = store.head()
    ballot = c.CastVote(actor="a0001", meeting=dw.BALLOT_MEETING, voter="a0001", choice="no")

    faulty = FaultyConnection(store._db, point, error)
    monkeypatch.setattr(store, "_db", faulty)
    if point == "after hashing":
        import yishi.store.sqlite as sqlite_module

        make_records = sqlite_module.make_records

        def hashed_then_failed(*args: Any, **kwargs: Any) -> Any:
            made = make_records(*args, **kwargs)
            faulty.fire(point)
            return made

        monkeypatch.setattr(sqlite_module, "make_records", hashed_then_failed)
    with pytest.raises(type(error)):
        engine.execute(ballot, dw.AT, key="phone-1")
    assert faulty.fired
    assert not faulty.in_transaction  # rolled back, the write lock released
    committed = point == "after COMMIT, before returning"
    after_rows, after_commands = raw(db)
    if committed:  # durable, but nobody was told: the retry below must not add to it
        assert after_rows[: len(rows)] == rows and len(after_rows) == len(rows) + 1
        assert len(after_commands) == len(commands) + 1
    else:
        assert (after_rows, after_commands, store.head()) == (rows, commands, head)
    # another process can write at once: no lock is left behind
    other = SQLiteStore(db, busy_timeout=5)
    assert other.integrity_check() == "ok"
    other.close()

    # the retry with the same key is recorded once, whatever happened before
    events = engine.execute(ballot, dw.AT, key="phone-1")
    assert [e.type for e in events] == ["BallotCast"]
    final_rows, final_commands = raw(db)
    assert len(final_rows) == len(rows) + 1 and len(final_commands) == len(commands) + 1
    assert engine.state.meetings[dw.BALLOT_MEETING].ballots == {"a0001": "no"}
    # and the store goes on as before
    engine.execute(
        c.CastVote(actor="a0002", meeting=dw.BALLOT_MEETING, voter="a0002", choice="yes"), dw.AT
    )
    store.close()
    report = verify_sqlite(db)
    assert report.ok and report.head.size == head.size + 2
