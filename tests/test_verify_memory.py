"""verify walks the chain in flat memory: nothing is kept per record."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from pathlib import Path

from yishi.domain import events as ev
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import Checkpoint, verify_sqlite

AT = dt.datetime(2026, 3, 1, 9, 0)


def log_of(path: Path, n: int) -> str:
    """``n`` progress reports on one matter; returns the hash of record 10."""
    with SQLiteStore(path) as store:
        batch = [
            ("matter-m", i, ev.ProgressRecorded(at=AT, actor="clerk", matter="m", text=f"第{i}次"))
            for i in range(n)
        ]
        store.append(batch)
        return next(s.hash for s in store.read_all(9))


def peak_while_verifying(path: Path, checkpoint: Checkpoint) -> int:
    tracemalloc.start()
    try:
        report = verify_sqlite(path, [checkpoint])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.ok and report.checkpoints == 1
    return peak


def test_verify_memory_does_not_grow_with_the_log(tmp_path: Path) -> None:
    small, large = tmp_path / "small.db", tmp_path / "large.db"
    peaks = []
    for path, n in ((small, 2_000), (large, 20_000)):
        tenth = log_of(path, n)
        peaks.append(peak_while_verifying(path, Checkpoint(10, tenth)))
    # ten times the records: a per-record hash table would add ~2 MB here
    assert peaks[1] - peaks[0] < 300_000, peaks


def test_a_checkpoint_is_still_compared_with_the_hash_stored_at_its_size(
    tmp_path: Path,
) -> None:
    path = tmp_path / "yishi.db"
    tenth = log_of(path, 50)
    assert verify_sqlite(path, [Checkpoint(10, tenth)]).ok
    wrong = verify_sqlite(path, [Checkpoint(10, "0" * 64)])
    assert [d.code for d in wrong.damage] == ["verify_checkpoint_mismatch"]
    too_far = verify_sqlite(path, [Checkpoint(51, tenth)])
    assert [d.code for d in too_far.damage] == ["verify_truncated"]
