"""The engine on a SQLite file: refusals write nothing (reliability plan T02),
idempotency keys, evidence, checkpoints on notices, restarts."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests import workloads as w
from tests.conftest import EXAMPLES
from yishi.cli import main
from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.engine import Engine
from yishi.scenario import load_scenario, run_scenario
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import verify_sqlite

DAY = w.DAY + dt.timedelta(days=1)
MEETING, MATTER = "mt", "mx"
PRESENT = [w.member(i) for i in range(8)]  # a0000-a0007; a0008-a0011 stay away
HOLDER, GRANTOR = w.member(1), w.member(9)  # a0009 gave a0001 a written proxy


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "yishi.db"


@pytest.fixture
def engine(db: Path) -> Iterator[Engine]:
    """Twelve members, a meeting under way with eight checked in and one proxy."""
    store = SQLiteStore(db)
    engine = Engine(store, w.ruleset())
    w.set_up(engine, members=12)
    w.open_meeting(engine, MATTER, MEETING, DAY, PRESENT)
    engine.execute(
        c.RegisterProxy(actor=w.DIRECTOR, meeting=MEETING, grantor=GRANTOR, holder=HOLDER), DAY
    )
    yield engine
    store.close()


def fingerprint(db: Path) -> dict[str, Any]:
    """Everything a write could change: the files' bytes, the rows, the head."""
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(db.parent.glob(db.name + "*"))
        if not p.name.endswith("-shm")  # the reader's index of the WAL, not data
    }
    reader = sqlite3.connect(db)
    rows = reader.execute("SELECT * FROM events ORDER BY seq").fetchall()
    commands = reader.execute("SELECT * FROM commands ORDER BY key").fetchall()
    reader.close()
    return {"files": files, "rows": rows, "commands": commands}


def vote(voter: str, choice: str = "yes", **kwargs: Any) -> c.CastVote:
    return c.CastVote(actor=voter, meeting=MEETING, voter=voter, choice=choice, **kwargs)


AT = DAY + dt.timedelta(hours=1)

INELIGIBLE = [
    pytest.param(vote("z999"), "unknown_person", id="unknown-person"),
    pytest.param(vote(w.outsider(0)), "not_voting_member", id="non-member"),
    pytest.param(vote(w.neighbour(0)), "not_voting_member", id="member-of-another-body"),
    pytest.param(vote(w.member(8)), "not_present", id="member-not-checked-in"),
    pytest.param(vote(GRANTOR), "not_present", id="grantor-himself-absent"),
    pytest.param(vote(w.member(2), for_person=w.member(10)), "no_proxy", id="holder-without-proxy"),
    pytest.param(vote(HOLDER, for_person=w.member(11)), "no_proxy", id="proxy-for-someone-else"),
    pytest.param(
        c.CastVote(actor=w.member(3), meeting=MEETING, voter=w.member(4), choice="yes"),
        "not_authorized",
        id="voting-as-another-member",
    ),
    pytest.param(
        c.CastVote(actor=w.member(3), meeting="nope", voter=w.member(3), choice="yes"),
        "unknown_meeting",
        id="no-such-meeting",
    ),
]


@pytest.mark.parametrize(("command", "code"), INELIGIBLE)
def test_an_ineligible_vote_is_refused_and_not_a_byte_is_written(
    engine: Engine, db: Path, command: c.CastVote, code: str
) -> None:
    head, before = engine.store.head(), fingerprint(db)
    with pytest.raises(Refusal) as refused:
        engine.execute(command, AT)
    assert refused.value.code == code
    with pytest.raises(Refusal):  # with an idempotency key too: a refusal records no key
        engine.execute(command, AT, key="k-refused")
    assert engine.store.head() == head
    assert fingerprint(db) == before
    assert engine.store.recorded("k-refused") is None
    # and the member it concerns can still vote properly afterwards
    engine.execute(vote(w.member(5)), AT)
    assert engine.store.head().size == head.size + 1


def test_the_proxy_holder_votes_for_the_grantor_once(engine: Engine) -> None:
    engine.execute(vote(HOLDER, for_person=GRANTOR), AT)
    engine.execute(vote(HOLDER), AT)  # and for himself
    with pytest.raises(Refusal) as again:
        engine.execute(vote(HOLDER, "no", for_person=GRANTOR), AT)
    assert again.value.code == "already_voted"
    ballots = engine.state.meetings[MEETING].ballots
    assert set(ballots) >= {HOLDER, GRANTOR}


