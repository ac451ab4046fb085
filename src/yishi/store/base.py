"""The store protocol: what every event-log backend provides.

Small on purpose (design.md §2): append with expected stream versions, read a
stream, read everything after a global position, and verify the chain. The
contract tests in :mod:`yishi.testing` hold every backend to the same meaning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Protocol

import attrs

from yishi.domain.events import Event
from yishi.store.evidence import EvidenceStore


@attrs.frozen
class StoredEvent:
    position: int  # global, from 1 (the record's ``seq``)
    stream: str
    version: int  # within the stream, from 1
    event: Event
    hash: str = ""
    prev: str = ""
    command: str | None = None  # the idempotency key of the command that caused it


@attrs.frozen
class Head:
    size: int  # number of records; the head is record ``size``
    hash: str  # its hash, or the genesis value for an empty log

    def as_dict(self) -> dict[str, int | str]:
        return {"size": self.size, "head": self.hash}


@attrs.frozen
class HookFailure:
    """An after-commit hook that raised; kept until a retry succeeds."""

    id: int
    plugin: str
    hook: str
    first: int  # the positions of the events the hook was told about
    last: int
    error: str
    attempts: int = 1
    at: str = ""


class StoreError(Exception):
    """Something the caller can act on; the append was not made."""


class UnencodableEvent(StoreError):
    """An event whose stored form would not read back as the same event (a date-time
    where a date belongs, a value JSON cannot hold). Raised before anything is
    written: a record that cannot be read back would make the log unopenable and
    look tampered with to ``verify``."""

    def __init__(self, event_type: str, detail: str) -> None:
        super().__init__(f"{event_type}: {detail}")
        self.event_type = event_type
        self.detail = detail


class ConcurrencyError(StoreError):
    """A stream moved on since it was read (optimistic concurrency): read again and retry."""


class DuplicateFact(StoreError):
    """A fact that may be recorded once (one ballot per member) is already recorded."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class CommandRecorded(StoreError):
    """The idempotency key was already used: here are the events it recorded."""

    def __init__(self, key: str, events: list[StoredEvent]) -> None:
        super().__init__(key)
        self.key = key
        self.events = events


class KeyReused(StoreError):
    """The idempotency key was used before for a different command."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


Batch = Sequence[tuple[str, int, Event]]


class EventStore(Protocol):
    evidence: EvidenceStore | None

    def append(
        self, batch: Batch, *, command: str | None = None, fingerprint: str = ""
    ) -> list[StoredEvent]:
        """Append atomically. Each item names its stream and the version expected
        before it. ``command`` is an idempotency key: appending again with the
        same key and fingerprint raises :class:`CommandRecorded` with the first
        receipt; with another fingerprint, :class:`KeyReused`."""
        ...

    def read_all(self, after: int = 0) -> Iterator[StoredEvent]: ...

    def read_stream(self, stream: str) -> Iterator[StoredEvent]: ...

    def stream_version(self, stream: str) -> int: ...

    def head(self) -> Head: ...

    def recorded(self, command: str) -> tuple[str, list[StoredEvent]] | None:
        """The fingerprint and events of an idempotency key, if it was used."""
        ...

    def record_hook_failure(
        self, plugin: str, hook: str, first: int, last: int, error: str, at: dt.datetime
    ) -> None: ...

    def hook_failures(self) -> list[HookFailure]: ...

    def hook_retried(self, failure: HookFailure, error: str | None) -> None:
        """Mark a retry: ``error`` None clears the failure, otherwise counts an attempt."""
        ...

    def close(self) -> None: ...
