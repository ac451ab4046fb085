"""Event logs behind one small protocol (:class:`EventStore`)."""

from yishi.store.base import (
    CommandRecorded,
    ConcurrencyError,
    DuplicateFact,
    EventStore,
    Head,
    HookFailure,
    KeyReused,
    StoredEvent,
    StoreError,
)
from yishi.store.evidence import EvidenceStore
from yishi.store.memory import MemoryStore
from yishi.store.sqlite import SQLiteStore

__all__ = [
    "CommandRecorded",
    "ConcurrencyError",
    "DuplicateFact",
    "EventStore",
    "EvidenceStore",
    "Head",
    "HookFailure",
    "KeyReused",
    "MemoryStore",
    "SQLiteStore",
    "StoreError",
    "StoredEvent",
]
