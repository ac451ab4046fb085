"""One of several processes casting ballots on one log (bench/engine.py, e.)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from yishi.domain import commands as cmd
from yishi.engine import Engine
from yishi.rulesets.registry import find
from yishi.store.sqlite import SQLiteStore


def main(db: str, ruleset: str, meeting: str, at: str, go: str, voters: list[str]) -> None:
    engine = Engine(SQLiteStore(db), find(ruleset))  # opening is not timed
    when = dt.datetime.fromisoformat(at)
    print("ready", flush=True)
    while not Path(go).exists():
        time.sleep(0.001)
    latencies = []
    clock = time.perf_counter
    for voter in voters:
        began = clock()
        engine.execute(cmd.CastVote(actor=voter, meeting=meeting, voter=voter, choice="yes"), when)
        latencies.append(clock() - began)
    engine.store.close()
    print(json.dumps(latencies), flush=True)


if __name__ == "__main__":
    db, ruleset, meeting, at, go = sys.argv[1:6]
    main(db, ruleset, meeting, at, go, sys.argv[6].split(","))
