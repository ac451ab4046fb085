"""A city's year on PostgreSQL (the yishi-postgres plugin), against raw PostgreSQL.

A generated Baoji-sized city — 1,500 communities under 12 districts and 120
towns — runs a year of matters through the Engine, each community its own log
in one database: registration, then every matter the lawful 四议两公开 way
(propose, consult, review, a 村民代表会议 that votes by ballot, the resolution
posted for 15 days after the 监督委员会's review, implementation with progress reports and the supervisor's
sign-off, the result posted, closed). Measured in the same run, in a throwaway
database on the local server:

  a. raw PostgreSQL into tables with yishi's schema (same partitions and UNIQUE
     keys, precomputed rows): one row per transaction, and ``COPY``;
  b. ingest: the city year, one writer alone and several writer processes,
     in alternating rounds (communities do not wait for each other) —
     commands/s, and the ratio to raw one-row commits;
  c. the bulk path: one ``EnterBallots`` command of thousands of paper ballots,
     against raw ``COPY`` of as many rows;
  d. a rebuild of every read model: each community's state replayed from its log,
     and the city's statistics rolled up 市—区县—镇街—社区/村;
  e. an online consultation of 100,000 residents: every resident registered,
     every one casting a ballot as one command.

Aims (printed beside each ratio): ≥ 0.7× raw one-row commits per command,
≥ 0.5× raw COPY for bulk entry, and more commands/s with several writers than
with one.

    python bench/city_year.py [--small] [--communities N] [--matters N] [--writers N]
                              [--rounds N] [--residents N] [--dsn CONNINFO]

``--small``: 24 communities, 2 matters each, a 5,000-resident consultation: a
minute or two. The full city takes hours on a small machine; bench/README.md
has the figures of a run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import multiprocessing
import os
import platform
import secrets
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.engine import Engine
from yishi.plugins.host import PluginHost
from yishi.rulesets.registry import find
from yishi.store.chain import GENESIS, canonical, record_hash

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine import CHAIR, Village, choice, paper_ballots  # bench/engine.py

try:
    from yishi_postgres import PostgresStore, schema
    from yishi_postgres.connections import Connections
    from yishi_postgres.stats import rollup
except ImportError:  # pragma: no cover
    sys.exit("install the plugin first: .venv/bin/pip install -e plugins/yishi-postgres")

RULESET = "siyi_liang_gongkai"
DISTRICTS = 12
TOWNS = 120
SUPERVISOR = "v00060"  # the 村务监督委员会 chair in bench/engine.py's village
AIM_COMMAND, AIM_BULK, AIM_CONCURRENCY = 0.7, 0.5, 1.0


# -- the city --------------------------------------------------------------------------


def place(n: int) -> dict[str, str]:
    town = n % TOWNS
    return {
        "name": f"第{n + 1}社区",
        "city": "宝鸡市",
        "district": f"第{town % DISTRICTS + 1}区县",
        "town": f"第{town + 1}镇街",
    }


class Counted(Village):
    """bench/engine.py's village, counting the commands it runs."""

    commands = 0

    def run(self, command: cmd.Command) -> list[ev.Event]:
        self.commands += 1
        return super().run(command)


@functools.cache
def _shared() -> tuple[Any, PluginHost]:
    """The rule set and plugin host, loaded once per process: an application serving
    many communities does not parse its rule set again for each."""
    host = PluginHost.load(entry_points=False)
    return find(RULESET, catalog=host.catalog), host


@functools.cache
def _connections(dsn: str) -> Connections:
    """One writer and one reader per process, shared by all its communities: with two
    connections per community, a process serving 200 would need 400 server backends."""
    return Connections(dsn)


def engine_for(dsn: str, community: str) -> Engine:
    ruleset, host = _shared()
    store = PostgresStore(dsn, community, connections=_connections(dsn))
    return Engine(store, ruleset, plugins=host)


