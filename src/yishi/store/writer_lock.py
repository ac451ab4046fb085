"""A fair turn for writers from several processes: ``flock`` on ``<log>-writer``.

SQLite's own wait for its write lock (``busy_timeout``) polls with sleeps that
grow to 100 ms, so with several busy processes one can wait seconds while the
others take turns. An exclusive ``flock`` taken just before ``BEGIN
IMMEDIATE``, polled every millisecond at most, lets a waiting writer in about
a millisecond after the last one committed. Waiting is bounded by the store's
``busy_timeout``: after that the writer goes on to SQLite's own wait, which
answers "database is locked" as before (never a wait for ever, even for two
stores of one thread on the same file). It is advisory and only
yishi takes it: SQLite's lock still guards the file against every other
program, and a process that dies loses its ``flock`` with it.

The file is empty and created beside the log on the first write. Where it
cannot be made (a read-only folder, a system without ``flock``), writers fall
back to SQLite's wait alone.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SUFFIX = "-writer"


class WriterLock:
    def __init__(self, log: Path, timeout: float) -> None:
        self.path = Path(f"{log}{SUFFIX}")
        self.timeout = timeout
        self._fd: int | None = None
        self._usable = fcntl is not None
        self._held = False

    def acquire(self) -> None:
        if not self._usable:
            return
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:
                self._usable = False
                return
        deadline = time.perf_counter() + self.timeout
        pause = 0.0001
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.perf_counter() >= deadline:
                    return  # SQLite's own wait decides now
                time.sleep(pause)
                pause = min(pause * 2, 0.001)
                continue
            self._held = True
            return

    def release(self) -> None:
        if self._held and self._fd is not None:
            self._held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
