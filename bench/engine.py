"""How fast yishi writes and replays, against raw SQLite on the same disk.

One run measures, in a temporary directory under the current directory (the
real disk, not tmpfs), with the settings yishi ships (WAL, synchronous=FULL):

  a. raw SQLite inserts into a table with yishi's ``events`` schema (the same
     indexes and UNIQUE keys; precomputed rows of a BallotCast's size): one
     transaction per row, and 1,000 rows per transaction;
  b. yishi commands through the Engine (SQLite store, built-in plugins): single
     ballots on one matter whose body (a 村民会议) has 10,000 eligible voters,
     and 1,000 matters advancing at once (propose / convene / check-in /
     ballots / close, one command per matter in turn);
  c. the bulk path: 10,000 paper ballots entered as one ``EnterBallots`` command
     (and, for reference, 10,000 check-ins as one ``CheckIn``);
  d. replay: a new Engine on a file of 1,000,000 events (read + decode + evolve).

The raw inserts are taken in rounds between yishi's rounds, so that a ratio
compares the two over the same minutes on a shared machine. Each yishi figure
is printed with its ratio to raw SQLite and its aim; an aim that is missed is
followed by a short cProfile of that path. bench/README.md explains the lines.

    python bench/engine.py [--quick] [--events N] [--adults N] [--keep] [--no-profile]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import gc
import hashlib
import io
import os
import platform
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.rules import RuleSet
from yishi.engine import Engine
from yishi.plugins.host import PluginHost
from yishi.rulesets.registry import find
from yishi.store.chain import GENESIS, canonical, record_hash
from yishi.store.sqlite import SCHEMA, SQLiteStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bulk_parts
import raw_sqlite
import replay_codec
import scale

RULESET = "siyi_liang_gongkai"
T0 = dt.datetime(2026, 3, 2, 9, 0)
CHAIR = "v00001"  # 书记 and 村委会主任 (一肩挑): proposes, convenes and runs every meeting

TURN = 25  # commands per turn in b., between raw samples

# The aims (issue 12), against the minimal chained table of bench/raw_sqlite.py.
AIM_COMMAND = 0.8  # × raw one-row transactions
AIM_BULK = 0.6  # × raw 1,000-row transactions with the chain
AIM_REPLAY = 0.8  # × raw read + json + verify
AIM_CLIENTS = 3.0  # 8 clients × raw one-row transactions
AIM_CLIENTS_P99 = 0.050  # seconds
AIM_VERIFY = 0.5  # × raw read + json + verify
AIM_FLAT = 1.5  # append p50 at the largest log / at the smallest
AIM_MEMORY = 20  # bytes per event that verify's peak memory may grow by
AIM_STARTUP = 3.0  # yishi --help / python -c pass


# -- the machine ---------------------------------------------------------------


def filesystem(path: Path) -> str:
    """The mount holding ``path``: "ext4 on /dev/vda (/)"."""
    best = ("", "?", "?")
    target = str(path.resolve())
    with contextlib.suppress(OSError), open("/proc/mounts", encoding="utf-8") as mounts:
        for line in mounts:
            device, point, kind = line.split()[:3]
            inside = target == point or target.startswith(point.rstrip("/") + "/")
            if inside and len(point) >= len(best[0]):
                best = (point, kind, device)
    return f"{best[1]} on {best[2]} ({best[0]})"


def describe_machine(directory: Path) -> list[str]:
    cpu = "?"
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return [
        f"date        {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"machine     {os.cpu_count()} CPU ({cpu}), {platform.system()} {platform.release()}",
        f"python      {platform.python_implementation()} {platform.python_version()}",
        f"sqlite      {sqlite3.sqlite_version} (journal_mode=WAL, synchronous=FULL)",
        f"directory   {directory} — {filesystem(directory)}",
    ]


# -- printing --------------------------------------------------------------------


def line(label: str, count: int, seconds: float, unit: str) -> float:
    rate = count / seconds if seconds else float("inf")
    per = seconds / count * 1e6 if count else 0.0
    print(f"  {label:<46} {count:>9,} {unit:<8} {seconds:8.2f} s {rate:>11,.0f}/s {per:9.1f} µs")
    return rate


def verdict(label: str, value: float, aim: float | None, sense: str = "≥") -> bool:
    """One summary line; ``aim`` None: for information."""
    if aim is None:
        print(f"  .. {label:<46} {value:>10.2f}")
        return True
    met = value >= aim if sense == "≥" else value <= aim
    print(f"  => {label:<46} {value:>10.2f}   aim {sense} {aim:<8g} {'met' if met else 'MISSED'}")
    return met


def profile(title: str, run: Callable[[], object], top: int = 10) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order).print_stats(top)
        body = out.getvalue()
        start = body.find("   ncalls")
        print(f"\n  -- profile: {title}, top {top} by {order} --")
        for text in body[start:].rstrip().splitlines():
            print("  " + text.replace(str(Path(sys.prefix)), "<venv>").replace(os.getcwd(), "."))


@contextlib.contextmanager
def timer() -> Iterator[list[float]]:
    """``[wall seconds, CPU seconds]`` of the block (CPU: this process, user + system)."""
    box = [0.0, 0.0]
    cpu = time.process_time()
    start = time.perf_counter()
    yield box
    box[0] = time.perf_counter() - start
    box[1] = time.process_time() - cpu


# -- a. raw SQLite -----------------------------------------------------------------


INSERT = (
    "INSERT INTO events (seq, stream, version, type, payload, command, prev, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_FACT = "INSERT INTO facts (key, seq) VALUES (?, ?)"


class Tally:
    """Operations done and the wall time they took, added up over rounds."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.cpu = 0.0  # this process's CPU time in the same windows

    def add(self, count: int, seconds: float, cpu: float = 0.0) -> None:
        self.count += count
        self.seconds += seconds
        self.cpu += cpu

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else float("inf")


