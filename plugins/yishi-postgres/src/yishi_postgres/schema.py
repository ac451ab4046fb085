"""The tables: every community's log in one database, partitioned by community.

One row per community in ``yishi_communities`` names where it sits in the city
(市—区县—镇街—社区/村) and is the community's write lock: an append takes
``FOR UPDATE`` on it, so one community's records are numbered and committed in
order while other communities write in parallel.

Every invariant of the record is also a UNIQUE key that includes the community
(PostgreSQL requires the partition key in every unique key of a partitioned
table, and it is the right scope anyway): a stream version, a fact recorded
once, a predecessor (no fork), a hash. Payloads are ``text``, not ``jsonb``:
the chain hashes the canonical text byte for byte, and ``jsonb`` would reorder
keys and drop the exact spelling.
"""

from __future__ import annotations

from yishi_postgres import ballot_box

PARTITIONS = 16  # hash partitions of the event table; see docs/scale.md for the choice
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
    once      text,
    prev      text   NOT NULL,
    hash      text   NOT NULL,
    CONSTRAINT yishi_events_seq PRIMARY KEY (community, seq),
    CONSTRAINT yishi_events_version UNIQUE (community, stream, version),
    CONSTRAINT yishi_events_once UNIQUE (community, once),
    CONSTRAINT yishi_events_prev UNIQUE (community, prev),
    CONSTRAINT yishi_events_hash UNIQUE (community, hash)
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
        f"CREATE TABLE IF NOT EXISTS yishi_events_p{n} PARTITION OF yishi_events"
        f" FOR VALUES WITH (MODULUS {count}, REMAINDER {n});"
        for n in range(count)
    )


def ddl() -> str:
    return TABLES + ballot_box.TABLE + partitions()
