"""A database made before yishi_facts (each record's fact in
``yishi_events.once``) is upgraded on open: the facts move to yishi_facts, the
column and its UNIQUE key go, all in one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import psycopg
import pytest

from yishi.store.base import DuplicateFact, Head
from yishi.store.chain import GENESIS
from yishi.store.records import make_records
from yishi.store.verify import verify_store
from yishi.testing.store_contract import appended, ballot, person, progress
from yishi_postgres import PostgresStore, schema

# The tables as the plugin made them before yishi_facts (schema.py, copied).
OLD_TABLES = """
CREATE TABLE yishi_communities (
    community text PRIMARY KEY,
    name      text NOT NULL DEFAULT '',
    city      text NOT NULL DEFAULT '',
    district  text NOT NULL DEFAULT '',
    town      text NOT NULL DEFAULT ''
);
CREATE TABLE yishi_events (
    community text   NOT NULL,
    seq       bigint NOT NULL,
    stream    text   NOT NULL,
    version   bigint NOT NULL,
    type      text   NOT NULL,
    payload   text   NOT NULL,
    command   text,
    once      text,
    prev      text   NOT NULL,
    hash      text   NOT NULL,
    CONSTRAINT yishi_events_seq PRIMARY KEY (community, seq),
    CONSTRAINT yishi_events_version UNIQUE (community, stream, version),
    CONSTRAINT yishi_events_once UNIQUE (community, once),
    CONSTRAINT yishi_events_prev UNIQUE (community, prev),
    CONSTRAINT yishi_events_hash UNIQUE (community, hash)
) PARTITION BY HASH (community);
CREATE TABLE yishi_commands (
    community   text   NOT NULL,
    key         text   NOT NULL,
    fingerprint text   NOT NULL,
    first       bigint NOT NULL,
    last        bigint NOT NULL,
    CONSTRAINT yishi_commands_key PRIMARY KEY (community, key)
);
""" + "\n".join(
    f"CREATE TABLE yishi_events_p{n} PARTITION OF yishi_events"
    f" FOR VALUES WITH (MODULUS 16, REMAINDER {n});"
    for n in range(16)
)
OLD_INSERT = (
    "INSERT INTO yishi_events (community, seq, stream, version, type, payload, command,"
    " once, prev, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
# What each community's old log holds: the same voter may vote in both.
LOGS = {
    "gaojia": [person("a"), ballot("a"), ballot("b"), progress("开工")],
    "shenjia": [ballot("a"), ballot("a", meeting="m2")],
}


@pytest.fixture
def old_db(pg: str) -> Iterator[str]:
    """A database of its own with the old tables and both logs, facts in ``once``."""
    name = f"yishi_old_{secrets.token_hex(3)}"
    with psycopg.connect(pg, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    conninfo = psycopg.conninfo.make_conninfo(pg, dbname=name)
    try:
        with psycopg.connect(conninfo) as db:
            db.execute(OLD_TABLES)
            for community, events in LOGS.items():
                db.execute("INSERT INTO yishi_communities (community) VALUES (%s)", (community,))
                versions: dict[str, int] = {}
                batch = []
                for event in events:
                    batch.append((event.stream, versions.get(event.stream, 0), event))
                    versions[event.stream] = batch[-1][1] + 1
                records, _, facts = make_records(batch, Head(0, GENESIS), lambda s: 0, None)
                once = {seq: key for key, seq in facts}
                assert len(once) == len(facts)  # the old layout held one fact a record
                for seq, stream, version, type_, payload, command, prev, digest in records:
                    row = (seq, stream, version, type_, payload, command, once.get(seq))
                    db.execute(OLD_INSERT, (community, *row, prev, digest))
        yield conninfo
    finally:
        with psycopg.connect(pg, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def has_once(conninfo: str) -> tuple[bool, bool]:
    """Whether the column, and its UNIQUE key, are still there."""
    with psycopg.connect(conninfo) as db:
        column = db.execute(
            "SELECT 1 FROM information_schema.columns"
            " WHERE table_name = 'yishi_events' AND column_name = 'once'"
        ).fetchone()
        constraint = db.execute(
            "SELECT 1 FROM pg_constraint WHERE conname = 'yishi_events_once'"
        ).fetchone()
    return column is not None, constraint is not None


def test_opening_an_old_database_moves_its_facts(old_db: str) -> None:
    assert has_once(old_db) == (True, True)
    with PostgresStore(old_db, "gaojia") as gaojia, PostgresStore(old_db, "shenjia") as shenjia:
        assert has_once(old_db) == (False, False)
        assert list(gaojia.raw_facts()) == [(2, "ballot/m1/a"), (3, "ballot/m1/b")]
        assert list(shenjia.raw_facts()) == [(1, "ballot/m1/a"), (2, "ballot/m2/a")]
        for store, events in ((gaojia, LOGS["gaojia"]), (shenjia, LOGS["shenjia"])):
            report = verify_store(store)
            assert report.ok and report.records == len(events)
        with pytest.raises(DuplicateFact) as refused:
            appended(gaojia, ballot("b", choice="no"))
        assert refused.value.key == "ballot/m1/b"
        assert gaojia.head().size == 4
        appended(gaojia, ballot("c"))
        assert verify_store(gaojia).ok
    with psycopg.connect(old_db) as db:  # opened again: nothing left to move
        assert schema.upgrade(db) is False


def test_a_failed_upgrade_leaves_the_old_tables_as_they_were(old_db: str) -> None:
    """A view on the old column makes dropping it fail, after the facts were
    copied: the copy, the new table and the dropped key are all rolled back."""
    with psycopg.connect(old_db) as db:
        db.execute("CREATE VIEW old_ballots AS SELECT community, once FROM yishi_events")
    with pytest.raises(psycopg.errors.DependentObjectsStillExist):
        PostgresStore(old_db, "gaojia")
    assert has_once(old_db) == (True, True)
    with psycopg.connect(old_db) as db:
        assert db.execute("SELECT to_regclass('yishi_facts')").fetchone() == (None,)
        assert db.execute("SELECT count(once) FROM old_ballots").fetchone() == (4,)
        db.execute("DROP VIEW old_ballots")
    with PostgresStore(old_db, "gaojia") as store:
        assert [k for _, k in store.raw_facts()] == ["ballot/m1/a", "ballot/m1/b"]
        assert verify_store(store).ok
