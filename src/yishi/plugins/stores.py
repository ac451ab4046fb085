"""Built-in plugin: the event-store backends ``memory`` and ``sqlite``.

The backends are imported inside their factories, so loading plugins never
opens a database or imports a driver.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yishi.hookspecs import hookimpl
from yishi.plugins.registry import StoreBackend


def open_memory(location: str = "") -> Any:
    """A new empty in-memory log; ``location`` is ignored."""
    from yishi.store.memory import MemoryStore

    return MemoryStore()


def open_sqlite(location: str) -> Any:
    """The SQLite log in the file ``location`` (created if missing)."""
    from yishi.store.sqlite import SQLiteStore

    return SQLiteStore(location)


@hookimpl
def yishi_register_store_backends(register: Callable[[StoreBackend], None]) -> None:
    register(StoreBackend("memory", open_memory, "内存（测试与演示用，进程结束即丢失）"))
    register(StoreBackend("sqlite", open_sqlite, "SQLite 文件（默认的单机存储）"))
