"""Facts recorded once live in yishi_facts: one row per fact, many per record
(a stack of paper ballots), refused by the database whichever way the rows travel."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest

from yishi.domain import events as ev
from yishi.store.base import DuplicateFact
from yishi.store.verify import verify_store
from yishi.testing.store_contract import appended, ballot, progress, stack
from yishi_postgres import PostgresStore
from yishi_postgres.writing import COPY_FROM


def keys(*voters: str, meeting: str = "m1") -> list[str]:
    return [f"ballot/{meeting}/{voter}" for voter in voters]


def refused_key(store: PostgresStore, *events: ev.Event) -> str:
    head, facts = store.head(), list(store.raw_facts())
    with pytest.raises(DuplicateFact) as refused:
        appended(store, *events)
    assert store.head() == head
    assert list(store.raw_facts()) == facts
    return refused.value.key


@pytest.mark.parametrize("group_commit", [True, False])
def test_a_stack_is_one_record_stating_a_fact_per_voter(
    pg: str, community: str, group_commit: bool
) -> None:
    with PostgresStore(pg, community, group_commit=group_commit) as store:
        appended(store, ballot("a"))  # the careful way: a store just opened knows no head
        appended(store, stack("d", "b", "c"))  # the one-round-trip way
        assert store.head().size == 2
        assert list(store.raw_facts()) == [(1, "ballot/m1/a")] + [
            (2, k) for k in keys("b", "c", "d")
        ]
        assert refused_key(store, stack("e", "a")) == "ballot/m1/a"  # voted online
        assert refused_key(store, stack("f", "g", "f")) == "ballot/m1/f"  # twice in one stack
        assert refused_key(store, ballot("c")) == "ballot/m1/c"  # on paper already
        assert refused_key(store, stack("h"), stack("i", "h")) == "ballot/m1/h"  # one batch
        appended(store, stack("e", "f", meeting="m2"), stack("e", "g"))
        assert verify_store(store).ok
    with PostgresStore(pg, community) as again:  # nothing kept in the store object
        assert refused_key(again, stack("x", "g")) == "ballot/m1/g"


def test_a_long_batch_carries_its_facts_through_copy(pg: str, community: str) -> None:
    with PostgresStore(pg, community) as store:
        voters = [f"p{i}" for i in range(COPY_FROM * 2)]
        stacks = [stack(*voters[i : i + 2], matter=f"x{i}") for i in range(0, len(voters), 2)]
        assert len(stacks) >= COPY_FROM
        appended(store, *stacks)
        assert sorted(str(k) for _, k in store.raw_facts()) == sorted(keys(*voters))
        assert verify_store(store).ok
        late = [stack(f"q{i}", matter=f"y{i}") for i in range(COPY_FROM)]
        assert refused_key(store, *late, stack("q999", "p5")) == "ballot/m1/p5"
        assert refused_key(store, *late, stack("q1")) == "ballot/m1/q1"


def test_in_a_group_a_fact_stated_by_an_earlier_append_is_named(pg: str, community: str) -> None:
    """Two appends committed together: the second is refused alone, and named by the
    key the first stated in the same, not yet committed, transaction."""
    with PostgresStore(pg, community) as store:
        appended(store, progress("open"))
        outcome: dict[str, str] = {}

        def run(name: str, event: Any) -> None:
            try:
                appended(store, event)
                outcome[name] = "ok"
            except DuplicateFact as refused:
                outcome[name] = refused.key

        items = [
            ("lead", progress("lead", matter="a")),
            ("first", stack("y", "x", matter="b")),
            ("second", stack("z", "y", matter="c")),
        ]
        with store._write_lock:  # the lead waits here; the others queue behind it
            threads = [threading.Thread(target=run, args=item) for item in items]
            for thread in threads:
                thread.start()
                time.sleep(0.05)
            deadline = time.monotonic() + 30
            while len(store._queue) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
        for thread in threads:
            thread.join(60)
        assert outcome == {"lead": "ok", "first": "ok", "second": "ballot/m1/y"}
        assert [k for _, k in store.raw_facts()] == keys("x", "y")
        assert verify_store(store).ok


def test_verify_names_a_fact_removed_added_or_altered(pg: str, community: str) -> None:
    with PostgresStore(pg, community) as store:
        appended(store, ballot("a"), stack("b", "c"), progress("after"))
        assert verify_store(store).ok
        cases = [
            ("DELETE FROM yishi_facts WHERE community = %s AND key = 'ballot/m1/c'", 2),
            ("INSERT INTO yishi_facts VALUES (%s, 'ballot/m1/z', 3)", 3),
            ("UPDATE yishi_facts SET key = 'ballot/m1/q' WHERE community = %s AND seq = 1", 1),
        ]
        for sql, seq in cases:
            with psycopg.connect(pg) as db:
                db.execute(sql, (community,))
            damage = verify_store(store).damage
            assert [(d.seq, d.code) for d in damage] == [(seq, "verify_fact_mismatch")], sql
            with psycopg.connect(pg) as db:  # mend it for the next case
                db.execute("DELETE FROM yishi_facts WHERE community = %s", (community,))
                db.execute(
                    "INSERT INTO yishi_facts VALUES (%s, 'ballot/m1/a', 1),"
                    " (%s, 'ballot/m1/b', 2), (%s, 'ballot/m1/c', 2)",
                    (community,) * 3,
                )
            assert verify_store(store).ok