class Raw:
    """yishi's ``events`` table (the same schema) written by hand: precomputed rows,
    chained hashes, a uniqueness key per row; no Python between the statements."""

    def __init__(self, path: Path, prefill: int) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self.seq = 0
        self.prev = GENESIS
        self.payload = 0  # characters, for the mean
        self.single = Tally()
        self.batched = Tally()  # 1,000 rows per transaction
        self.whole = Tally()  # all of a bulk command's rows in one transaction, as yishi does
        # A table about as large as yishi's log while it is measured.
        rows, facts = self.rows(prefill)
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany(INSERT, rows)
        self.db.executemany(INSERT_FACT, facts)
        self.db.execute("COMMIT")

    def rows(self, n: int) -> tuple[list[tuple[Any, ...]], list[tuple[str, int]]]:
        """Rows shaped like yishi's: a BallotCast's canonical JSON, chained hashes;
        and its fact recorded once (its key)."""
        rows, facts = [], []
        for _ in range(n):
            self.seq += 1
            seq, voter = self.seq, f"v{self.seq % 100_000:05d}"
            event = ev.BallotCast(
                at=T0 + dt.timedelta(seconds=seq),
                actor=voter,
                matter="m00001",
                meeting=f"m00001-resolve-{seq // 100_000}",
                voter=voter,
                choice=choice(seq),
            )
            payload = canonical(event.to_dict())
            self.payload += len(payload)
            digest = record_hash(seq, "matter-m00001", seq, self.prev, None, payload)
            facts.append((f"ballot/{event.meeting}/{voter}", seq))
            rows.append((seq, "matter-m00001", seq, event.type, payload, None, self.prev, digest))
            self.prev = digest
        return rows, facts

    def one_per_transaction(self, n: int) -> None:
        (rows, facts), db = self.rows(n), self.db
        with timer() as t:
            for row, fact in zip(rows, facts, strict=True):
                db.execute("BEGIN IMMEDIATE")
                db.execute(INSERT, row)
                db.execute(INSERT_FACT, fact)
                db.execute("COMMIT")
        self.single.add(n, t[0])

    def in_batches(self, n: int, batch: int = 1_000) -> None:
        (rows, facts), db = self.rows(n), self.db
        with timer() as t:
            for at in range(0, n, batch):
                db.execute("BEGIN IMMEDIATE")
                db.executemany(INSERT, rows[at : at + batch])
                db.executemany(INSERT_FACT, facts[at : at + batch])
                db.execute("COMMIT")
        (self.batched if batch == 1_000 else self.whole).add(n, t[0])


# -- b., c. yishi through the Engine ------------------------------------------------


