"""Keep the cyclic garbage collector out of a commit, and out of a catch-up.

A bulk command allocates tens of thousands of objects (its events, their
records, the folded entries) that are all alive until it returns, so every
collection the collector starts meanwhile scans them, and the folded state
behind them, for nothing: with 10,000 paper ballots that was a third of the
command's time. Nothing a commit allocates forms a cycle that must be freed
before it ends, so the collector waits until the commit is done; it then runs
as it would have, on whatever is garbage by then. A catch-up (opening a log)
folds the state that lives as long as the engine: the same holds.

Threads sharing an engine commit one at a time, but a web server may run other
threads: the pause is counted, and the collector is switched back on only by
the last one out, and only if it was on when the first one came in.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_inside = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _inside, _was_enabled
    with _lock:
        if _inside == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0 and _was_enabled:
                gc.enable()
