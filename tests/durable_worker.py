"""Code that runs in other processes for tests/test_concurrency.py.

- :func:`cast_ballots` is a ``multiprocessing`` (spawn) target for T01: it opens
  its own store and engine on the shared file, waits at a barrier, and submits
  its ballots, writing every outcome to a JSON file.
- ``python -m tests.durable_worker WORKDIR WRITER`` is a T11 writer: it appends
  its planned commands one by one, each with its own idempotency key, and
  acknowledges each (flush + fsync) only after ``execute`` returned. Killed and
  started again, it carries on from its first unacknowledged key, retrying it
  with the same key.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import attrs

from tests import workloads as w
from yishi.domain import commands as c
from yishi.domain.errors import Refusal
from yishi.engine import Engine
from yishi.store.base import StoreError
from yishi.store.sqlite import SQLiteStore

AT = w.DAY + dt.timedelta(days=30, hours=1)
BALLOT_MEETING, BALLOT_MATTER = "mv", "vote"
BUSY_PAUSE = 0.01  # before a retry after the engine answered "busy"


def open_ballot_meeting(engine: Engine, present: list[str]) -> None:
    """The meeting every process votes in, held at ``AT`` with ``present`` checked in."""
    w.open_meeting(engine, BALLOT_MATTER, BALLOT_MEETING, AT, present)


def matter_in_execution(engine: Engine, matter: str, day: dt.datetime, members: int) -> None:
    """A matter voted through, its notice posted and run out: progress may be recorded."""
    present = [w.member(i) for i in range(members // 3 + 1)]
    w.open_meeting(engine, matter, f"{matter}-m", day, present)
    for voter in present:
        engine.execute(
            c.CastVote(actor=voter, meeting=f"{matter}-m", voter=voter, choice="yes"), day
        )
    engine.execute(c.CloseMeeting(actor=w.DIRECTOR, meeting=f"{matter}-m"), day)
    engine.execute(c.Publish(actor=w.CLERK, matter=matter, disclosure=f"{matter}-d"), day)
    engine.tick(w.posting_over(engine, day))
    assert engine.state.matters[matter].stage == "carry_out"


# -- T01 --------------------------------------------------------------------------


@attrs.frozen
class Submission:
    id: int
    voter: str
    choice: str
    key: str | None
    round: int  # all processes start a round together (a barrier)
    delay: float  # seeded jitter within the round, in seconds


def count_races(store: SQLiteStore, races: collections.Counter[str]) -> None:
    """Count what the store answered other than success: evidence that the
    processes really raced, for the figures."""
    append = store.append

    def counting(*args: Any, **kwargs: Any) -> Any:
        try:
            return append(*args, **kwargs)
        except StoreError as exc:
            races[type(exc).__name__] += 1
            raise

    store.append = counting  # type: ignore[method-assign]


def cast_ballots(
    db: str, tasks: list[tuple[Any, ...]], rounds: int, barrier: Any, out: str
) -> None:
    store = SQLiteStore(db)
    races: collections.Counter[str] = collections.Counter()
    count_races(store, races)
    engine = Engine(store, w.ruleset())
    by_round: dict[int, list[Submission]] = collections.defaultdict(list)
    for task in tasks:
        sub = Submission(*task)
        by_round[sub.round].append(sub)
    results: list[dict[str, Any]] = []
    for round_ in range(rounds):
        barrier.wait()
        for sub in by_round[round_]:
            time.sleep(sub.delay)
            results.append({"id": sub.id, **submit(engine, sub)})
    store.close()
    data = {"results": results, "races": races}
    Path(out).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def submit(engine: Engine, sub: Submission) -> dict[str, Any]:
    command = c.CastVote(
        actor=sub.voter, meeting=BALLOT_MEETING, voter=sub.voter, choice=sub.choice
    )
    busy = 0
    while True:
        try:
            events = engine.execute(command, AT, key=sub.key)
        except Refusal as refusal:
            if refusal.code == "busy":  # like an HTTP 503: the client tries again
                busy += 1
                time.sleep(BUSY_PAUSE)
                continue
            return {"busy": busy, "refused": refusal.code}
        except Exception as exc:  # reported, and the test fails on it
            return {"busy": busy, "error": f"{type(exc).__name__}: {exc}"}
        return {"busy": busy, "ok": [e.to_dict() for e in events]}


# -- T11 ---------------------------------------------------------------------------


@attrs.frozen
class Plan:
    writers: int
    count: int  # commands per writer
    members: int  # members in the ballot meeting, all checked in
    progress_matters: int  # writers share these matters' streams

    def key(self, writer: int, n: int) -> str:
        return f"w{writer}-{n:05d}"

    def ballots(self, writer: int) -> list[str]:
        return [w.member(i) for i in range(self.members) if i % self.writers == writer]

    def command(self, writer: int, n: int) -> c.Command:
        """The n-th command of a writer: its ballots spread among progress reports."""
        ballots = self.ballots(writer)
        every = max(1, self.count // max(1, len(ballots)))
        if n % every == 0 and n // every < len(ballots):
            voter = ballots[n // every]
            choice = ("yes", "no", "abstain")[(writer + n) % 3]
            return c.CastVote(actor=voter, meeting=BALLOT_MEETING, voter=voter, choice=choice)
        matter = f"p{writer % self.progress_matters}"
        return c.RecordProgress(actor=w.CLERK, matter=matter, text=self.key(writer, n))

    def to_json(self) -> str:
        return json.dumps(attrs.asdict(self))

    @classmethod
    def load(cls, workdir: Path) -> Plan:
        return cls(**json.loads((workdir / "plan.json").read_text()))


def lines(path: Path) -> list[list[str]]:
    """The complete lines of a log file (a torn last line is ignored)."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    return [line.split("\t") for line in text.split("\n")[:-1]]


def writer_main(workdir: Path, writer: int) -> int:
    plan = Plan.load(workdir)
    acks = workdir / f"ack-{writer}.txt"
    acked = {fields[0] for fields in lines(acks)}
    attempted = [fields[0] for fields in lines(workdir / f"attempt-{writer}.txt")]
    interrupted = attempted[-1] if attempted and attempted[-1] not in acked else None
    store = SQLiteStore(workdir / "yishi.db", synchronous="FULL")
    engine = Engine(store, w.ruleset())
    with (
        open(workdir / f"attempt-{writer}.txt", "a", encoding="utf-8") as attempts,
        open(acks, "a", encoding="utf-8") as out,
    ):
        for n in range(plan.count):
            key = plan.key(writer, n)
            if key in acked:
                continue
            status = "new"
            if key == interrupted:  # killed while this one was in flight
                status = "recovered" if store.recorded(key) is not None else "retried"
            attempts.write(key + "\n")
            attempts.flush()
            busy = 0
            while True:
                try:
                    events = engine.execute(plan.command(writer, n), AT, key=key)
                except Refusal as refusal:
                    if refusal.code != "busy":
                        status = f"refused:{refusal.code}"
                        events = []
                        break
                    busy += 1
                    time.sleep(BUSY_PAUSE)
                    continue
                break
            out.write(f"{key}\t{status}\t{len(events)}\t{busy}\n")
            out.flush()
            os.fsync(out.fileno())
    store.close()
    (workdir / f"done-{writer}").touch()
    return 0


if __name__ == "__main__":
    sys.exit(writer_main(Path(sys.argv[1]), int(sys.argv[2])))
