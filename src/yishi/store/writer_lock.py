"""A fair turn for writers from several processes: ``flock`` on ``<log>-writer``.

SQLite's own wait for its write lock (``busy_timeout``) polls with sleeps that
grow to 100 ms, so with several busy processes one can wait seconds while the
others take turns. An exclusive ``flock`` taken just before ``BEGIN
IMMEDIATE`` lets a waiting writer in as soon as the last one lets go: the wait
is the kernel's (a helper thread blocks in ``flock``), so there is no polling
gap in which the writer that just committed takes the lock again before a
sleeping one wakes. (Polling every millisecond, as before, let one process
keep the turn for up to a second while seven others slept.)

Waiting is bounded by the store's ``busy_timeout``: after that the writer goes
on to SQLite's own wait, which answers "database is locked" as before (never a
wait for ever, even for two stores of one thread on the same file); a helper
thread that gets the lock after its writer gave up lets go of it at once. It is
advisory and only yishi takes it: SQLite's lock still guards the file against
every other program, and a process that dies loses its ``flock`` with it.

The file is empty and created beside the log on the first write. Where it
cannot be made (a read-only folder, a system without ``flock``), writers fall
back to SQLite's wait alone.
"""

from __future__ import annotations

import os
import threading
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
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._held = self._wait(self._fd, self.timeout)
        else:
            self._held = True

    def _wait(self, fd: int, timeout: float) -> bool:
        """Block in ``flock`` in a helper thread, for at most ``timeout``."""
        got = threading.Event()
        gave_up = threading.Event()
        settle = threading.Lock()
        # Its own descriptor of the same open file (so the same lock): closing the
        # store meanwhile cannot hand the helper a number that means another file.
        mine = os.dup(fd)

        def wait() -> None:
            try:
                fcntl.flock(mine, fcntl.LOCK_EX)
                with settle:
                    if gave_up.is_set():
                        fcntl.flock(mine, fcntl.LOCK_UN)
                    else:
                        got.set()
            finally:
                os.close(mine)

        threading.Thread(target=wait, name="yishi-writer-turn", daemon=True).start()
        if got.wait(timeout):
            return True
        with settle:
            if got.is_set():
                return True
            gave_up.set()
        return False  # SQLite's own wait decides now

    def release(self) -> None:
        if self._held and self._fd is not None:
            self._held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
