"""The in-memory event log: the reference for the store protocol, and for tests.

It keeps the same records as SQLite (hashes, uniqueness keys, idempotency
keys), so the contract tests in :mod:`yishi.testing` hold it to the same
meaning and a program tested against it behaves the same on disk.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence

import attrs

from yishi.store.base import (
    Batch,
    CommandRecorded,
    DuplicateFact,
    Head,
    HookFailure,
    KeyReused,
    StoredEvent,
)
from yishi.store.chain import GENESIS
from yishi.store.evidence import EvidenceStore
from yishi.store.records import Record, make_records


class MemoryStore:
    def __init__(self, evidence: EvidenceStore | None = None) -> None:
        self.evidence = evidence
        self._events: list[StoredEvent] = []
        self._records: list[Record] = []
        self._versions: dict[str, int] = {}
        self._once: set[str] = set()
        self._commands: dict[str, tuple[str, int, int]] = {}
        self._failures: list[HookFailure] = []
        self._next_failure = 1
        self._box: dict[str, Counter[str]] = {}  # meeting -> sealed ballots (a multiset)

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
        if command is not None and command in self._commands:
            if self._commands[command][0] != fingerprint:
                raise KeyReused(command)
            raise CommandRecorded(command, self._recorded_events(command))
        records, stored = make_records(batch, self.head(), self.stream_version, command)
        once = [r.once for r in records if r.once is not None]
        repeated = Counter(once)  # not once.count(key) per key: a batch of 10,000 ballots
        for key in once:
            if key in self._once or repeated[key] > 1:
                raise DuplicateFact(key)
        # Nothing above wrote; from here on nothing can fail.
        self._records += records
        self._events += stored
        self._once.update(once)
        for r in records:
            self._versions[r.stream] = r.version
        if command is not None:
            self._commands[command] = (fingerprint, records[0].seq, records[-1].seq)
        for meeting, ballot, _capacity in sealed:
            self._box.setdefault(meeting, Counter())[ballot] += 1
        for meeting in opened:
            self._box.pop(meeting, None)
        return stored

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