# -- idempotency keys ------------------------------------------------------------------


def test_a_retry_with_the_same_key_returns_the_same_events_and_writes_nothing(
    engine: Engine, db: Path
) -> None:
    first = engine.execute(vote(w.member(3), "no"), AT, key="phone-17")
    before = fingerprint(db)
    again = engine.execute(vote(w.member(3), "no"), AT + dt.timedelta(minutes=5), key="phone-17")
    assert again == first
    assert fingerprint(db) == before
    # also from a fresh process (a new engine on the file)
    store = SQLiteStore(db)
    later = Engine(store, w.ruleset()).execute(vote(w.member(3), "no"), AT, key="phone-17")
    store.close()
    assert later == first
    assert fingerprint(db) == before
    # without the key the same vote is an ordinary second ballot: refused
    with pytest.raises(Refusal) as refused:
        engine.execute(vote(w.member(3), "no"), AT)
    assert refused.value.code == "already_voted"


def test_the_same_key_for_another_command_is_refused(engine: Engine, db: Path) -> None:
    engine.execute(vote(w.member(3), "no"), AT, key="phone-17")
    before = fingerprint(db)
    for other in (vote(w.member(3), "yes"), vote(w.member(4), "no")):
        with pytest.raises(Refusal) as refused:
            engine.execute(other, AT, key="phone-17")
        assert refused.value.code == "idempotency_key_reused"
    assert fingerprint(db) == before
    assert w.member(4) not in engine.state.meetings[MEETING].ballots


def test_a_key_is_refused_even_when_the_engine_has_not_seen_it(engine: Engine, db: Path) -> None:
    """A second engine recorded the key after this one last looked: the store's check
    inside the write transaction refuses it."""
    other_store = SQLiteStore(db)
    other = Engine(other_store, w.ruleset())
    other.execute(vote(w.member(3), "no"), AT, key="shared")
    size = other_store.head().size
    other_store.close()
    with pytest.raises(Refusal) as refused:
        engine.execute(vote(w.member(4), "no"), AT, key="shared")
    assert refused.value.code == "idempotency_key_reused"
    events = engine.execute(vote(w.member(3), "no"), AT, key="shared")
    assert [e.type for e in events] == ["BallotCast"]
    assert engine.store.head().size == size


