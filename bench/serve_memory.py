"""What the web service holds and how long its log-reading pages take, on a large log.

``yishi serve`` opens the log into an engine and a service. The service used
to keep every record beside the folded state; it now reads a page's records
from the log. This measures, in one fresh process for each part so that one
does not inherit another's heap:

  - memory: the resident set an engine alone grows by when it opens the log
    (the folded state: the baseline), and what the engine and the service grow
    by as ``yishi serve`` opens them, and after every page below was drawn;
  - the board: its first rendering (and the longest a command waited for the
    engine's lock meanwhile), the records of a matter kept by a page after one
    more of them, and again after one more record of one
    matter, against a whole rendering at that same position;
  - a matter's timeline, every notice's document (the API's list), the stats
    of the whole log (and again after one more record), a verification code.

    python bench/serve_memory.py [--events N] [--keep]

The log is bench/engine.py's realistic village (``write_log``), in a temporary
directory under the current one.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

PART = r"""
import datetime as dt, gc, json, sys, time
from pathlib import Path

def rss():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) * 1024

from yishi.log import open_engine
from yishi.web.config import Community
from yishi.web.service import Service
from yishi.web import queries
from yishi.web.stats import document
from yishi.stats import Span
from yishi.publish.code import verification_code

path, part = Path(sys.argv[1]), sys.argv[2]
gc.collect()
before = rss()
out = {}
engine = open_engine(path)
if part == "engine":
    gc.collect()
    out["grew"] = rss() - before
else:
    service = Service(Community(slug="main", engine=engine))
    gc.collect()
    out["grew"] = rss() - before
    clock = time.perf_counter

    def timed(name, work):
        began = clock()
        work()
        out[name] = clock() - began

    # a command's wait for the engine's lock while the first board is drawn
    import threading
    waits, drawn = [], threading.Event()

    def probe():
        while not drawn.is_set():
            began = clock()
            with service.lock:
                pass
            waits.append(clock() - began)
            time.sleep(0.001)

    prober = threading.Thread(target=probe)
    prober.start()
    try:
        timed("board", lambda: service.board("zh"))
    finally:
        drawn.set()
        prober.join()
    out["board_lock_wait"] = max(waits)
    matter = next(iter(engine.state.matters))
    timed("timeline", lambda: service.cached("t", lambda s: queries.matter_timeline(s, matter, "zh")))
    timed("documents", lambda: service.cached("d", lambda s: queries.disclosures(s, "zh")))
    timed("stats", lambda: document(service, Span(dt.date(2000, 1, 1), dt.date(2099, 12, 31))))
    notice = next(iter(engine.state.disclosures.values()))
    code = verification_code(notice.id, notice.checkpoint)
    timed("verify", lambda: service.cached("v", lambda s: queries.verify_code(s, code)))
    # one more record of a matter, as another worker would append it
    from yishi.domain.uniqueness import KEYS
    last = None  # a matter's record that states no fact recorded once: a copy is lawful
    for stored in engine.store.read_all(max(0, engine.position - 5000)):
        if getattr(stored.event, "matter", None) and type(stored.event) not in KEYS:
            # of the matter with the most records: a meeting being voted on
            if last is None or engine.versions[stored.stream] >= engine.versions[last.stream]:
                last = stored
    moved = last.event.matter
    with service.lock:
        service.matter_records(moved)  # kept, as a page that shows it left it
    engine.store.append([(last.stream, engine.versions[last.stream], last.event)])
    service.refresh()

    def records_again():
        with service.lock:
            service.matter_records(moved)

    timed("records_after_one", records_again)
    out["records_of_matter"] = engine.versions[last.stream]
    timed("board_after_one", lambda: service.board("zh"))
    timed("stats_after_one", lambda: document(service, Span(dt.date(2000, 1, 1), dt.date(2099, 12, 31))))
    with service.lock:
        fresh = Service(Community(slug="main", engine=engine))
        timed("board_whole_again", lambda: fresh._render_board("zh", None))
    gc.collect()
    out["grew_after_pages"] = rss() - before
out["events"] = engine.position
print(json.dumps(out))
"""


def part(log: Path, name: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", PART, str(log), name], capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=300_000, help="log size (default 300,000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import engine as engine_bench

    directory = Path(tempfile.mkdtemp(prefix="yishi-bench-", dir=os.getcwd()))
    try:
        log = directory / "yishi.db"
        began = time.perf_counter()
        engine_bench.write_log(log, args.events)
        gc.collect()
        print(f"the log: {args.events:,} events, written in {time.perf_counter() - began:.1f} s")
        shutil.copy(log, directory / "pristine.db")
        alone = part(log, "engine")
        served = part(directory / "pristine.db", "service")
        n = served["events"]
        print("\nmemory grown by opening the log (resident set)")
        print(f"  engine alone (the folded state)  {alone['grew'] / n:7.0f} B/event")
        print(f"  engine and service, as served    {served['grew'] / n:7.0f} B/event")
        print(f"  the same after every page below  {served['grew_after_pages'] / n:7.0f} B/event")
        print(f"  => served / engine alone         {served['grew'] / alone['grew']:7.2f}")
        print("\npages that read the log (seconds)")
        for name, label in (
            ("board", "board, first rendering"),
            ("board_lock_wait", "  longest wait for the lock then"),
            ("records_after_one", "one more record: its matter's"),
            ("board_after_one", "board after one more record"),
            ("board_whole_again", "the same board rendered whole"),
            ("timeline", "one matter's timeline"),
            ("documents", "every notice's document (API)"),
            ("stats", "stats of the whole log"),
            ("stats_after_one", "the stats after one more record"),
            ("verify", "a verification code"),
        ):
            print(f"  {label:<34} {served[name]:8.4f}")
        print(f"  (the matter of that record has {served['records_of_matter']:,} records)")
        ratio = served["board_after_one"] / served["board_whole_again"]
        print(f"  => board after one record / whole {ratio:7.2f}")
    finally:
        if args.keep:
            print(f"\nkept {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
