"""The PostgreSQL store keeps a ballot box: the contract, and T06 secrecy through SQL.

The attacker here reads what the database shows a user with full SQL access (or a
``pg_dump``): every table, with each row's ``xmin`` (the transaction that wrote it)
and ``ctid`` (where it lies). What the server's files and WAL keep is outside this
(docs/integrity.md §8, ``yishi_postgres/ballot_box.py``). Each voter casts a
distinct ranking, so any trace pairing a voter with a ballot would identify it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.domain.secrecy import election_ballot
from yishi.engine import Engine
from yishi.rulesets.loader import check_text
from yishi.store.base import ConcurrencyError
from yishi.testing.ballot_box_contract import BallotBoxContract
from yishi_postgres import PostgresStore


class TestPostgresBallotBox(BallotBoxContract):
    group_commit = True

    @pytest.fixture(autouse=True)
    def _database(self, pg: str) -> Iterator[None]:
        self.conninfo = pg
        self.community = f"c-{secrets.token_hex(6)}"
        yield

    def make_store(self, tmp_path: Path) -> Any:
        return PostgresStore(self.conninfo, self.community, group_commit=self.group_commit)

    def reopen(self, store: Any, tmp_path: Path) -> Any:
        store.close()
        return self.make_store(tmp_path)


class TestPostgresBallotBoxWithoutGroupCommit(TestPostgresBallotBox):
    group_commit = False


RULES = """
schema_version = 1
id = "secret_test"
title = "无记名投票（测试）"
statutory = false
proposers = ["committee"]

[bodies.committee]
name = "委员会"
roles = ["director"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["secret"]

[bodies.assembly]
name = "代表会议"
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "votes_cast", fraction = "1/2", cmp = ">" }
vote_methods = ["secret"]

[bodies.board]
name = "理事会"
roles = ["member"]

