"""Several processes cast ballots at once into one SQLite log; each member counts once.

    .venv/bin/python examples/concurrent_ballots.py [DIRECTORY]

Plays examples/01_land_lease_passes.toml up to the 村民代表会议 on 2026-03-16
(representatives checked in, nobody has voted yet) into DIRECTORY/yishi.db, then
starts four processes. Each opens the log through its own engine and submits, in
its own random order, a ballot for every representative — present or not — and
for some villagers who are not representatives, with different choices from
different processes and, now and then, a retry of the same request under the same
idempotency key. It then reads the log once and checks: exactly one ballot per
representative who is present, none for anyone else, every refusal a reason
given by the rules, every retry answered with the first receipt, and the hash
chain intact. Exit status 0 when all of that holds.

This is also how a portal embeds yishi: one ``Engine`` per process (or per
worker), all on the same file; the engine reads what the others wrote before
every decision, and the database refuses a second ballot even when two
processes decide at the same instant.
"""

from __future__ import annotations

import collections
import datetime as dt
import multiprocessing
import random
import sys
import tempfile
from pathlib import Path

import attrs

from yishi import Engine, Refusal, SQLiteStore, find, load_scenario, run_scenario, verify_sqlite
from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.membership import votes_in

SCENARIO = Path(__file__).resolve().parent / "01_land_lease_passes.toml"
MEETING = "m1-resolve"  # the 村民代表会议 that resolves the lease
VOTE_AT = dt.datetime(2026, 3, 16, 10, 0)
PROCESSES = 4


def prepare(db: Path) -> tuple[list[str], set[str]]:
    """Play the example up to the assembly's vote; returns who will be submitted
    and who of them may vote (a representative, checked in)."""
    scenario = load_scenario(SCENARIO)
    first_vote = next(
        i
        for i, step in enumerate(scenario.steps)
        if getattr(step.command, "meeting", None) == MEETING
        and isinstance(step.command, c.EnterHandCount)
    )
    before_the_vote = attrs.evolve(scenario, steps=scenario.steps[:first_vote], until=None)
    with SQLiteStore(db) as store:
        report = run_scenario(before_the_vote, store=store)
    state, ruleset = report.engine.state, report.ruleset
    meeting = state.meetings[MEETING]
    members = [p for p in state.people if votes_in(state, ruleset, meeting.body, meeting.date, p)]
    others = sorted(set(state.people) - set(members))[:10]  # villagers, not representatives
    eligible = {p for p in members if p in meeting.present}
    return [*members, *others, "nobody-1"], eligible


def worker(
    db: str, ruleset_id: str, voters: list[str], seed: int, out: multiprocessing.Queue
) -> None:
    rng = random.Random(seed)
    order = voters[:]
    rng.shuffle(order)
    results = []
    with SQLiteStore(db) as store:
        engine = Engine(store, find(ruleset_id))
        for n, voter in enumerate(order):
            choice = rng.choice(("yes", "yes", "no", "abstain"))
            # Every third request is a phone app's retried request: same key, same ballot.
            key = f"app-{voter}" if n % 3 == 0 else None
            if key is not None:
                choice = "yes"
            command = c.CastVote(actor=voter, meeting=MEETING, voter=voter, choice=choice)
            try:
                receipt = engine.execute(command, VOTE_AT + dt.timedelta(seconds=n), key=key)
                results.append((voter, key, "ok", [repr(e) for e in receipt]))
            except Refusal as refusal:
                results.append((voter, key, refusal.code, []))
    out.put(results)


def main(directory: Path) -> int:
    db = directory / "yishi.db"
    for leftover in directory.glob("yishi.db*"):
        leftover.unlink()
    voters, eligible = prepare(db)
    ruleset_id = load_scenario(SCENARIO).ruleset
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=worker, args=(str(db), ruleset_id, voters, seed, queue))
        for seed in range(PROCESSES)
    ]
    for process in workers:
        process.start()
    results = [row for _ in workers for row in queue.get()]
    for process in workers:
        process.join()

    with SQLiteStore(db) as store:
        ballots = [
            s.event
            for s in store.read_all()
            if isinstance(s.event, ev.BallotCast) and s.event.meeting == MEETING
        ]
    counted = collections.Counter(b.voter for b in ballots)
    refusals = collections.Counter(code for _, _, code, _ in results if code != "ok")
    receipts: dict[str, set[str]] = collections.defaultdict(set)
    for _, key, code, receipt in results:
        if key is not None and code == "ok":
            receipts[key].add("|".join(receipt))
    report = verify_sqlite(db)
    problems = [
        *(f"{v} counted {n} times" for v, n in counted.items() if n > 1),
        *(f"{v} may not vote but was counted" for v in counted if v not in eligible),
        *(f"{v} may vote but was not counted" for v in eligible if v not in counted),
        *(f"key {k} answered differently" for k, r in receipts.items() if len(r) > 1),
        *([] if report.ok else ["the chain does not verify"]),
    ]
    print(f"log: {db}")
    accepted = len(results) - sum(refusals.values())
    print(
        f"requests {len(results)} from {PROCESSES} processes, accepted {accepted} "
        f"(of which {accepted - len(ballots)} retries answered with the first receipt)"
    )
    print("refused: " + ", ".join(f"{code} {n}" for code, n in refusals.most_common()))
    print(
        f"representatives present {len(eligible)}, ballots counted {len(ballots)}, "
        f"distinct voters {len(counted)}, counted twice {sum(n > 1 for n in counted.values())}"
    )
    print(f"chain: {report.head.size}:{report.head.hash} {'intact' if report.ok else 'DAMAGED'}")
    for problem in problems:
        print("PROBLEM:", problem)
    print("ok" if not problems else "FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    target = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="yishi-ballots-"))
    )
    target.mkdir(parents=True, exist_ok=True)
    sys.exit(main(target))