def publish(matter: str, disclosure: str) -> cmd.Publish:
    """A posting, reviewed first by the 村务监督委员会 (the rule set asks for it)."""
    return cmd.Publish(
        actor=CHAIR,
        matter=matter,
        disclosure=disclosure,
        reviewer=SUPERVISOR,
        review="经审核，同意公开",
    )


def wait_out_posting(village: Counted, disclosure: str) -> None:
    """Let the 15-day posting run out: 16 days, or more when its last day fell on a
    holiday and moved on (民法典 Art. 203; 劳动节 and 国庆 do this every year)."""
    until = village.engine.state.disclosures[disclosure].until
    village.later(days=max(16, (until - village.now.date()).days))


def matter_year(village: Counted) -> None:
    """One matter the whole way: 四议 (four meetings), 两公开 (two postings), done."""
    matter = village.new_matter()
    village.pass_by_hand_count(matter, "propose", "party_branch_committee", 0)
    village.pass_by_hand_count(matter, "consult", "two_committees", 0)
    village.pass_by_hand_count(matter, "review", "party_members_assembly", 3)
    meeting = village.hold(matter, "resolve", "representatives_assembly", "secret", 10)
    for index, voter in enumerate(village.members("representatives_assembly")):
        village.run(cmd.CastVote(actor=voter, meeting=meeting, voter=voter, choice=choice(index)))
    village.run(cmd.CloseMeeting(actor=CHAIR, meeting=meeting))
    village.run(publish(matter, f"{matter}-r"))
    wait_out_posting(village, f"{matter}-r")
    village.run(cmd.Tick(actor="system"))
    for percent in (40, 100):
        village.run(cmd.RecordProgress(actor=CHAIR, matter=matter, text="施工", percent=percent))
        village.later(days=10)
    village.run(cmd.SignOff(actor=SUPERVISOR, matter=matter, text="监督委员会审核"))
    village.run(cmd.CompleteExecution(actor=CHAIR, matter=matter))
    village.run(publish(matter, f"{matter}-d"))
    wait_out_posting(village, f"{matter}-d")
    village.run(cmd.Tick(actor="system"))
    assert village.engine.state.matters[matter].status == "completed", matter


def register(dsn: str, n: int, adults: int) -> Counted:
    engine = engine_for(dsn, f"c{n:04d}")
    engine.store.place(**place(n))
    village = Counted(engine, adults)
    village.run(village.setup_command())
    village.commands = 0
    return village


def _writer(dsn: str, numbers: list[int], adults: int, matters: int, ready: Any, out: Any) -> None:
    """One writer process: register its communities, wait for the others, then run
    their years and report (commands, events, start, end) on the monotonic clock."""
    villages = [register(dsn, n, adults) for n in numbers]
    ready.wait()
    start = time.perf_counter()  # CLOCK_MONOTONIC: comparable between processes
    sizes = [v.engine.position for v in villages]
    for _ in range(matters):  # the communities' matters interleaved, as in a city
        for village in villages:
            matter_year(village)
    end = time.perf_counter()
    commands = sum(v.commands for v in villages)
    events = sum(v.engine.position - size for v, size in zip(villages, sizes, strict=True))
    for village in villages:
        village.engine.store.close()
    out.put((commands, events, start, end))


def ingest(
    dsn: str, numbers: list[int], writers: int, adults: int, matters: int
) -> tuple[int, int, float]:
    """(commands, events, seconds) of ``writers`` processes sharing ``numbers``;
    registration is done before the clock starts."""
    context = multiprocessing.get_context("spawn")
    ready, out = context.Barrier(writers), context.Queue()
    procs = [
        context.Process(
            target=_writer, args=(dsn, numbers[w::writers], adults, matters, ready, out)
        )
        for w in range(writers)
    ]
    for proc in procs:
        proc.start()
    results = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
        if proc.exitcode:
            raise SystemExit(f"a writer failed (exit code {proc.exitcode})")
    seconds = max(r[3] for r in results) - min(r[2] for r in results)
    return sum(r[0] for r in results), sum(r[1] for r in results), seconds