[[stages]]
id = "vote"
kind = "election"
name = "选举"
bodies = ["assembly"]
actors = ["committee.director"]
seats = 1
fills = "board.member"
vote_methods = ["irv"]
on_pass = "complete"
"""

VOTERS = tuple(f"v{i:02d}" for i in range(30))
CANDIDATES = ("k1", "k2", "k3", "k4", "k5")
DAY = dt.datetime(2026, 6, 1, 9, 0)


def open_engine(pg: str, community: str) -> Engine:
    rs, problems = check_text(RULES.encode(), "secret.toml")
    assert rs is not None, problems
    return Engine(PostgresStore(pg, community), rs)


def setup(engine: Engine) -> None:
    people = [c.PersonSpec(id=p, name=p, adult=True) for p in ("d1", *VOTERS, *CANDIDATES)]
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
    engine.execute(c.ProposeMatter(actor="d1", matter="m1", title="选举理事"), DAY)
    engine.execute(
        c.ConveneMeeting(
            actor="d1", matter="m1", meeting="e1", date=DAY.date(), method="irv",
            candidates=CANDIDATES,
        ),
        DAY,
    )  # fmt: skip
    engine.execute(c.CheckIn(actor="d1", meeting="e1", people=VOTERS), DAY)


def cast_all(engine: Engine, seed: int) -> dict[str, str]:
    """Every voter casts a distinct ranking, one by one, a minute apart."""
    rankings = random.Random(seed).sample(list(itertools.permutations(CANDIDATES)), len(VOTERS))
    chosen = {}
    for minute, (voter, ranking) in enumerate(zip(VOTERS, rankings, strict=True), 1):
        engine.execute(
            c.CastElectionBallot(actor=voter, meeting="e1", voter=voter, candidates=ranking),
            DAY + dt.timedelta(minutes=minute),
            key=f"k-{voter}",
        )
        chosen[voter] = election_ballot(ranking)
    return chosen


def everything_stored(pg: str, community: str) -> str:
    """Every row of the community in every table, as text (what a dump holds)."""
    with psycopg.connect(pg) as db:
        parts = []
        for table in ("yishi_events", "yishi_commands", "yishi_ballot_box"):
            rows = db.execute(
                f"SELECT t::text FROM {table} t WHERE community = %s", (community,)
            ).fetchall()
            parts.extend(r[0] for r in rows)
    return "\n".join(parts)


def kendall_tau(order: list[int]) -> float:
    n = len(order)
    pairs = n * (n - 1) / 2
    concordant = sum(1 for i, j in itertools.combinations(range(n), 2) if order[i] < order[j])
    return (2 * concordant - pairs) / pairs


def test_the_log_holds_no_choice_and_the_box_no_order_and_no_transaction_but_the_last(
    pg: str, community: str
) -> None:
    engine = open_engine(pg, community)
    setup(engine)
    chosen = cast_all(engine, 1)
    with psycopg.connect(pg) as db:
        for (payload,) in db.execute(
            "SELECT payload FROM yishi_events WHERE community = %s", (community,)
        ):
            record = json.loads(payload)
            if "voter" in record:
                assert record["type"] == "BallotReceived"
                assert not {"candidates", "choice", "ballot"} & set(record)
        box = db.execute(
            "SELECT meeting, ballots, xmin::text, ctid::text FROM yishi_ballot_box"
            " WHERE community = %s",
            (community,),
        ).fetchall()
        # one row for the meeting: no per-ballot row whose place or writer shows an order
        assert [(m, dict(b)) for m, b, _x, _t in box] == [
            ("e1", {ballot: 1 for ballot in chosen.values()})
        ]
        # The register's transactions against the box's: only the latest ballot's
        # transaction wrote the row, and the row holds every ballot, not its own.
        xmins = dict(
            db.execute(
                "SELECT payload::json ->> 'voter', xmin::text FROM yishi_events"
                " WHERE community = %s AND type = 'BallotReceived'",
                (community,),
            ).fetchall()
        )
        assert len(set(xmins.values())) == len(VOTERS)
        assert [v for v, x in xmins.items() if x == box[0][2]] == [VOTERS[-1]]
    assert engine.store.sealed_ballots("e1") == sorted(chosen.values())
    engine.store.close()  # type: ignore[attr-defined]


def test_a_crash_before_close_loses_no_acknowledged_ballot(pg: str, community: str) -> None:
    engine = open_engine(pg, community)
    setup(engine)
    chosen = cast_all(engine, 7)
    engine.store.close()  # type: ignore[attr-defined]  # the process is gone; the box stays
    again = open_engine(pg, community)
    meeting = again.state.meetings["e1"]
    assert set(meeting.received) == set(VOTERS)
    assert sum(meeting.box.values()) == len(VOTERS)
    with pytest.raises(Refusal) as refused:  # still one ballot per member
        again.execute(
            c.CastElectionBallot(actor="v00", meeting="e1", voter="v00", candidates=("k1",)),
            DAY + dt.timedelta(hours=1),
        )
    assert refused.value.code == "already_voted"
    events = again.execute(c.CloseMeeting(actor="d1", meeting="e1"), DAY + dt.timedelta(hours=2))
    opened = next(e for e in events if isinstance(e, ev.BallotBoxOpened))
    assert sorted(opened.ballots) == sorted(chosen.values())
    closed = next(e for e in events if isinstance(e, ev.MeetingClosed))
    assert closed.counts["votes_cast"] == len(VOTERS)
    again.store.close()  # type: ignore[attr-defined]


def test_after_close_each_ballot_is_stored_once_sorted_and_the_box_is_gone(
    pg: str, community: str
) -> None:
    engine = open_engine(pg, community)
    setup(engine)
    chosen = cast_all(engine, 3)
    engine.execute(c.CloseMeeting(actor="d1", meeting="e1"), DAY + dt.timedelta(hours=2))
    engine.store.close()  # type: ignore[attr-defined]
    stored = everything_stored(pg, community)
    for voter in VOTERS:
        # the one copy is inside the opened box's record, escaped as a JSON string
        # (and once more in the row's text form, escaped again: count the ranking)
        names = json.loads(chosen[voter])["names"]
        assert stored.count(", ".join(f'\\\\"{n}\\\\"' for n in names)) <= 1
    with psycopg.connect(pg) as db:
        assert db.execute(
            "SELECT count(*) FROM yishi_ballot_box WHERE community = %s", (community,)
        ).fetchone() == (0,)
        records = [
            json.loads(p)
            for (p,) in db.execute(
                "SELECT payload FROM yishi_events WHERE community = %s ORDER BY seq",
                (community,),
            )
        ]
    opened = [r for r in records if r["type"] == "BallotBoxOpened"]
    assert len(opened) == 1 and "voter" not in opened[0]
    assert opened[0]["ballots"] == sorted(opened[0]["ballots"])
    assert sorted(opened[0]["ballots"]) == sorted(chosen.values())
    ballots_in = sum(stored.count(json.dumps(b)[1:-1]) for b in chosen.values())
    assert ballots_in == 0  # no unescaped copy anywhere: not in the box, not in a key
    register = [r["voter"] for r in records if r["type"] == "BallotReceived"]
    assert register == list(VOTERS)
    index = {b: i for i, b in enumerate(opened[0]["ballots"])}
    order = [index[chosen[v]] for v in register]
    assert abs(kendall_tau(order)) < 0.5


def test_concurrent_secret_ballots_count_each_member_once(pg: str, community: str) -> None:
    setup_engine = open_engine(pg, community)
    setup(setup_engine)
    setup_engine.store.close()  # type: ignore[attr-defined]
    # four writers with stores of their own; each member's ballot is sent by two of them
    groups = [list(VOTERS[i::4]) + list(VOTERS[(i + 1) % 4 :: 4][:3]) for i in range(4)]
    results: list[tuple[str, str]] = []
    lock = threading.Lock()

    def cast(voters: list[str]) -> None:
        engine = open_engine(pg, community)
        for i, voter in enumerate(voters):
            ranking = CANDIDATES[i % 5 :] + CANDIDATES[: i % 5]
            command = c.CastElectionBallot(
                actor=voter, meeting="e1", voter=voter, candidates=ranking
            )
            outcome = "gave up"
            for _attempt in range(20):
                try:
                    engine.execute(command, DAY + dt.timedelta(minutes=1))
                    outcome = "ok"
                except Refusal as refused:
                    if refused.code == "busy":  # outraced RETRIES times: a client tries again
                        continue
                    outcome = refused.code
                except ConcurrencyError:
                    engine = open_engine(pg, community)  # read what the others wrote
                    continue
                break
            with lock:
                results.append((voter, outcome))
        engine.store.close()  # type: ignore[attr-defined]

    threads = [threading.Thread(target=cast, args=(g,)) for g in groups]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    accepted = [v for v, r in results if r == "ok"]
    assert sorted(accepted) == sorted(VOTERS)  # each member once, whoever was first
    assert {r for _v, r in results if r != "ok"} <= {"already_voted", "already_recorded"}
    again = open_engine(pg, community)
    meeting = again.state.meetings["e1"]
    assert set(meeting.received) == set(VOTERS)
    assert sum(meeting.box.values()) == len(VOTERS)  # the box and the register agree
    again.store.close()  # type: ignore[attr-defined]


def test_an_open_secret_vote_migrates_from_sqlite_with_its_box(
    pg: str, community: str, tmp_path: Path
) -> None:
    from yishi.store.migrate import migrate
    from yishi.store.sqlite import SQLiteStore

    rs, _problems = check_text(RULES.encode(), "secret.toml")
    assert rs is not None
    engine = Engine(SQLiteStore(tmp_path / "log.sqlite"), rs)
    setup(engine)
    chosen = cast_all(engine, 21)
    engine.store.close()  # type: ignore[attr-defined]
    with SQLiteStore(tmp_path / "log.sqlite") as source, PostgresStore(pg, community) as target:
        migrate(source, target)
        assert target.sealed_ballots("e1") == sorted(chosen.values())
    there = open_engine(pg, community)
    events = there.execute(c.CloseMeeting(actor="d1", meeting="e1"), DAY + dt.timedelta(hours=2))
    closed = next(e for e in events if isinstance(e, ev.MeetingClosed))
    assert closed.counts["votes_cast"] == len(VOTERS)
    there.store.close()  # type: ignore[attr-defined]