def test_a_key_is_looked_up_under_the_write_lock_so_no_copy_commits_in_between(
    engine: Engine, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes send the same request with the same key (a phone retrying on two
    connections). The key is looked up inside the write transaction, so the other
    process cannot commit its copy between the look-up and the append; the copy
    that comes second gets the first one's receipt and writes nothing."""
    other_store = SQLiteStore(db)
    other = Engine(other_store, w.ruleset())
    ballot = vote(w.member(3), "no")
    looked_up = engine.store.recorded
    locked: list[bool] = []

    def under_the_lock(key: str) -> Any:
        locked.append(engine.store._db.in_transaction)
        # another process trying to write now waits for this engine's commit
        probe = sqlite3.connect(db, timeout=0.05, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            probe.execute("BEGIN IMMEDIATE")
        probe.close()
        return looked_up(key)

    monkeypatch.setattr(engine.store, "recorded", under_the_lock)
    receipt = engine.execute(ballot, AT, key="phone-17")
    size = other_store.head().size
    assert receipt == other.execute(ballot, AT, key="phone-17")
    assert other_store.head().size == size  # the copy wrote nothing
    assert locked == [True]
    other_store.close()


# -- evidence ------------------------------------------------------------------------------


def test_evidence_is_in_the_event_counted_by_verify_and_its_loss_is_named(
    engine: Engine, db: Path
) -> None:
    store = engine.store
    assert store.evidence is not None
    photo = b"\xff\xd8\xff\xe0 photo of the sign-in sheet" * 100
    item = store.evidence.put_bytes(photo, "签到表.jpg", note="签到表")
    assert item.sha256 == hashlib.sha256(photo).hexdigest() and item.size == len(photo)
    events = engine.execute(
        c.CheckIn(actor=w.DIRECTOR, meeting=MEETING, people=(w.member(8),), evidence=(item,)),
        AT,
    )
    assert events[0].evidence == (item,)
    stored = list(store.read_all())[-1]
    assert stored.event.evidence[0].sha256 == hashlib.sha256(photo).hexdigest()
    size = store.head().size

    def run_verify() -> tuple[int, str]:
        result = CliRunner().invoke(main, ["verify", "--db", str(db), "--lang", "en"])
        return result.exit_code, result.output

    code, out = run_verify()
    assert code == 0 and "1 attachments" in out
    assert verify_sqlite(db).evidence_files == 1
    path = store.evidence.path(item.sha256)
    path.write_bytes(photo[:-1] + b"\x00")
    code, out = run_verify()
    assert code == 1 and f"record #{size}" in out and "签到表.jpg" in out and "altered" in out
    path.unlink()
    code, out = run_verify()
    assert code == 1 and f"record #{size}" in out and "签到表.jpg" in out and "missing" in out
    path.write_bytes(photo)
    assert run_verify()[0] == 0


# -- checkpoints on every notice -----------------------------------------------------------


def scenarios_with_notices() -> list[Path]:
    found = [
        p
        for p in sorted(EXAMPLES.glob("[0-9][0-9]_*.toml"))
        if 'do = "publish"' in p.read_text(encoding="utf-8")
    ]
    assert EXAMPLES / "01_land_lease_passes.toml" in found
    return found


@pytest.mark.parametrize("path", scenarios_with_notices(), ids=lambda p: p.stem)
def test_every_notice_of_a_full_run_carries_a_checkpoint_that_matches_the_log(
    tmp_path: Path, path: Path
) -> None:
    db = tmp_path / "yishi.db"
    store = SQLiteStore(db, synchronous="NORMAL")
    report = run_scenario(load_scenario(path), store=store)
    assert not report.unexpected
    hashes = {s.position: s.hash for s in store.read_all()}
    notices = [s for s in store.read_all() if isinstance(s.event, ev.DisclosurePublished)]
    store.close()
    assert notices
    for stored in notices:
        point = stored.event.checkpoint
        assert point is not None, stored.event.disclosure
        assert 0 < point["size"] < stored.position
        assert hashes[point["size"]] == point["head"]
    result = verify_sqlite(db)
    assert result.ok and result.checkpoints == len(notices)


# -- writes nothing / clocks / restarts -------------------------------------------------------


def test_a_tick_with_nothing_due_writes_nothing(engine: Engine, db: Path) -> None:
    engine.tick(AT)  # records that the meeting's notice period has run, once
    before = fingerprint(db)
    assert engine.execute(c.Tick(actor="system"), AT) == []
    assert engine.tick(AT + dt.timedelta(days=1)) == []  # nothing else is due
    assert fingerprint(db) == before


def test_an_engine_without_a_clock_needs_now(db: Path) -> None:
    store = SQLiteStore(db)
    engine = Engine(store, w.ruleset())
    with pytest.raises(RuntimeError, match="no clock"):
        engine.execute(w.community(3))
    with pytest.raises(RuntimeError, match="no clock"):
        engine.tick()
    assert store.head().size == 0
    store.close()


def projections(engine: Engine) -> dict[str, Any]:
    s = engine.state
    return {
        "people": sorted(s.people),
        "matters": {m.id: (m.stage, m.status) for m in s.matters.values()},
        "meetings": {
            m.id: (sorted(m.attendance), dict(m.ballots), dict(m.proxies), m.closed)
            for m in s.meetings.values()
        },
        "disclosures": sorted(s.disclosures),
        "head": (engine.position, engine.head_hash),
        "versions": dict(engine.versions),
    }


def test_a_new_engine_on_the_same_file_has_the_same_state(engine: Engine, db: Path) -> None:
    for i in range(8):
        engine.execute(vote(w.member(i), "no" if i % 3 == 0 else "yes"), AT)
    engine.execute(vote(HOLDER, for_person=GRANTOR), AT)
    engine.execute(c.CloseMeeting(actor=w.DIRECTOR, meeting=MEETING), AT)
    engine.execute(c.Publish(actor=w.CLERK, matter=MATTER, disclosure="d"), AT)
    engine.store.close()
    store = SQLiteStore(db)
    again = Engine(store, w.ruleset())
    assert projections(again) == projections(engine)
    assert again.state == engine.state
    assert projections(again)["meetings"][MEETING][1][GRANTOR] == "yes"
    # and it carries on where the other left off
    again.tick(AT + dt.timedelta(days=4))
    assert again.state.matters[MATTER].stage == "carry_out"
    store.close()
    assert verify_sqlite(db).ok
