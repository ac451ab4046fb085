"""A throwaway database per test run, on the PostgreSQL server on localhost.

``YISHI_PG`` is the conninfo of a server where the test user may create
databases (default ``host=localhost dbname=postgres``, trust auth). The run
creates ``yishi_test_<random>``, hands its conninfo to the tests and drops it
at the end, whatever happened.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

ADMIN = os.environ.get("YISHI_PG", "host=localhost dbname=postgres")


def _conninfo(dbname: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(ADMIN)
    params["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items() if v is not None})


@pytest.fixture(scope="session")
def pg() -> Iterator[str]:
    """The conninfo of a fresh, empty database, dropped after the run."""
    name = f"yishi_test_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _conninfo(name)
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def community() -> str:
    """A community of its own for each test, so tests share the database, not a log."""
    return f"c-{secrets.token_hex(6)}"
