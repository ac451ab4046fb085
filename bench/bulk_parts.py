"""Where a bulk command's time goes, part by part, beside raw minimal's row.

Each part of one ``EnterBallots`` is run on its own, on the same ballots, with
the collector off and ``synchronous=OFF`` (the fsync is one per command and is
not what this splits): the decision (``decide``), the records (encoding, chain
and hashes: ``make_records``), SQLite's insert of those rows into a table of
yishi's layout, and the fold. Raw minimal's 1,000-row batches (chain hashed,
executemany, commit) are timed the same way. CPU time, best of ``repeat``: the
figures a loaded machine disturbs least.
"""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import raw_sqlite

from yishi.domain import commands as cmd
from yishi.domain.decide import decide
from yishi.domain.rules import RuleSet
from yishi.domain.state import State, evolve
from yishi.store.base import Head
from yishi.store.chain import GENESIS
from yishi.store.layout import COLUMNS, SCHEMA
from yishi.store.records import make_records


def _best(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        gc.disable()
        try:
            start = time.process_time()
            result = run()
            times.append(time.process_time() - start)
        finally:
            gc.enable()
    return min(times), result


def breakdown(
    state: State,
    ruleset: RuleSet,
    paper: cmd.EnterBallots,
    now: dt.datetime,
    directory: Path,
    repeat: int = 5,
) -> dict[str, float]:
    """µs per ballot of each part, and of raw minimal's row."""
    n = len(paper.ballots)
    parts: dict[str, float] = {}
    seconds, events = _best(lambda: decide(state, paper, ruleset, now), repeat)
    parts["decide"] = seconds
    batch = [(event.stream, index, event) for index, event in enumerate(events)]
    seconds, (records, stored, facts) = _best(
        lambda: make_records(batch, Head(0, GENESIS), lambda _stream: 0, None), repeat
    )
    parts["records"] = seconds
    places = ", ".join("?" * len(COLUMNS.split(",")))
    inserts = []
    for round_ in range(repeat):
        db = sqlite3.connect(directory / f"parts-{round_}.db", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        db.executescript(SCHEMA)
        start = time.process_time()
        db.execute("BEGIN IMMEDIATE")
        db.executemany(f"INSERT INTO events ({COLUMNS}) VALUES ({places})", records)
        db.executemany("INSERT INTO facts (key, seq) VALUES (?, ?)", facts)
        db.execute("COMMIT")
        inserts.append(time.process_time() - start)
        db.close()
    parts["insert"] = min(inserts)
    meeting = state.meetings[paper.meeting]
    before = dict(meeting.ballots), state.version

    def fold() -> None:
        for item in stored:
            evolve(state, item.event)

    folds = []
    for _ in range(repeat):
        meeting.ballots.clear()
        meeting.ballots.update(before[0])
        seconds, _ = _best(fold, 1)
        folds.append(seconds)
    meeting.ballots.clear()
    meeting.ballots.update(before[0])
    state.version = before[1]
    parts["fold"] = min(folds)
    minimal = raw_sqlite.Minimal(directory / "parts-raw.db", 0)
    minimal.db.execute("PRAGMA synchronous=OFF")

    def raw() -> None:
        payloads = minimal.payloads(n)
        start = time.process_time()
        for at in range(0, n, 1_000):
            rows = minimal.chain(payloads[at : at + 1_000])
            minimal.db.execute("BEGIN IMMEDIATE")
            minimal.db.executemany(raw_sqlite.INSERT, rows)
            minimal.db.execute("COMMIT")
        return time.process_time() - start  # type: ignore[return-value]

    parts["raw"] = min(_best(raw, 1)[1] for _ in range(repeat))
    minimal.close()
    return {name: seconds / n * 1e6 for name, seconds in parts.items()}


def report(parts: dict[str, float]) -> str:
    yishi = parts["decide"] + parts["records"] + parts["insert"] + parts["fold"]
    return (
        f"     where a ballot's CPU goes (sync off, collector off, best of 5): decide "
        f"{parts['decide']:.1f} µs, records (encode, chain, hash) {parts['records']:.1f} µs, "
        f"SQLite insert into yishi's table {parts['insert']:.1f} µs, fold {parts['fold']:.1f} µs"
        f" = {yishi:.1f} µs; raw minimal's row {parts['raw']:.1f} µs: {parts['raw'] / yishi:.2f}"
    )