class Village:
    """A village of ``adults`` adults built through the Engine, and a clock that moves on."""

    def __init__(self, engine: Engine, adults: int) -> None:
        self.engine = engine
        self.adults = [f"v{i:05d}" for i in range(1, adults + 1)]
        self.now = T0
        self.matters = 0

    def run(self, command: cmd.Command) -> list[ev.Event]:
        return self.engine.execute(command, self.now)

    def later(self, days: int = 0, minutes: int = 1) -> None:
        self.now += dt.timedelta(days=days, minutes=minutes)

    def setup_command(self) -> cmd.SetUpCommunity:
        people, households = [], []
        for index, person in enumerate(self.adults):
            household = f"h{index // 4 + 1:05d}"
            if index % 4 == 0:
                households.append(
                    cmd.HouseholdSpec(
                        id=household, name=f"第{index // 4 + 1}户", representative=person
                    )
                )
            people.append(
                cmd.PersonSpec(
                    id=person,
                    name=f"村民{person}",
                    gender="female" if index % 2 else "male",
                    born=dt.date(1950 + index % 50, 1 + index % 12, 1 + index % 28),
                    household=household,
                    party="full" if index < 50 else None,
                )
            )
        v = self.adults

        def body(body_id: str, members: Mapping[str, tuple[str, ...]]) -> cmd.BodySpecEntry:
            return cmd.BodySpecEntry(
                id=body_id,
                members=tuple(cmd.MemberSpec(person=p, roles=r) for p, r in members.items()),
            )

        # v00001 is 书记 and 主任 (一肩挑); the 村民代表会议 is 5 村委会 members and
        # 45 representatives, every other one a woman.
        committee = {v[0]: ("director",), v[5]: ("deputy_director",)}
        committee.update({p: ("member",) for p in v[6:9]})
        bodies = (
            body(
                "party_branch_committee",
                {
                    v[0]: ("secretary",),
                    v[1]: ("deputy_secretary",),
                    **{p: ("member",) for p in v[2:5]},
                },
            ),
            body("village_committee", committee),
            body(
                "two_committees",
                {v[0]: ("secretary", "director"), **{p: ("member",) for p in v[1:9]}},
            ),
            body("party_members_assembly", {p: ("member",) for p in v[:50]}),
            body(
                "representatives_assembly",
                {
                    **{p: ("committee_member",) for p in (v[0], *v[5:9])},
                    **{p: ("representative",) for p in v[9:54]},
                },
            ),
            body(
                "monitoring_committee", {v[59]: ("chair",), v[60]: ("member",), v[61]: ("member",)}
            ),
        )
        return cmd.SetUpCommunity(
            actor="system", people=tuple(people), households=tuple(households), bodies=bodies
        )

    def new_matter(self) -> str:
        self.matters += 1
        matter = f"m{self.matters:05d}"
        self.run(
            cmd.ProposeMatter(actor=CHAIR, matter=matter, title=f"第{self.matters}号事项：村道硬化")
        )
        return matter

    def hold(
        self, matter: str, stage: str, body: str, method: str, notice: int, check_in: bool = True
    ) -> str:
        """Convene the matter's current stage, let the notice run, check everyone in."""
        meeting = f"{matter}-{stage}"
        self.run(
            cmd.ConveneMeeting(
                actor=CHAIR,
                matter=matter,
                meeting=meeting,
                body=body,
                date=(self.now + dt.timedelta(days=notice)).date(),
                method=method,
            )
        )
        self.later(days=notice)
        if check_in:
            people = tuple(self.members(body))
            self.run(cmd.CheckIn(actor=CHAIR, meeting=meeting, people=people))
        return meeting

    def members(self, body: str) -> list[str]:
        if body == "villagers_assembly":
            return self.adults
        return list(self.engine.state.bodies[body].members)

    def pass_by_hand_count(self, matter: str, stage: str, body: str, notice: int) -> None:
        meeting = self.hold(matter, stage, body, "hand_count", notice)
        yes = len(self.members(body))
        self.run(cmd.EnterHandCount(actor=CHAIR, meeting=meeting, yes=yes, no=0))
        self.run(cmd.CloseMeeting(actor=CHAIR, meeting=meeting))

    def assembly_meeting(self, check_in: bool = True) -> str:
        """A fresh matter taken to its 村民会议, every adult checked in: ready for ballots."""
        matter = self.new_matter()
        self.pass_by_hand_count(matter, "propose", "party_branch_committee", 0)
        self.pass_by_hand_count(matter, "consult", "two_committees", 0)
        self.pass_by_hand_count(matter, "review", "party_members_assembly", 3)
        return self.hold(matter, "resolve", "villagers_assembly", "written", 10, check_in)


def choice(index: int) -> str:
    return ("yes", "yes", "yes", "no", "abstain")[index % 5]


def single_ballots(village: Village, meeting: str, voters: list[str]) -> None:
    for index, voter in enumerate(voters):
        village.run(cmd.CastVote(actor=voter, meeting=meeting, voter=voter, choice=choice(index)))


