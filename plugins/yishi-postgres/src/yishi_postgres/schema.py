"""The tables: every community's log in one database, partitioned by community.

One row per community in ``yishi_communities`` names where it sits in the city
(市—区县—镇街—社区/村) and is the community's write lock: an append takes
``FOR UPDATE`` on it, so one community's records are numbered and committed in
order while other communities write in parallel.

Every invariant of the record is also a UNIQUE key that includes the community
(PostgreSQL requires the partition key in every unique key of a partitioned
table, and it is the right scope anyway): a stream version, a predecessor (no
fork), a hash. Payloads are ``text``, not ``jsonb``: the chain hashes the
canonical text byte for byte, and ``jsonb`` would reorder keys and drop the
exact spelling.

The facts recorded once (one ballot per member and meeting, one check-in, one
proxy: yishi/domain/uniqueness.py) are rows of ``yishi_facts``, keyed by
``(community, key)``, each naming the record that states it. A record may state
many (a stack of paper ballots states one per voter), which no column of its
row could hold under one UNIQUE key. A database made before that kept one key
per record in ``yishi_events.once``; :func:`upgrade` moves it on open.
"""

from __future__ import annotations

from typing import Any

import psycopg

from yishi_postgres import ballot_box

PARTITIONS = 16  # hash partitions of the event and fact tables; docs/scale.md says why
SCHEMA_LOCK = 7_311_001  # advisory lock key: concurrent first opens create the tables once
CHANNEL = "yishi_events"  # NOTIFY channel; the payload is the community

TABLES = """
CREATE TABLE IF NOT EXISTS yishi_communities (
    community text PRIMARY KEY,
    name      text NOT NULL DEFAULT '',
    city      text NOT NULL DEFAULT '',
    district  text NOT NULL DEFAULT '',
    town      text NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS yishi_events (
    community text   NOT NULL,
    seq       bigint NOT NULL,
    stream    text   NOT NULL,
    version   bigint NOT NULL,
    type      text   NOT NULL,
    payload   text   NOT NULL,
    command   text,
    prev      text   NOT NULL,
    hash      text   NOT NULL,
    CONSTRAINT yishi_events_seq PRIMARY KEY (community, seq),
    CONSTRAINT yishi_events_version UNIQUE (community, stream, version),
    CONSTRAINT yishi_events_prev UNIQUE (community, prev),
    CONSTRAINT yishi_events_hash UNIQUE (community, hash)
) PARTITION BY HASH (community);
-- Partitioned as the records are: there is about one fact for every ballot and
-- check-in, so it grows with the log, and a community's facts then sit in the
-- partition (and, under Citus, the shard) of its records. "C" collation: bytewise
-- order, the order verify expects of raw_facts, and cheaper to compare.
CREATE TABLE IF NOT EXISTS yishi_facts (
    community text   NOT NULL,
    key       text   COLLATE "C" NOT NULL,
    seq       bigint NOT NULL,
    CONSTRAINT yishi_facts_key PRIMARY KEY (community, key)
) PARTITION BY HASH (community);
CREATE TABLE IF NOT EXISTS yishi_commands (
    community   text   NOT NULL,
    key         text   NOT NULL,
    fingerprint text   NOT NULL,
    first       bigint NOT NULL,
    last        bigint NOT NULL,
    CONSTRAINT yishi_commands_key PRIMARY KEY (community, key)
);
CREATE TABLE IF NOT EXISTS yishi_hook_failures (
    id        bigserial PRIMARY KEY,
    community text   NOT NULL,
    plugin    text   NOT NULL,
    hook      text   NOT NULL,
    first     bigint NOT NULL,
    last      bigint NOT NULL,
    error     text   NOT NULL,
    attempts  integer NOT NULL DEFAULT 1,
    at        text   NOT NULL
);
-- Evidence files by content, shared by every community: the same photo kept once.
CREATE TABLE IF NOT EXISTS yishi_evidence (
    sha256 text PRIMARY KEY,
    data   bytea NOT NULL
);
"""


def partitions(count: int = PARTITIONS) -> str:
    return "\n".join(
        f"CREATE TABLE IF NOT EXISTS {table}_p{n} PARTITION OF {table}"
        f" FOR VALUES WITH (MODULUS {count}, REMAINDER {n});"
        for table in ("yishi_events", "yishi_facts")
        for n in range(count)
    )


def ddl() -> str:
    return TABLES + ballot_box.TABLE + partitions()


# A database made before yishi_facts kept each record's one fact in this column.
_HAS_ONCE = (
    "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('yishi_events')"
    " AND attname = 'once' AND NOT attisdropped"
)


def upgrade(db: psycopg.Connection[Any]) -> bool:
    """Move the facts of a database made with ``yishi_events.once`` into
    ``yishi_facts``, then drop the column and its UNIQUE key. In the caller's
    transaction, after :func:`ddl` and under :data:`SCHEMA_LOCK`: a failure rolls
    everything back and leaves the old schema as it was. Every process writing
    the database must run this version by then: an older one names the column.
    True if there was anything to move."""
    if db.execute(_HAS_ONCE).fetchone() is None:
        return False
    # The old key held the same keys as yishi_facts, one per community, so
    # nothing here can collide; the records themselves are not touched and their
    # hashes (which never covered ``once``) stay as they are.
    db.execute(
        "INSERT INTO yishi_facts (community, key, seq)"
        " SELECT community, once, seq FROM yishi_events WHERE once IS NOT NULL"
    )
    db.execute("ALTER TABLE yishi_events DROP CONSTRAINT yishi_events_once")
    db.execute("ALTER TABLE yishi_events DROP COLUMN once")
    return True
