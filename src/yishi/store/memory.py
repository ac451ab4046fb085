"""The in-memory event store: the reference for the store protocol, and for tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import attrs

from yishi.domain.events import Event


class ConcurrencyError(Exception):
    """The stream moved on since it was read (optimistic concurrency)."""


@attrs.frozen
class StoredEvent:
    position: int  # global, from 1
    stream: str
    version: int  # within the stream, from 1
    event: Event


class MemoryStore:
    def __init__(self) -> None:
        self._events: list[StoredEvent] = []
        self._versions: dict[str, int] = {}

    def stream_version(self, stream: str) -> int:
        return self._versions.get(stream, 0)

    def append(self, batch: Sequence[tuple[str, int, Event]]) -> list[StoredEvent]:
        """Append events atomically; each item names its stream and the version expected before it."""
        versions = dict(self._versions)
        stored: list[StoredEvent] = []
        for stream, expected, event in batch:
            current = versions.get(stream, 0)
            if current != expected:
                raise ConcurrencyError(f"{stream}: expected version {expected}, found {current}")
            versions[stream] = current + 1
            stored.append(
                StoredEvent(len(self._events) + len(stored) + 1, stream, current + 1, event)
            )
        self._events.extend(stored)
        self._versions = versions
        return stored

    def read_all(self, after: int = 0) -> Iterator[StoredEvent]:
        yield from self._events[after:]

    def read_stream(self, stream: str) -> Iterator[StoredEvent]:
        return (e for e in self._events if e.stream == stream)

    def __len__(self) -> int:
        return len(self._events)