def round_robin(
    village: Village,
    count: int,
    between: Callable[[int], object] = lambda turns: None,
    method: str = "roll_call",
) -> Tally:
    """``count`` matters through their first meeting, one command per matter in turn:
    propose, convene, check in the branch committee, its five ballots, close.
    ``between(turns)`` runs before each turn of TURN commands, outside the time taken.
    ``method`` "secret" makes every ballot a box write, which folds the WAL into
    the file (three more fsyncs, store/ballot_box.py): measured apart."""
    run = village.run
    first = village.matters + 1
    matters = [f"m{n:05d}" for n in range(first, first + count)]
    village.matters += count
    members = village.members("party_branch_committee")
    today = village.now.date()

    def propose(matter: str) -> cmd.Command:
        return cmd.ProposeMatter(actor=CHAIR, matter=matter, title=f"事项 {matter}")

    def convene(matter: str) -> cmd.Command:
        meeting = f"{matter}-p"
        return cmd.ConveneMeeting(
            actor=CHAIR, matter=matter, meeting=meeting, date=today, method=method
        )

    def check_in(matter: str) -> cmd.Command:
        return cmd.CheckIn(actor=CHAIR, meeting=f"{matter}-p", people=tuple(members))

    def ballot(index: int) -> Callable[[str], cmd.Command]:
        voter = members[index]
        return lambda matter: cmd.CastVote(
            actor=voter, meeting=f"{matter}-p", voter=voter, choice=choice(index)
        )

    def close(matter: str) -> cmd.Command:
        return cmd.CloseMeeting(actor=CHAIR, meeting=f"{matter}-p")

    rounds = [propose, convene, check_in, *(ballot(i) for i in range(len(members))), close]
    done = Tally()
    for make in rounds:
        commands = [make(matter) for matter in matters]
        turns = max(1, len(commands) // TURN)
        for at in range(0, len(commands), TURN):  # short turns, as in b.
            between(turns)
            with timer() as t:
                for command in commands[at : at + TURN]:
                    run(command)
            done.add(len(commands[at : at + TURN]), t[0], t[1])
    for matter in matters[:3]:
        assert village.engine.state.matters[matter].stage == "consult", matter
    return done


def paper_ballots(village: Village, meeting: str) -> cmd.EnterBallots:
    ballots = tuple((voter, choice(i)) for i, voter in enumerate(village.adults))
    return cmd.EnterBallots(actor=CHAIR, meeting=meeting, ballots=ballots)


def open_engine(path: Path, ruleset: RuleSet) -> Engine:
    """An engine as an application runs it: the SQLite store, the built-in plugins."""
    return Engine(SQLiteStore(path), ruleset, plugins=PluginHost.load(entry_points=False))


def bench_commands(
    village: Village,
    raw: Raw,
    minimal: raw_sqlite.Minimal,
    factual: raw_sqlite.Minimal,
    rounds: int,
    ballots: int,
    probe: int,
    matters: int,
) -> dict[str, float]:
    """b. Commands one at a time, with raw one-row transactions sampled between
    the rounds (both tables), so that all see the same disk and the same neighbours."""
    print("\nb. commands, one fsync'd transaction each; raw one-row transactions between rounds")
    meeting = village.assembly_meeting()
    voters = iter(village.adults)
    single = Tally()
    for _ in range(rounds):
        chunk = [next(voters) for _ in range(ballots // rounds)]
        gc.collect()
        # Turns of TURN commands, each after a few raw rows of both tables: the
        # shared disk's fsync time changes from one second to the next, and turns
        # this short put yishi and raw in the same seconds.
        turns = max(1, len(chunk) // TURN)
        for at in range(0, len(chunk), TURN):
            minimal.one_per_transaction(max(1, probe // turns))
            raw.one_per_transaction(max(1, probe // turns))
            factual.one_per_transaction(max(1, probe // turns))
            with timer() as t:
                single_ballots(village, meeting, chunk[at : at + TURN])
            single.add(len(chunk[at : at + TURN]), t[0], t[1])
    line("a. raw minimal table: one row per transaction", *_done(minimal.single), "rows")
    line("a. raw, yishi's table: one row per transaction", *_done(raw.single), "rows")
    line("a. raw minimal + facts: one row per transaction", *_done(factual.single), "rows")
    adults = len(village.adults)
    line(
        f"   yishi: ballots, one command each ({adults:,} voters)",
        single.count,
        single.seconds,
        "commands",
    )
    ratios = {
        "single": single.rate / minimal.single.rate,
        "single_own": single.rate / raw.single.rate,
        "single_cap": ceiling(single, minimal.single),
        "cold_work": cold_work(minimal, rounds=4 * rounds, rows=max(25, probe // 8)),
        "facts_cap": factual.single.rate / minimal.single.rate,
    }
    frames(village, meeting, voters, minimal, factual)
    before = minimal.single.count, minimal.single.seconds

    def between(turns: int) -> None:
        minimal.one_per_transaction(max(1, probe // turns))

    robin = round_robin(village, matters, between)
    count, seconds = minimal.single.count - before[0], minimal.single.seconds - before[1]
    line("a. raw minimal table: one row per transaction", count, seconds, "rows")
    line(f"   yishi: {matters:,} matters round-robin", robin.count, robin.seconds, "commands")
    ratios["round_robin"] = robin.rate / (count / seconds)
    before = minimal.single.count, minimal.single.seconds
    secret = round_robin(village, matters, between, method="secret")
    count, seconds = minimal.single.count - before[0], minimal.single.seconds - before[1]
    line("a. raw minimal table: one row per transaction", count, seconds, "rows")
    line("   yishi: the same, secret ballots", secret.count, secret.seconds, "commands")
    ratios["round_robin_secret"] = secret.rate / (count / seconds)
    return ratios


def frames(
    village: Village,
    meeting: str,
    voters: Iterator[str],
    minimal: raw_sqlite.Minimal,
    factual: raw_sqlite.Minimal,
    commits: int = 200,
) -> None:
    """Pages each commit hands to the fsync. A ballot's commit writes the log's
    row, its (stream, version) key and its fact (one ballot per voter): three
    B-tree pages, where the minimal table writes two. Untimed commits."""
    chunk = [voter for _, voter in zip(range(commits), voters, strict=False)]
    if not chunk:
        return
    spare = raw_sqlite.Tally()
    store: Any = village.engine.store
    counts = (
        raw_sqlite.wal_frames(
            store._db, lambda: single_ballots(village, meeting, chunk), len(chunk)
        ),
        raw_sqlite.wal_frames(
            minimal.db, lambda: minimal.one_per_transaction(commits, into=spare), commits
        ),
        raw_sqlite.wal_frames(
            factual.db, lambda: factual.one_per_transaction(commits, into=spare), commits
        ),
    )
    print(
        "     WAL pages a commit (what its fsync flushes): yishi ballot {:.2f}, "
        "raw minimal {:.2f}, raw minimal and a facts row {:.2f}".format(*counts)
    )


def _done(tally: Tally | raw_sqlite.Tally) -> tuple[int, float]:
    return tally.count, tally.seconds


def ceiling(yishi: Tally, raw: raw_sqlite.Tally) -> float:
    """The best ratio yishi's one-command commits could reach against raw one-row
    commits if its only extra cost were its extra CPU per command (decide, encode,
    hash, fold, plugins): raw's wall time per row / (that + yishi's extra CPU).
    Both commit one fsync'd transaction; on a shared machine the fsync varies far
    more than the CPU does, so this shows where the gap comes from."""
    extra = yishi.cpu / yishi.count - raw.cpu / raw.count
    wall = raw.seconds / raw.count
    print(
        f"     CPU per command: yishi {extra * 1e6 + raw.cpu / raw.count * 1e6:,.0f} µs, "
        f"raw {raw.cpu / raw.count * 1e6:,.0f} µs; raw's wall per row {wall * 1e6:,.0f} µs: "
        f"yishi's extra CPU alone caps the ratio at {wall / (wall + extra):.2f}"
    )
    return wall / (wall + extra)


def cold_work(minimal: raw_sqlite.Minimal, rounds: int, rows: int, aim_us: float = 40) -> float:
    """What a fixed piece of Python costs when it runs between fsyncs, against
    what it costs timed alone: the factor by which a command's CPU counts.

    The piece: a ballot event encoded and hashed as yishi does, repeated to
    about ``aim_us`` (near yishi's extra CPU per command). It runs before each
    of raw minimal's one-row commits, in rounds interleaved with plain ones; the
    difference in wall time per row is its cost there. A thread that sleeps in
    fsync comes back to cold caches, so the same instructions take longer."""
    event = ev.BallotCast(
        at=T0, actor="v00001", matter="m00001", meeting="m00001-p", voter="v00001", choice="yes"
    )

    def unit() -> bytes:
        return hashlib.sha256(canonical(event.to_dict()).encode()).digest()

    start = time.perf_counter()
    for _ in range(2_000):
        unit()
    repeat = max(1, round(aim_us * 1e-6 / ((time.perf_counter() - start) / 2_000)))

    def work() -> None:
        for _ in range(repeat):
            unit()

    start = time.perf_counter()
    for _ in range(500):
        work()
    hot = (time.perf_counter() - start) / 500
    # Short rounds, alternating, and medians: fsync's time wanders from one
    # second to the next by more than the work costs.
    plain: list[float] = []
    worked: list[float] = []
    spare = raw_sqlite.Tally()  # kept out of the one-row figures the aims use
    for _ in range(rounds):
        plain += minimal.one_per_transaction(rows, into=spare)
        worked += minimal.one_per_transaction(rows, work, into=spare)
    cold = statistics.median(worked) - statistics.median(plain)
    print(
        f"     Python between fsyncs: {hot * 1e6:,.0f} µs of encoding and hashing, timed alone, "
        f"adds {cold * 1e6:,.0f} µs to a raw one-row commit's median (×{cold / hot:.1f}): "
        "CPU spent between fsyncs costs more than a profile shows, yishi's too"
    )
    return cold / hot


def bench_clients(
    village: Village, minimal: raw_sqlite.Minimal, probe: int, per_client: int, rounds: int
) -> dict[str, float]:
    """e. Clients sharing one Engine (threads, as a portal serves them): group commit.

    Each run is cut into ``rounds``, each after a sample of raw one-row
    transactions, as in b.: one sample taken before the whole run once read
    a passing slow second of the disk (raw at a third of its rate) as a ratio
    of 4 for clients that did no better than usual."""
    print("\ne. clients sharing one Engine (threads); raw one-row transactions between rounds")
    engine = village.engine
    group = engine._group
    results: dict[str, float] = {}
    for threads in (1, 8):
        meeting = village.assembly_meeting()
        voters = village.adults[: per_client * threads]
        raw = raw_sqlite.Tally()
        raw_latency: list[float] = []
        done = Tally()
        latencies: list[float] = []
        batches = (group.batches, group.commands) if group else (0, 0)
        step = -(-len(voters) // rounds)
        for at in range(0, len(voters), step):
            raw_latency += minimal.one_per_transaction(max(1, probe // rounds), into=raw)
            gc.collect()
            count, seconds, taken = scale.clients(
                engine, meeting, voters[at : at + step], threads, village.now
            )
            done.add(count, seconds)
            latencies += taken
        rate = line(f"   yishi: {threads} client(s), ballots", done.count, done.seconds, "commands")
        size = (group.commands - batches[1]) / max(1, group.batches - batches[0]) if group else 1
        print(
            f"     p50 {scale.micro(scale.percentile(latencies, 0.5))}, "
            f"p99 {scale.micro(scale.percentile(latencies, 0.99))}, "
            f"max {scale.micro(max(latencies))}; {size:.1f} commands per commit; "
            f"raw one-row p50 {scale.micro(scale.percentile(raw_latency, 0.5))}, "
            f"{raw.rate:,.0f}/s in {rounds} samples"
        )
        results[f"clients{threads}"] = rate / raw.rate
        results[f"clients{threads}_p99"] = scale.percentile(latencies, 0.99)
    # Several processes, each its own Engine on the same file (a portal run as
    # several worker processes): each commits its own batches, one at a time.
    meeting = village.assembly_meeting()
    voters = village.adults[: per_client * 8]
    raw = raw_sqlite.Tally()  # sampled before and after: the processes run as one
    minimal.one_per_transaction(max(1, probe // 2), into=raw)
    path = Path(engine.store.path)  # type: ignore[attr-defined]
    count, seconds, latencies = scale.processes(path, RULESET, meeting, voters, 8, village.now)
    minimal.one_per_transaction(max(1, probe // 2), into=raw)
    raw_rate = raw.rate
    rate = line("   yishi: 8 processes, ballots", count, seconds, "commands")
    print(
        f"     p50 {scale.micro(scale.percentile(latencies, 0.5))}, "
        f"p99 {scale.micro(scale.percentile(latencies, 0.99))}, "
        f"max {scale.micro(max(latencies))}; raw one-row {raw_rate:,.0f}/s"
    )
    results["processes8"] = rate / raw_rate
    results["processes8_p99"] = scale.percentile(latencies, 0.99)
    engine.catch_up()
    return results


def bench_bulk(
    village: Village, raw: Raw, minimal: raw_sqlite.Minimal, rounds: int
) -> dict[str, float]:
    """c. One command, many events, against raw inserts of 1,000 rows per transaction."""
    print("\nc. the bulk path: one command, many events; raw batched inserts between rounds")
    adults = len(village.adults)
    bulk, check_in = Tally(), Tally()
    for _ in range(rounds):
        meeting = village.assembly_meeting(check_in=False)
        minimal.in_batches(adults)
        minimal.in_batches(adults, batch=adults)
        raw.in_batches(adults)
        everyone = cmd.CheckIn(actor=CHAIR, meeting=meeting, people=tuple(village.adults))
        paper = paper_ballots(village, meeting)
        gc.collect()
        with timer() as t:
            village.run(everyone)
        check_in.add(adults, t[0])
        gc.collect()
        size = village.engine.position
        with timer() as t:
            village.run(paper)
        bulk.add(adults, t[0], t[1])
        assert village.engine.position == size + 1  # the stack is one record
    line("a. raw minimal: 1,000 rows per transaction", *_done(minimal.batched), "rows")
    line(f"a. raw minimal: {adults:,} rows in one transaction", *_done(minimal.whole), "rows")
    line("a. raw, yishi's table: 1,000 rows per txn", *_done(raw.batched), "rows")
    line(f"   yishi: EnterBallots, {adults:,} paper ballots", bulk.count, bulk.seconds, "ballots")
    line(f"   yishi: CheckIn, {adults:,} people", check_in.count, check_in.seconds, "events")
    print(
        f"     (EnterBallots / raw minimal {adults:,} rows in one transaction: "
        f"{bulk.rate / minimal.whole.rate:.2f})"
    )
    cpu_ratio = (minimal.batched.cpu / minimal.batched.count) / (bulk.cpu / bulk.count)
    print(
        f"     CPU per event: yishi {bulk.cpu / bulk.count * 1e6:.1f} µs, raw minimal "
        f"1,000-row batches {minimal.batched.cpu / minimal.batched.count * 1e6:.1f} µs: "
        f"{cpu_ratio:.2f} (CPU time, which neighbours on a shared machine disturb less)"
    )
    meeting = village.assembly_meeting()
    parts = bulk_parts.breakdown(
        village.engine.state,
        village.engine.ruleset_for(paper_ballots(village, meeting)),
        paper_ballots(village, meeting),
        village.now,
        minimal_dir(minimal),
    )
    print(bulk_parts.report(parts))
    return {
        "bulk": bulk.rate / minimal.batched.rate,
        "bulk_own": bulk.rate / raw.batched.rate,
        "bulk_cpu": cpu_ratio,
    }


# -- d. replay ------------------------------------------------------------------------


def minimal_dir(minimal: raw_sqlite.Minimal) -> Path:
    """The directory raw minimal's file is in (the run's temporary directory)."""
    row = minimal.db.execute("PRAGMA database_list").fetchone()
    return Path(row[2]).parent


def write_log(path: Path, n: int, chunk: int = 20_000) -> None:
    """``n`` events of bench/replay_codec.py's realistic village, appended in large batches."""
    store = SQLiteStore(path)
    rng = replay_codec.random.Random(7)
    versions: dict[str, int] = {}
    written = 0
    pending: list[tuple[str, int, ev.Event]] = []

    def events() -> Iterator[ev.Event]:
        yield from replay_codec._village(rng)
        people = [f"p{i:04d}" for i in range(1, 3001)]
        number = 0
        while True:
            number += 1
            yield from replay_codec._matter(rng, number, people)

    for event in events():
        if written + len(pending) >= n:
            break
        stream = event.stream
        version = versions.get(stream, 0)
        pending.append((stream, version, event))
        versions[stream] = version + 1
        if len(pending) >= chunk:
            store.append(pending)
            written += len(pending)
            pending = []
    if pending:
        store.append(pending)
    store.close()


def bench_replay(directory: Path, ruleset: RuleSet, n: int, repeat: int) -> dict[str, float]:
    print(f"\nd. replay: a new Engine on a file of {n:,} events (read + decode + evolve)")
    path = directory / "replay.db"
    with timer() as t:
        write_log(path, n)
    line("writing the log (not part of the aim)", n, t[0], "events")
    best, cpu, raw_best = float("inf"), float("inf"), float("inf")
    for _ in range(repeat):
        rows, seconds = raw_sqlite.read_json_verify(path)
        raw_best = min(raw_best, seconds)
        gc.collect()
        started = time.process_time()
        with timer() as t:
            store = SQLiteStore(path)
            engine = Engine(store, ruleset)
        cpu = min(cpu, time.process_time() - started)
        best = min(best, t[0])
        assert engine.position == n, (engine.position, n)
        store.close()
        del engine
        gc.unfreeze()
        gc.collect()
    line(f"a. raw: read + json + verify, best of {repeat}", rows, raw_best, "rows")
    rate = line(f"   Engine(store), catch-up from 0, best of {repeat}", n, best, "events")
    line("     the same, CPU time", n, cpu, "events")
    with SQLiteStore(path) as store, timer() as t:
        rows = sum(len(chunk) for chunk in store._chunks("SELECT seq, payload FROM events", 0))
    line("     SQLite reading the rows alone", rows, t[0], "rows")

    print(f"\nf. verify: `verify_sqlite` of the same {n:,} events, in a fresh process")
    verify_best, grew, peak = float("inf"), 0.0, 0.0
    for _ in range(repeat):
        result = scale.verify_in_child(path)
        # The synthetic log names attachments it does not have and checkpoints it
        # did not take: verify reports them, and does all its work regardless.
        assert result["records"] == n, result
        verify_best = min(verify_best, result["seconds"])
        grew, peak = result["grew_kb"], result["peak_kb"]
    line(f"   yishi verify, best of {repeat}", n, verify_best, "events")
    # SQLite's page cache (cache_size -2000: up to 2,000 KiB) fills whatever the
    # log's size; what grows beyond it would grow with the log.
    per_event = max(0.0, grew - 2000) * 1024 / n
    print(
        f"     peak memory grew by {grew / 1024:,.1f} MB while verifying: {per_event:.1f} "
        f"bytes/event (the process's peak: {peak / 1024:,.1f} MB)"
    )
    gc.collect()
    return {
        "replay": (n / best) / (rows / raw_best),
        "replay_rate": n / best,
        "verify": (n / verify_best) / (rows / raw_best),
        "verify_memory": per_event,
        "rate": rate,
    }


def replay_profile(directory: Path, ruleset: RuleSet) -> None:
    with SQLiteStore(directory / "replay.db") as store:
        profile("replay", lambda: Engine(store, ruleset))


# -- the run ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run (about a minute)")
    parser.add_argument("--events", type=int, help="replay size (default 1,000,000; quick 100,000)")
    parser.add_argument(
        "--adults", type=int, help="voters in the 村民会议 (default 10,000; quick 2,000)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--no-profile", action="store_true", help="no profile for a missed aim")
    args = parser.parse_args(argv)
    quick = args.quick
    events = args.events or (100_000 if quick else 1_000_000)
    adults = args.adults or (2_000 if quick else 10_000)
    matters = 100 if quick else 1_000
    rounds = 3 if quick else 5  # of single ballots, each after a raw sample
    ballots = min(adults, 900 if quick else 5_000)
    probe = 150 if quick else 400  # raw one-row transactions per sample
    bulk_rounds = 2 if quick else 3
    repeat = 2 if quick else 3  # replays
    per_client = 150 if quick else 600  # ballots each client casts
    latency_probes = 200 if quick else 500

    directory = Path(tempfile.mkdtemp(prefix="yishi-bench-", dir=os.getcwd()))
    print("yishi engine benchmark" + (" (quick)" if quick else ""))
    for text in describe_machine(directory):
        print("  " + text)
    if "tmpfs" in filesystem(directory):
        print("  warning: this directory is on tmpfs, where fsync costs nothing")
    ruleset = find(RULESET)
    missed: list[str] = []
    engine = None
    try:
        raw = Raw(directory / "raw.db", prefill=4 * adults)
        minimal = raw_sqlite.Minimal(directory / "minimal.db", prefill=4 * adults)
        factual = raw_sqlite.Minimal(directory / "facts.db", prefill=4 * adults, facts=True)
        engine = open_engine(directory / "yishi.db", ruleset)
        village = Village(engine, adults)
        print(f"\nsetting up, through the Engine ({RULESET}, built-in plugins)")
        with timer() as t:
            village.run(village.setup_command())
        line(f"SetUpCommunity: {adults:,} adults, bodies", engine.position, t[0], "events")
        ratios = bench_commands(village, raw, minimal, factual, rounds, ballots, probe, matters)
        ratios.update(bench_bulk(village, raw, minimal, bulk_rounds))
        ratios.update(bench_clients(village, minimal, probe, per_client, rounds))
        print(
            f"  (yishi log now {engine.position:,} events, raw tables {raw.seq:,} "
            f"and {minimal.seq:,} rows)"
        )
        ratios.update(bench_replay(directory, ruleset, events, repeat))

        print(
            f"\ng. append latency as the log grows (one ballot per transaction, {latency_probes} each)"
        )
        sizes = [1_000, 10_000, 100_000] + ([] if quick else [1_000_000])
        by_size = scale.latency_by_size(directory, sizes, latency_probes)
        for size, p50, p99 in by_size:
            print(f"  at {size:>9,} events: p50 {scale.micro(p50):>9}, p99 {scale.micro(p99):>9}")
        ratios["flat"] = by_size[-1][1] / by_size[0][1]

        print(
            "\nh. start-up: `yishi --help` against a bare `python -c pass` (median of 11, interleaved; also bench/startup.py)"
        )
        bare, helped = scale.startup(11)
        print(f"  python -c pass {bare * 1000:.0f} ms, yishi --help {helped * 1000:.0f} ms")
        ratios["startup"] = helped / bare

        print("\nsummary (yishi / raw on the same disk, same settings, same period)")
        checks = [
            ("single", "ballots one command each / raw minimal 1-row", AIM_COMMAND, "≥"),
            ("single_own", "  (/ raw on yishi's own table)", None, ""),
            ("single_cap", "  (ceiling set by yishi's extra CPU, see b.)", None, ""),
            ("cold_work", "  (Python between fsyncs / the same timed alone)", None, ""),
            ("facts_cap", "  (raw minimal with a facts row / raw minimal)", None, ""),
            ("round_robin", "round-robin commands / raw minimal 1-row", AIM_COMMAND, "≥"),
            ("round_robin_secret", "  the same, secret ballots (4 fsyncs each)", None, ""),
            ("bulk", "EnterBallots / raw minimal 1,000-row batches", AIM_BULK, "≥"),
            ("bulk_own", "  (/ raw on yishi's own table)", None, ""),
            ("bulk_cpu", "  (CPU time / raw minimal's CPU time)", None, ""),
            ("clients1", "1 client (threads API) / raw minimal 1-row", None, ""),
            ("clients8", "8 clients sharing an Engine / raw 1-row", AIM_CLIENTS, "≥"),
            ("clients8_p99", "8 clients: p99 latency, seconds", AIM_CLIENTS_P99, "≤"),
            ("processes8", "8 processes on one file / raw 1-row", None, ""),
            ("processes8_p99", "8 processes: p99 latency, seconds", None, ""),
            ("replay", "replay / raw read + json + verify", AIM_REPLAY, "≥"),
            ("verify", "verify / raw read + json + verify", AIM_VERIFY, "≥"),
            ("verify_memory", "verify: memory beyond the page cache, B/event", AIM_MEMORY, "≤"),
            ("flat", "append p50 at largest / smallest log", AIM_FLAT, "≤"),
            ("startup", "yishi --help / python -c pass", AIM_STARTUP, "≤"),
        ]
        for key, label, aim, sense in checks:
            if not verdict(label, ratios[key], aim, sense):
                missed.append(key)
        print(f"  (replay: {ratios['replay_rate']:,.0f} events/s)")
        if missed and not args.no_profile:
            if "single" in missed:
                meeting = village.assembly_meeting()
                voters = village.adults[:1000]
                profile("single ballots", lambda: single_ballots(village, meeting, voters))
            if "round_robin" in missed:
                profile("round-robin", lambda: round_robin(village, max(matters // 5, 20)))
            if "bulk" in missed:
                paper = paper_ballots(village, village.assembly_meeting())
                profile("EnterBallots", lambda: village.run(paper))
            if "replay" in missed:
                replay_profile(directory, ruleset)
        raw.db.close()
        minimal.close()
        factual.close()
    finally:
        if engine is not None:
            engine.store.close()
        if args.keep:
            print(f"\nkept {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
    print("\nall aims met" if not missed else f"\naims missed: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
