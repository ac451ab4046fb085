"""Turning a batch of events into chained records; shared by every backend.

A backend reads its head and the streams' versions inside its own write
transaction, then calls :func:`make_records`; the rows it gets back are
ready to insert, hashes included, and so are the facts recorded once
(domain/uniqueness.py) that go under the backend's UNIQUE key: ``(key, seq)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import NamedTuple

from yishi.domain.uniqueness import KEYS
from yishi.store.base import Batch, ConcurrencyError, Head, StoredEvent
from yishi.store.chain import LEAF_PREFIX, canonical, stream_text
from yishi.store.encoding import encode_checked
from yishi.store.runs import encode_all


class Record(NamedTuple):
    """One row of the log, as stored (a tuple: it is inserted as it is)."""

    seq: int
    stream: str
    version: int
    type: str
    payload: str  # the event's canonical JSON
    command: str | None
    prev: str
    hash: str

    def astuple(self) -> tuple[int, str, int, str, str, str | None, str, str]:
        return self


Fact = tuple[str, int]  # (uniqueness key, the seq of the record that states it)


def make_records(
    batch: Batch, head: Head, current_version: Callable[[str], int], command: str | None
) -> tuple[list[Record], list[StoredEvent], list[Fact]]:
    versions: dict[str, int] = {}
    records: list[Record] = []
    stored: list[StoredEvent] = []
    facts: list[Fact] = []
    prev = head.hash
    seq = head.size
    add_record, add_stored = records.append, stored.append
    payloads = encode_all([event for _stream, _expected, event in batch])
    # ``record_hash`` written out (the same text, docs/integrity.md §2): a bulk
    # command hashes thousands of records, and the call costs as much as the hash.
    opening = '{"command":' + ("null" if command is None else canonical(command)) + ',"event":'
    sha, new, keys = hashlib.sha256, tuple.__new__, KEYS.get
    for (stream, expected, event), payload in zip(batch, payloads, strict=True):
        current = versions[stream] if stream in versions else current_version(stream)
        if current != expected:
            raise ConcurrencyError(f"{stream}: expected version {expected}, found {current}")
        version = versions[stream] = current + 1
        seq += 1
        named = stream_text(stream) if type(stream) is str else canonical(stream)
        text = (
            f'{opening}{payload},"prev":"{prev}","seq":{seq},"stream":{named},"version":{version}}}'
        )
        digest = sha(LEAF_PREFIX + text.encode()).hexdigest()
        once = keys(type(event))
        if once is not None:
            facts += [(key, seq) for key in once(event)]
        add_record(new(Record, (seq, stream, version, event.type, payload, command, prev, digest)))
        add_stored(StoredEvent(seq, stream, version, event, digest, prev, command))
        prev = digest
    return records, stored, facts


def refused_fact(keys: Sequence[str], taken: Callable[[str], bool]) -> str:
    """Which of a refused batch's ``keys`` the UNIQUE key refused, for its
    :class:`DuplicateFact`: the first the log already holds (``taken``), else the
    first the batch itself states twice. Every backend names it the same way."""
    for key in keys:
        if taken(key):
            return key
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    return ", ".join(keys)


__all__ = ["Fact", "Record", "encode_checked", "make_records", "refused_fact"]
