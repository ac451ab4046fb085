"""The engine decides before reading the log when the store can refuse an append
made on an out-of-date log (``append(..., after=N)``): one round trip a command
while nobody else writes, and a stale decision is never recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from yishi.domain import commands as c
from yishi.domain.errors import Refusal
from yishi.engine import Engine
from yishi.rulesets.loader import check_text
from yishi.store.base import ConcurrencyError
from yishi.testing.store_contract import appended, ballot
from yishi_postgres import PostgresStore

RULES = """
schema_version = 1
id = "written"
title = "书面表决（测试）"
statutory = false
proposers = ["committee"]

[bodies.committee]
name = "委员会"
roles = ["director"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[bodies.assembly]
name = "代表会议"
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["written"]

[[stages]]
id = "decide"
kind = "meeting"
name = "表决"
bodies = ["assembly"]
actors = ["committee.director"]
"""
VOTERS = tuple(f"v{i:02d}" for i in range(10))
DAY = dt.datetime(2026, 6, 1, 9, 0)


def open_engine(pg: str, community: str) -> Engine:
    rs, problems = check_text(RULES.encode(), "written.toml")
    assert rs is not None, problems
    return Engine(PostgresStore(pg, community), rs)


def setup(engine: Engine, present: tuple[str, ...] = VOTERS) -> None:
    people = [c.PersonSpec(id=p, name=p, adult=True) for p in ("d1", *VOTERS)]
    engine.execute(
        c.SetUpCommunity(
            actor="admin",
            people=tuple(people),
            bodies=(
                c.BodySpecEntry(
                    id="committee", members=(c.MemberSpec(person="d1", roles=("director",)),)
                ),
                c.BodySpecEntry(
                    id="assembly", members=tuple(c.MemberSpec(person=p) for p in VOTERS)
                ),
            ),
        ),
        DAY.replace(hour=0),
    )
    engine.execute(c.ProposeMatter(actor="d1", matter="m1", title="修路"), DAY)
    engine.execute(
        c.ConveneMeeting(actor="d1", matter="m1", meeting="a1", date=DAY.date(), method="written"),
        DAY,
    )
    engine.execute(c.CheckIn(actor="d1", meeting="a1", people=present), DAY)


def vote(engine: Engine, voter: str, choice: str = "yes") -> Any:
    return engine.execute(c.CastVote(actor=voter, meeting="a1", voter=voter, choice=choice), DAY)


def test_an_append_on_an_out_of_date_log_is_refused_whole(pg: str, community: str) -> None:
    with PostgresStore(pg, community) as store:
        appended(store, ballot("p1"))
        event = ballot("p2", matter="x2")
        with pytest.raises(ConcurrencyError):
            store.append([(event.stream, 0, event)], after=0)
        assert store.head().size == 1
        assert store.append([(event.stream, 0, event)], after=1)[0].position == 2


def test_a_lone_writer_does_not_read_the_log_before_deciding(pg: str, community: str) -> None:
    engine = open_engine(pg, community)
    setup(engine)
    reads = []
    read_all = engine.store.read_all

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(args)
        return read_all(*args, **kwargs)

    engine.store.read_all = counted  # type: ignore[method-assign]
    for voter in VOTERS[:5]:
        vote(engine, voter)
    assert reads == []
    assert sorted(engine.state.meetings["a1"].ballots) == list(VOTERS[:5])
    engine.store.close()


def test_a_decision_made_on_a_stale_log_is_made_again(pg: str, community: str) -> None:
    first = open_engine(pg, community)
    setup(first)
    second = open_engine(pg, community)  # has read everything so far
    calls: list[tuple[int | None, str]] = []
    append = second.store.append

    def watched(*args: Any, **kwargs: Any) -> Any:
        try:
            stored = append(*args, **kwargs)
        except ConcurrencyError:
            calls.append((kwargs.get("after"), "refused"))
            raise
        calls.append((kwargs.get("after"), "stored"))
        return stored

    second.store.append = watched  # type: ignore[method-assign]
    size = second.position
    vote(first, "v01", "yes")
    # ``second`` has not seen that ballot: it decides the same voter may vote, its
    # append is refused as made on an out-of-date log, and it decides again.
    with pytest.raises(Refusal) as refused:
        vote(second, "v01", "no")
    assert refused.value.code == "already_voted"
    assert calls == [(size, "refused")]  # the store, not the database's keys, said no
    vote(first, "v02")
    vote(second, "v03")  # stale again: refused once, read, decided again, recorded
    assert calls[1:] == [(size + 1, "refused"), (None, "stored")]
    fresh = open_engine(pg, community)
    assert fresh.state.meetings["a1"].ballots == {"v01": "yes", "v02": "yes", "v03": "yes"}
    for engine in (first, second, fresh):
        engine.store.close()


def test_a_refusal_on_a_stale_log_is_looked_at_again(pg: str, community: str) -> None:
    first = open_engine(pg, community)
    setup(first, present=VOTERS[:5])
    second = open_engine(pg, community)
    first.execute(c.CheckIn(actor="d1", meeting="a1", people=("v07",)), DAY)
    # To ``second`` v07 is still absent: it would refuse the ballot; it reads the
    # log before refusing, finds the check-in and records the ballot.
    vote(second, "v07")
    assert second.state.meetings["a1"].ballots == {"v07": "yes"}
    with pytest.raises(Refusal) as refused:  # refusals that stand are still refusals
        vote(second, "v09")
    assert refused.value.code == "not_present"
    for engine in (first, second):
        engine.store.close()
