"""Group commit: one writer decides and commits the commands of many clients
with one fsync.

Threads that share an :class:`~yishi.engine.Engine` (a portal serving many
phones from one process) hand their commands to a queue. Whichever thread
finds no writer at work becomes the writer for everything queued so far: it
takes the log's write lock, reads what other processes appended (only if one
did: ``PRAGMA data_version``), decides each command against the state folded
so far — so the second ballot in a batch already sees the first — writes its
events, and commits them all in one transaction. While it waits for the disk,
the next commands queue up for the next writer.

Every answer, a refusal included, is given only after the commit that makes
its batch durable: a refusal may rest on an earlier command of the same batch,
and if the commit fails, every command of the batch is answered with the
failure and nothing of it counts. Before answering, the engine forgets its
folded state and reads the log again, so no reader sees what was lost.

Deciding under the write lock also means a command is never decided against a
state another process is about to change: with several processes on one file
there are no optimistic-concurrency retries, only a wait for the lock.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING

import attrs

from yishi.domain import commands as cmd
from yishi.domain.events import Event
from yishi.domain.rules import RuleSet
from yishi.store.base import StoredEvent

if TYPE_CHECKING:
    from yishi.engine import Engine


def _closed_gate() -> threading.Lock:
    gate = threading.Lock()
    gate.acquire()
    return gate


@attrs.define(eq=False)
class Request:
    """One client's command and, once its batch is committed, its answer."""

    command: cmd.Command
    at: dt.datetime
    key: str | None = None
    fingerprint: str = ""  # for a key: worked out by the writer, under the lock
    ruleset: RuleSet | None = None  # a Tick is decided once per rule set
    events: list[Event] | None = None  # the answer: the events recorded (or found, for a retry)
    stored: list[StoredEvent] = attrs.Factory(list)  # what this request appended, if anything
    error: BaseException | None = None
    done: bool = False
    # Opened once, by the writer, when the answer is ready or when this client is
    # to write the next batch: a waiting client is woken for itself alone.
    gate: threading.Lock = attrs.field(factory=lambda: _closed_gate(), repr=False)

    def answer(self) -> list[Event]:
        if self.error is not None:
            raise self.error
        assert self.events is not None
        return self.events


# How long a new writer waits for the clients of the last batch to come back
# with their next command. Without it, batches alternate between the clients
# that were answered and those that queued meanwhile (8 clients: 1, 7, 1, 7…).
LINGER = 0.0005  # seconds


class GroupCommit:
    """The queue and the writer's baton for one engine.

    Each waiting client blocks on its own request's gate, and the writer opens
    the gates of the batch it committed and, if commands queued meanwhile, the
    gate of the first of them, which writes the next batch. A condition
    variable shared by all would wake every client at every command (eight
    clients: seven needless wake-ups and GIL hand-offs a command)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._mutex = threading.Lock()
        self._queue: list[Request] = []
        self._writing = False
        self._lingering: threading.Lock | None = None  # the gate a lingering writer waits at
        self._active = 1  # clients waiting when the last batch ended: how many may come back
        self.batches = 0  # committed batches and the commands in them, for the bench
        self.commands = 0

    def submit(self, request: Request) -> list[Event]:
        """Queue ``request`` and return its answer once it is durable."""
        with self._mutex:
            self._queue.append(request)
            wait = self._writing
            self._writing = True
            lingering = self._lingering
            if lingering is not None and len(self._queue) >= self._active:
                self._lingering = None
                lingering.release()
        if wait:
            request.gate.acquire()
            if request.done:
                return request.answer()
        return self._write(request)  # no writer was at work, or the last one handed over

    def _write(self, request: Request) -> list[Event]:
        self._linger()
        with self._mutex:
            batch, self._queue = self._queue, []
        following: Request | None = None
        try:
            try:
                self.engine._commit_batch(batch)
            finally:
                with self._mutex:  # counted before the answered clients queue again
                    self._active = len(batch) + len(self._queue)
                    self.batches += 1
                    self.commands += len(batch)
                for item in batch:  # answered once durable, before the plugins hear of it
                    item.done = True
                    if item is not request:
                        item.gate.release()
            # Still the writer: the next batch waits, so plugins hear of batches in
            # log order and read the state as this one left it.
            self.engine._tell(batch)
        finally:
            with self._mutex:
                if self._queue:
                    following = self._queue[0]
                else:
                    self._writing = False
            if following is not None:
                following.gate.release()  # not done: it writes the next batch
        return request.answer()

    def _linger(self) -> None:
        """Wait up to ``LINGER`` for as many commands as the last batch had."""
        with self._mutex:
            if len(self._queue) >= self._active:
                return
            gate = self._lingering = _closed_gate()
        gate.acquire(timeout=LINGER)
        with self._mutex:
            if self._lingering is gate:
                self._lingering = None
