"""Event stores behind one small protocol."""

from yishi.store.memory import ConcurrencyError, MemoryStore, StoredEvent

__all__ = ["ConcurrencyError", "MemoryStore", "StoredEvent"]