def group_commit(dsn: str, threads: int, each: int) -> float:
    """Appends/s of ``threads`` threads, ``each`` one-event appends apiece, through one
    store: a web server's workers. Each appends to its own stream; the store groups
    whatever is waiting into one commit."""
    store = PostgresStore(dsn, f"group-{threads}")
    at = dt.datetime(2026, 3, 2, 9)
    ready = threading.Barrier(threads + 1)

    def work(n: int) -> None:
        ready.wait()
        for i in range(each):
            event = ev.ProgressRecorded(at=at, actor=CHAIR, matter=f"t{n}", text=f"第{i}次")
            store.append([(f"matter-t{n}", i, event)])

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    ready.wait()
    start = time.perf_counter()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - start
    store.close()
    return threads * each / seconds


# -- a. raw PostgreSQL -------------------------------------------------------------------


class Raw:
    """yishi's tables in a schema of their own, written by hand with precomputed rows."""

    COLUMNS = "community, seq, stream, version, type, payload, command, prev, hash"
    FACTS = "community, key, seq"  # a ballot's fact recorded once, as the store writes it

    def __init__(self, dsn: str) -> None:
        self.conn = psycopg.connect(dsn)
        self.conn.execute("SET synchronous_commit = on")
        self.conn.execute("CREATE SCHEMA IF NOT EXISTS raw")
        self.conn.execute("SET search_path = raw")
        self.conn.execute(schema.ddl())
        self.conn.commit()
        self.seq, self.prev = 0, GENESIS

    def rows(self, n: int) -> list[tuple[tuple[Any, ...], tuple[Any, ...]]]:
        """(record, fact) for ``n`` ballots."""
        rows = []
        for _ in range(n):
            self.seq += 1
            seq, voter = self.seq, f"v{self.seq:06d}"
            event = ev.BallotCast(
                at=dt.datetime(2026, 3, 2, 9) + dt.timedelta(seconds=seq),
                actor=voter, matter="m00001", meeting="m00001-resolve", voter=voter,
                choice=choice(seq),
            )  # fmt: skip
            payload = canonical(event.to_dict())
            digest = record_hash(seq, "matter-m00001", seq, self.prev, None, payload)
            rows.append((
                ("raw", seq, "matter-m00001", seq, event.type, payload, None, self.prev, digest),
                ("raw", f"ballot/{event.meeting}/{voter}", seq),
            ))  # fmt: skip
            self.prev = digest
        return rows

    def single(self, n: int) -> float:
        """Rows/s, one INSERT and COMMIT each."""
        rows = self.rows(n)
        insert = f"INSERT INTO yishi_events ({self.COLUMNS}) VALUES ({', '.join(['%s'] * 9)})"
        fact = f"INSERT INTO yishi_facts ({self.FACTS}) VALUES (%s, %s, %s)"
        start = time.perf_counter()
        for row, key in rows:
            self.conn.execute(insert, row)
            self.conn.execute(fact, key)
            self.conn.commit()
        return n / (time.perf_counter() - start)

    def copy(self, n: int) -> float:
        """Rows/s, all in one COPY and one transaction."""
        rows = self.rows(n)
        start = time.perf_counter()
        with self.conn.cursor().copy(f"COPY yishi_events ({self.COLUMNS}) FROM STDIN") as copy:
            for row, _ in rows:
                copy.write_row(row)
        with self.conn.cursor().copy(f"COPY yishi_facts ({self.FACTS}) FROM STDIN") as copy:
            for _, key in rows:
                copy.write_row(key)
        self.conn.commit()
        return n / (time.perf_counter() - start)


class Sampled:
    """Raw one-row commits taken in small samples between the timed parts: the
    disk and the machine's other work change within minutes, so a ratio is taken
    against what raw got at the same time."""

    def __init__(self, raw: Raw) -> None:
        self.raw, self.rows, self.seconds = raw, 0, 0.0

    def take(self, n: int) -> None:
        self.seconds += n / self.raw.single(n)
        self.rows += n

    def rate(self) -> float:
        return self.rows / self.seconds


