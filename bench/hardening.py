"""What the hardening of issue 13 costs, as ratios against a baseline in the same run.

a. the read-only view a hook gets, against handing it the engine itself:
   a hook that reads every meeting's ballots after each append, and one that
   reads nothing; and, for comparison, the deep copy of the state the view
   replaces (the other way to keep a plugin from changing it);
b. the encode check before append (the fields a reader converts, decoded and
   encoded again: codec.check_round_trip) against the plain encoding, per event, for a ballot and for a disclosure;
c. the replay audit of ``yishi verify`` (recounting every verdict) against the
   chain walk alone, on a log of a few thousand events.

  python bench/hardening.py [--quick]
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import workloads as w
from yishi.audit import audit_sqlite, rulesets_by_digest
from yishi.engine import Engine
from yishi.plugins.readonly import EngineView
from yishi.store.chain import canonical
from yishi.store.memory import MemoryStore
from yishi.store.records import encode_checked
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import verify_sqlite


def _time(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(repeat):
            function()
        best = min(best, (time.perf_counter() - started) / repeat)
    return best


def _reads_ballots(engine) -> int:
    return sum(len(m.ballots) for m in engine.state.meetings.values())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    members, matters = (60, 10) if args.quick else (300, 40)

    engine = Engine(MemoryStore(), w.ruleset())
    w.build_log(engine, members=members, matters=matters, seed=1, evidence=None)
    view = EngineView(engine)
    print(f"a. hook view ({members} members, {matters} matters, {engine.position} events)")
    raw = _time(lambda: _reads_ballots(engine), 200)
    viewed = _time(lambda: _reads_ballots(view), 200)
    empty = _time(lambda: EngineView(engine), 2000)
    deep = _time(lambda: copy.deepcopy(engine.state), 5)
    print(
        f"   reading all ballots: engine {raw * 1e6:8.1f} µs, view {viewed * 1e6:8.1f} µs"
        f"  ratio {viewed / raw:5.1f}×"
    )
    print(
        f"   making the view: {empty * 1e6:.2f} µs; deep copy of the state instead:"
        f" {deep * 1e3:.2f} ms ({deep / max(viewed, 1e-9):.0f}× a full read through the view)"
    )

    print("b. encode check before append, per event")
    events = [s.event for s in engine.store.read_all()]
    for name in ("BallotCast", "DisclosurePublished"):
        event = next(e for e in events if e.type == name)
        plain = _time(lambda e=event: canonical(e.to_dict()), 5000)
        checked = _time(lambda e=event: encode_checked(e), 5000)
        print(
            f"   {name:20s} plain {plain * 1e6:6.1f} µs, checked {checked * 1e6:6.1f} µs"
            f"  ratio {checked / plain:4.1f}×"
        )

    print("c. verify: replay audit against the chain walk")
    with tempfile.TemporaryDirectory(dir=".") as folder:
        db = Path(folder) / "yishi.db"
        on_disk = Engine(SQLiteStore(db, synchronous="NORMAL"), w.ruleset())
        w.build_log(on_disk, members=members, matters=matters, seed=1, evidence=None)
        on_disk.store.close()
        known = rulesets_by_digest([w.ruleset()])
        chain = _time(lambda: verify_sqlite(db), 1)
        audit = _time(lambda: audit_sqlite(db, known), 1)
        report = audit_sqlite(db, known)
        print(
            f"   chain {chain * 1e3:7.1f} ms, audit {audit * 1e3:7.1f} ms"
            f"  ratio {audit / chain:4.1f}×  ({report.verdicts} verdicts recounted)"
        )


if __name__ == "__main__":
    main()
