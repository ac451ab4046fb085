"""The plugin yishi finds through the ``yishi`` entry point: the ``postgres`` store backend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yishi.hookspecs import hookimpl
from yishi.plugins import StoreBackend


def open_postgres(location: str) -> Any:
    """The log named by ``location``: ``postgresql://host/db?community=ID`` (or a
    ``key=value`` conninfo with ``community=ID``). The driver loads only here."""
    from yishi_postgres.store import PostgresStore

    return PostgresStore.open(location)


@hookimpl
def yishi_register_store_backends(register: Callable[[StoreBackend], None]) -> None:
    register(
        StoreBackend(
            "postgres",
            open_postgres,
            "PostgreSQL（psycopg 3）：一个数据库存放全市各社区的记录，按社区分区",
        )
    )