# -- the run ---------------------------------------------------------------------------------


def show(label: str, count: int, seconds: float, unit: str) -> float:
    rate = count / seconds if seconds else float("inf")
    print(f"  {label:<58} {count:>10,} {unit:<8} {seconds:8.2f} s {rate:>11,.0f} {unit}/s")
    return rate


def verdict(label: str, value: float, aim: float) -> None:
    mark = "ok" if value >= aim else "MISSED"
    print(f"  → {label:<56} {value:6.2f}×   (aim ≥ {aim:g}×: {mark})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="a quick run (a minute or two)")
    parser.add_argument("--communities", type=int, default=None)
    parser.add_argument("--matters", type=int, default=None, help="matters per community")
    parser.add_argument("--adults", type=int, default=80, help="registered adults per community")
    parser.add_argument("--residents", type=int, default=None, help="in the consultation")
    parser.add_argument("--writers", type=int, default=max(2, min(4, os.cpu_count() or 2)))
    parser.add_argument(
        "--rounds", type=int, default=2, help="alternations of one writer and several"
    )
    parser.add_argument("--bulk", type=int, default=None, help="paper ballots in one command")
    parser.add_argument(
        "--dsn", default=os.environ.get("YISHI_PG", "host=localhost dbname=postgres")
    )
    args = parser.parse_args(argv)
    small = args.small
    communities = args.communities or (24 if small else 1500)
    matters = args.matters or (2 if small else 12)
    residents = args.residents or (5_000 if small else 100_000)
    bulk = args.bulk or (5_000 if small else 20_000)
    alone = max(1, communities // 6)  # communities written by one writer, for the baseline

    name = f"yishi_bench_{secrets.token_hex(4)}"
    with psycopg.connect(args.dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        version = admin.execute("SHOW server_version").fetchone()
    dsn = psycopg.conninfo.make_conninfo(args.dsn, dbname=name)
    print(f"city_year: {dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, PostgreSQL {version[0] if version else '?'}")  # fmt: skip
    print(f"  {communities:,} communities × {matters} matters, {args.adults} adults each; "
          f"{args.writers} writers; consultation of {residents:,}")  # fmt: skip
    try:
        PostgresStore(dsn, "c0000").close()  # the tables, once
        raw = Raw(dsn)
        print("\na. raw PostgreSQL (yishi's schema, precomputed rows)")
        show("one row per transaction", 500, 500 / raw.single(500), "rows")
        show(f"COPY, {bulk:,} rows in one transaction", bulk, bulk / raw.copy(bulk), "rows")

        print("\nb. ingest: a year of matters through the Engine (registration not timed)")
        # In alternating rounds, so that both see the same disk and the same load:
        # on a shared machine either drifts within minutes.
        first, rest = list(range(alone)), list(range(alone, communities))
        # Raw one-row commits are sampled between the rounds, for the same reason.
        one, many = (0, 0, 0.0), (0, 0, 0.0)
        sampled = Sampled(raw)
        for turn in range(args.rounds):
            sampled.take(200)
            done = ingest(dsn, first[turn :: args.rounds], 1, args.adults, matters)
            one = (one[0] + done[0], one[1] + done[1], one[2] + done[2])
            sampled.take(200)
            done = ingest(dsn, rest[turn :: args.rounds], args.writers, args.adults, matters)
            many = (many[0] + done[0], many[1] + done[1], many[2] + done[2])
        sampled.take(200)
        one_rate = show(f"one writer, {alone} communities", one[0], one[2], "commands")
        many_rate = show(f"{args.writers} writers, {communities - alone} communities", many[0],
                         many[2], "commands")  # fmt: skip
        threads = 8
        single_store = group_commit(dsn, 1, 400)
        show("store appends, one thread", 400, 400 / single_store, "appends")
        grouped = group_commit(dsn, threads, 100)
        show(f"store appends, {threads} threads sharing one store", 400, 400 / grouped, "appends")
        verdict(f"group commit: {threads} threads ÷ one thread (appends/s)", grouped / single_store,
                AIM_CONCURRENCY)  # fmt: skip
        print(f"  (raw one-row commits between the rounds: {sampled.rate():,.0f} rows/s)")
        print(f"  {one[0] + many[0]:,} commands, {one[1] + many[1]:,} events")
        verdict(
            "one writer: commands/s ÷ raw one-row commits/s", one_rate / sampled.rate(), AIM_COMMAND
        )
        verdict(f"{args.writers} writers ÷ one writer (commands/s)", many_rate / one_rate,
                AIM_CONCURRENCY)  # fmt: skip

        print("\nc. the bulk path")
        engine = engine_for(dsn, "bulk")
        village = Counted(engine, bulk)
        village.run(village.setup_command())
        meeting = village.assembly_meeting()
        command = paper_ballots(village, meeting)
        before = engine.position
        copied = [raw.copy(bulk)]  # raw COPY just before and just after, as above
        start = time.perf_counter()
        village.run(command)
        seconds = time.perf_counter() - start
        copied.append(raw.copy(bulk))
        assert engine.position == before + 1  # the stack is one record, a fact per voter
        rate = show(f"EnterBallots, {bulk:,} paper ballots", bulk, seconds, "ballots")
        raw_copy = 2 * bulk / sum(bulk / r for r in copied)
        print(f"  (raw COPY just before and after: {copied[0]:,.0f} and {copied[1]:,.0f} rows/s)")
        verdict("EnterBallots ballots/s ÷ raw COPY rows/s", rate / raw_copy, AIM_BULK)
        engine.store.close()

        print("\nd. rebuild every read model")
        start, replayed = time.perf_counter(), 0
        names = [f"c{n:04d}" for n in range(communities)]
        for community in names:
            fresh = engine_for(dsn, community)
            fresh.catch_up()
            replayed += fresh.position
            fresh.store.close()
        show(f"replay {len(names):,} communities' state", replayed, time.perf_counter() - start,
             "events")  # fmt: skip
        start = time.perf_counter()
        with psycopg.connect(dsn) as db:
            rows = rollup(db)
        seconds = time.perf_counter() - start
        city = next(r for r in rows if r.level == "全部")
        show("roll up 市—区县—镇街—社区/村 (one query)", len(rows), seconds, "rows")
        print(f"  city: {city.communities:,} communities, {city.counts['matters']:,} matters, "
              f"{city.counts['meetings']:,} meetings, {city.counts['ballots']:,} ballots, "
              f"{city.counts['disclosures']:,} disclosures")  # fmt: skip

        print(f"\ne. online consultation of {residents:,} residents")
        engine = engine_for(dsn, "consultation")
        village = Counted(engine, residents)
        start = time.perf_counter()
        village.run(village.setup_command())
        show("registration (one command)", engine.position, time.perf_counter() - start, "events")
        meeting = village.assembly_meeting()
        seconds, sampled = 0.0, Sampled(raw)
        block = max(500, residents // 20)  # raw one-row commits sampled between blocks
        for at in range(0, residents, block):
            sampled.take(100)
            start = time.perf_counter()
            for index in range(at, min(at + block, residents)):
                voter = village.adults[index]
                village.run(
                    cmd.CastVote(actor=voter, meeting=meeting, voter=voter, choice=choice(index))
                )
            seconds += time.perf_counter() - start
        sampled.take(100)
        rate = show("ballots, one command each", residents, seconds, "commands")
        print(f"  (raw one-row commits between the blocks: {sampled.rate():,.0f} rows/s)")
        verdict("ballot commands/s ÷ raw one-row commits/s", rate / sampled.rate(), AIM_COMMAND)
        village.run(cmd.CloseMeeting(actor=CHAIR, meeting=meeting))
        print(f"  outcome: {engine.state.meetings[meeting].outcome}")
        engine.store.close()
        raw.conn.close()
    finally:
        with psycopg.connect(args.dsn, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
