"""PostgreSQL event store for yishi: every community of a city in one database.

Installed as its own distribution; yishi finds it only through the ``yishi``
entry point (:mod:`yishi_postgres.plugin`) and never imports it. The store (and
with it psycopg) is imported on first use, so that loading the plugin, which
every ``yishi`` command does, does not load the driver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from yishi_postgres.location import split_location
    from yishi_postgres.store import PostgresStore

__all__ = ["PostgresStore", "split_location"]


def __getattr__(name: str) -> object:
    if name == "PostgresStore":
        from yishi_postgres.store import PostgresStore

        return PostgresStore
    if name == "split_location":
        from yishi_postgres.location import split_location

        return split_location
    raise AttributeError(f"module 'yishi_postgres' has no attribute {name!r}")
