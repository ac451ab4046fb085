"""Turning a batch of events into chained records; shared by every backend.

A backend reads its head and the streams' versions inside its own write
transaction, then calls :func:`make_records`; the rows it gets back are
ready to insert, hashes included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from yishi.domain.codec import check_round_trip
from yishi.domain.events import Event
from yishi.domain.uniqueness import unique_key
from yishi.store.base import Batch, ConcurrencyError, Head, StoredEvent, UnencodableEvent
from yishi.store.chain import canonical, record_hash


class Record(NamedTuple):
    """One row of the log, as stored (a tuple: it is inserted as it is)."""

    seq: int
    stream: str
    version: int
    type: str
    payload: str  # the event's canonical JSON
    command: str | None
    once: str | None  # the uniqueness key, for facts recorded once
    prev: str
    hash: str

    def astuple(self) -> tuple[int, str, int, str, str, str | None, str | None, str, str]:
        return self


def make_records(
    batch: Batch, head: Head, current_version: Callable[[str], int], command: str | None
) -> tuple[list[Record], list[StoredEvent]]:
    versions: dict[str, int] = {}
    records: list[Record] = []
    stored: list[StoredEvent] = []
    prev = head.hash
    seq = head.size
    add_record, add_stored = records.append, stored.append
    for stream, expected, event in batch:
        current = versions[stream] if stream in versions else current_version(stream)
        if current != expected:
            raise ConcurrencyError(f"{stream}: expected version {expected}, found {current}")
        version = versions[stream] = current + 1
        seq += 1
        payload = encode_checked(event)
        digest = record_hash(seq, stream, version, prev, command, payload)
        add_record(
            Record(
                seq, stream, version, event.type, payload, command, unique_key(event), prev, digest
            )
        )
        add_stored(StoredEvent(seq, stream, version, event, digest, prev, command))
        prev = digest
    return records, stored


def encode_checked(event: Event) -> str:
    """The event's canonical JSON, after checking that it reads back as the same event.

    Every backend appends only what this returns, so a record that a reader
    (``open``, ``verify``, a replay) could not decode is never written: the
    append fails whole, before the transaction writes anything. Only the fields
    a reader converts (dates, tuples, attachments) are decoded and encoded
    again (``codec.check_round_trip``); the rest is JSON as it stands. A property
    test (tests/test_hardening_codec.py) holds this to a full decode.
    """
    try:
        data = event.to_dict()
        payload = canonical(data)
        check_round_trip(type(event), data, event)
        payload.encode("utf-8")  # a lone surrogate has no UTF-8 form to hash
    except (TypeError, ValueError, KeyError, OverflowError, RecursionError) as exc:
        raise UnencodableEvent(event.type, f"{type(exc).__name__}: {exc}") from None
    return payload
