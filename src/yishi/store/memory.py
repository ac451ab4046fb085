"""The in-memory event log: the reference for the store protocol, and for tests.

It keeps the same records as SQLite (hashes, uniqueness keys, idempotency
keys), so the contract tests in :mod:`yishi.testing` hold it to the same
meaning and a program tested against it behaves the same on disk.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

import attrs

from yishi.store.base import (
    Batch,
    CommandRecorded,
    ConcurrencyError,
    DuplicateFact,
    Head,
    HookFailure,
    KeyReused,
    StoredEvent,
)
from yishi.store.chain import GENESIS
from yishi.store.evidence import EvidenceStore
from yishi.store.records import Fact, Record, make_records


class MemoryStore:
    def __init__(self, evidence: EvidenceStore | None = None) -> None:
        self.evidence = evidence
        self._events: list[StoredEvent] = []
        self._records: list[Record] = []
        self._versions: dict[str, int] = {}
        self._once: dict[str, int] = {}  # the facts recorded once: key -> seq
        self._commands: dict[str, tuple[str, int, int]] = {}
        self._failures: list[HookFailure] = []
        self._next_failure = 1
        self._box: dict[str, Counter[str]] = {}  # meeting -> sealed ballots (a multiset)
        self._lock = threading.RLock()
        # The open write transaction: what ``write`` staged, not yet visible.
        self._staged: list[tuple[list[Record], list[StoredEvent], list[Fact], str | None, str]] = []
        self._staged_box: list[tuple[Sequence[tuple[str, str, int]], Sequence[str]]] = []
        self._staged_once: set[str] = set()
        self._staged_keys: set[str] = set()

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    def head(self) -> Head:
        return Head(len(self._records), self._records[-1].hash if self._records else GENESIS)

    def stream_version(self, stream: str) -> int:
        return self._versions.get(stream, 0)

    def append(
        self,
        batch: Batch,
        *,
        command: str | None = None,
        fingerprint: str = "",
        sealed: Sequence[tuple[str, str, int]] = (),
        opened: Sequence[str] = (),
    ) -> list[StoredEvent]:
        """``sealed`` and ``opened`` go to the ballot box (store/ballot_box.py)."""
        if not batch:
            return []
        self.begin_write()
        try:
            stored = self.write(
                batch, self.head(), self.stream_version, command, fingerprint, sealed, opened
            )
        except BaseException:
            self.rollback_write()
            raise
        self.commit_write()
        return stored

    # -- the write transaction (the same protocol as SQLiteStore's) ------------

    def begin_write(self) -> bool:
        """Open a write transaction; never anyone else's writes to read first."""
        self._lock.acquire()
        self._staged, self._staged_once, self._staged_keys = [], set(), set()
        self._staged_box = []
        return False

    def write(
        self,
        batch: Batch,
        head: Head,
        current_version: Callable[[str], int],
        command: str | None = None,
        fingerprint: str = "",
        sealed: Sequence[tuple[str, str, int]] = (),
        opened: Sequence[str] = (),
    ) -> list[StoredEvent]:
        if command is not None:
            if command in self._staged_keys:
                raise ConcurrencyError("idempotency key recorded in this transaction")
            if command in self._commands:
                if self._commands[command][0] != fingerprint:
                    raise KeyReused(command)
                raise CommandRecorded(command, self._recorded_events(command))
        records, stored, facts = make_records(batch, head, current_version, command)
        once = [key for key, _seq in facts]
        repeated = Counter(once)  # not once.count(key) per key: a batch of 10,000 ballots
        for key in once:
            if key in self._once or key in self._staged_once or repeated[key] > 1:
                raise DuplicateFact(key)
        if records[0].seq != len(self._records) + sum(len(r) for r, *_ in self._staged) + 1:
            raise ConcurrencyError(f"record {records[0].seq} is not next")
        self._staged.append((records, stored, facts, command, fingerprint))
        self._staged_box.append((sealed, opened))
        self._staged_once.update(once)
        if command is not None:
            self._staged_keys.add(command)
        return stored

    def commit_write(self) -> None:
        # Nothing before this wrote; from here on nothing can fail.
        try:
            for records, stored, facts, command, fingerprint in self._staged:
                self._records += records
                self._events += stored
                for r in records:
                    self._versions[r.stream] = r.version
                self._once.update(facts)
                if command is not None:
                    self._commands[command] = (fingerprint, records[0].seq, records[-1].seq)
            for sealed, opened in self._staged_box:
                for meeting, ballot, _capacity in sealed:
                    self._box.setdefault(meeting, Counter())[ballot] += 1
                for meeting in opened:
                    self._box.pop(meeting, None)
            self._staged, self._staged_box = [], []
        finally:
            self._lock.release()

    def rollback_write(self) -> None:
        self._staged, self._staged_once, self._staged_keys = [], set(), set()
        self._staged_box = []
        self._lock.release()

    def sealed_ballots(self, meeting: str) -> list[str]:
        return sorted(self._box.get(meeting, Counter()).elements())

    def _recorded_events(self, command: str) -> list[StoredEvent]:
        _, first, last = self._commands[command]
        return self._events[first - 1 : last]

    def recorded(self, command: str) -> tuple[str, list[StoredEvent]] | None:
        if command not in self._commands:
            return None
        return self._commands[command][0], self._recorded_events(command)

    def read_all(self, after: int = 0) -> Iterator[StoredEvent]:
        yield from self._events[after:]

    def read_stream(self, stream: str) -> Iterator[StoredEvent]:
        return (e for e in self._events if e.stream == stream)

    def raw_records(self) -> Iterator[tuple[object, ...]]:
        return (r.astuple() for r in self._records)

    def raw_facts(self) -> Iterator[tuple[object, ...]]:
        """``(seq, key)`` of every fact recorded once, by seq then key."""
        return iter(sorted((seq, key) for key, seq in self._once.items()))

    def raw_commands(self) -> list[tuple[object, ...]]:
        return [(key, *value) for key, value in self._commands.items()]

    def record_hook_failure(
        self, plugin: str, hook: str, first: int, last: int, error: str, at: dt.datetime
    ) -> None:
        self._failures.append(
            HookFailure(self._next_failure, plugin, hook, first, last, error, 1, at.isoformat())
        )
        self._next_failure += 1

    def hook_failures(self) -> list[HookFailure]:
        return list(self._failures)

    def hook_retried(self, failure: HookFailure, error: str | None) -> None:
        index = next(i for i, f in enumerate(self._failures) if f.id == failure.id)
        if error is None:
            del self._failures[index]
        else:
            self._failures[index] = attrs.evolve(
                failure, error=error, attempts=failure.attempts + 1
            )

    def close(self) -> None:
        pass

    def __len__(self) -> int:
        return len(self._events)
