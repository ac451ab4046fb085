"""PostgreSQL event store for yishi: every community of a city in one database.

Installed as its own distribution; yishi finds it only through the ``yishi``
entry point (:mod:`yishi_postgres.plugin`) and never imports it.
"""

from yishi_postgres.location import split_location
from yishi_postgres.store import PostgresStore

__all__ = ["PostgresStore", "split_location"]
