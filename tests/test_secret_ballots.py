"""T06: a secret ballot entered one by one leaves no voter next to its choice.

Everything here runs on a real SQLite file. Each voter casts a *different*
ranked ballot (30 voters, 30 distinct rankings of five candidates), so any
stored trace that pairs a voter with a ballot would identify it exactly. The
attacker reads what the database operator has: the file's bytes, the WAL, the
log's records in order with their times, the idempotency table, the ballot box
table. The tests check that the pairing is recovered no better than chance,
that acknowledged ballots survive a crash before close, and that one ballot
per member is still enforced.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rule_texts import committee_and_assembly
from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.domain.secrecy import election_ballot
from yishi.engine import Engine
from yishi.rulesets.loader import check_text
from yishi.store.ballot_box import SLOT
from yishi.store.sqlite import SQLiteStore

RULES = (
    committee_and_assembly(
        "secret_test",
        "无记名投票（测试）",
        committee_methods='"secret"',
        assembly_methods='"secret"',
    )
    + """
[[stages]]
id = "vote"
kind = "election"
name = "选举"
bodies = ["assembly"]
actors = ["committee.director"]
seats = 1
fills = "board.member"
vote_methods = ["irv"]
on_pass = "next"

[[stages]]
id = "approve"
kind = "meeting"
name = "表决"
bodies = ["assembly"]
actors = ["committee.director"]
on_pass = "complete"
"""
)

VOTERS = tuple(f"v{i:02d}" for i in range(30))
CANDIDATES = ("k1", "k2", "k3", "k4", "k5")
DAY = dt.datetime(2026, 6, 1, 9, 0)


def ruleset():
    rs, problems = check_text(RULES.encode(), "secret.toml")
    assert rs is not None, problems
    return rs


def open_engine(path: Path) -> Engine:
    return Engine(SQLiteStore(path), ruleset())


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
            actor="d1",
            matter="m1",
            meeting="e1",
            date=DAY.date(),
            method="irv",
            candidates=CANDIDATES,
        ),
        DAY,
    )
    engine.execute(c.CheckIn(actor="d1", meeting="e1", people=VOTERS), DAY)


def cast_all(engine: Engine, rng: random.Random) -> dict[str, tuple[str, ...]]:
    """Every voter casts a distinct ranking, one by one, a minute apart."""
    rankings = rng.sample(list(itertools.permutations(CANDIDATES)), len(VOTERS))
    chosen = {}
    for minute, (voter, ranking) in enumerate(zip(VOTERS, rankings, strict=True), 1):
        engine.execute(
            c.CastElectionBallot(actor=voter, meeting="e1", voter=voter, candidates=ranking),
            DAY + dt.timedelta(minutes=minute),
            key=f"k-{voter}",
        )
        chosen[voter] = ranking
    return chosen


def stored_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    wal = Path(f"{path}-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def kendall_tau(order: list[int]) -> float:
    n = len(order)
    pairs = n * (n - 1) / 2
    concordant = sum(1 for i, j in itertools.combinations(range(n), 2) if order[i] < order[j])
    return (2 * concordant - pairs) / pairs


def positions_in_file(path: Path, chosen: dict[str, tuple[str, ...]]) -> list[int]:
    """Where each voter's ballot first appears in the file, in cast order."""
    data = stored_bytes(path)
    return [data.find(election_ballot(chosen[v]).encode()) for v in VOTERS]


def rank(values: list[int]) -> list[int]:
    ordered = sorted(range(len(values)), key=lambda i: values[i])
    out = [0] * len(values)
    for r, i in enumerate(ordered):
        out[i] = r
    return out


# -- before close: the register in the log, the choice in the box ----------------


def test_log_and_idempotency_table_hold_no_choice(tmp_path):
    path = tmp_path / "log.sqlite"
    engine = open_engine(path)
    setup(engine)
    chosen = cast_all(engine, random.Random(1))
    db = sqlite3.connect(path)
    for (payload,) in db.execute("SELECT payload FROM events"):
        record = json.loads(payload)
        if "voter" in record:
            assert record["type"] == "BallotReceived"
            assert not {"candidates", "choice", "ballot"} & set(record)
    # the idempotency fingerprint hashes the command without its choice
    fingerprints = {key: fp for key, fp in db.execute("SELECT key, fingerprint FROM commands")}
    from yishi.engine import _fingerprint

    for voter in VOTERS[:3]:
        other = c.CastElectionBallot(actor=voter, meeting="e1", voter=voter, candidates=())
        assert fingerprints[f"k-{voter}"] == _fingerprint(other, secret=True)
    # the box holds the ballots, without voter, time or sequence
    columns = [r[1] for r in db.execute("PRAGMA table_info(ballot_box)")]
    assert columns == ["meeting", "token", "ballot"]
    slots = [bytes(b) for (b,) in db.execute("SELECT ballot FROM ballot_box")]
    assert {len(b) for b in slots} == {SLOT}  # every slot the same size, laid out in advance
    filled = sorted(b.rstrip(b"\0").decode() for b in slots if any(b))
    assert filled == sorted(election_ballot(r) for r in chosen.values())
    # the WAL was folded back and emptied after each ballot: it keeps no order
    assert Path(f"{path}-wal").stat().st_size == 0


class _SeededDraws:
    """Stands in for ``secrets`` in the ballot box, so that a statistical test draws
    the same slots on every run (it once failed by bad luck, and could not be replayed)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def token_bytes(self, n: int) -> bytes:
        return self._rng.randbytes(n)

    def randbelow(self, n: int) -> int:
        return self._rng.randrange(n)


def test_file_order_of_sealed_ballots_does_not_follow_the_casting_order(tmp_path, monkeypatch):
    """Before close the box is in the file: where a ballot lands is the box's random
    draw (a slot among the empty ones), not the casting order. The draws are
    seeded here, so the statistical verdict is the same on every run; production
    draws from ``secrets``."""
    from yishi.store import ballot_box

    taus = []
    exact = 0
    for trial in range(4):
        monkeypatch.setattr(ballot_box, "secrets", _SeededDraws(1000 + trial))
        path = tmp_path / f"log{trial}.sqlite"
        engine = open_engine(path)
        setup(engine)
        chosen = cast_all(engine, random.Random(trial))
        engine.store.close()  # type: ignore[attr-defined]
        where = positions_in_file(path, chosen)
        assert all(w >= 0 for w in where), (trial, where)
        order = rank(where)
        taus.append(kendall_tau(order))
        exact += sum(1 for i, r in enumerate(order) if i == r)
    # cast order against file order: no better than chance (|tau| ≈ 0 ± 0.13 per trial)
    assert abs(sum(taus) / len(taus)) < 0.35, taus
    # about 1 fixed point per trial is what chance gives (4 in all; more than 16: p < 1e-5)
    assert exact <= 16, (exact, taus)


def test_a_crash_before_close_loses_no_acknowledged_ballot(tmp_path):
    path = tmp_path / "log.sqlite"
    engine = open_engine(path)
    setup(engine)
    chosen = cast_all(engine, random.Random(7))
    del engine  # the process dies before the meeting closes: no close, no cleanup
    again = open_engine(path)
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
    assert sorted(opened.ballots) == sorted(election_ballot(r) for r in chosen.values())
    closed = next(e for e in events if isinstance(e, ev.MeetingClosed))
    assert closed.counts["votes_cast"] == len(VOTERS)


# -- after close: one sorted record, nothing left in the box ---------------------


def test_after_close_the_file_holds_each_ballot_once_sorted_and_unlinked(tmp_path):
    path = tmp_path / "log.sqlite"
    engine = open_engine(path)
    setup(engine)
    chosen = cast_all(engine, random.Random(3))
    engine.execute(c.CloseMeeting(actor="d1", meeting="e1"), DAY + dt.timedelta(hours=2))
    engine.store.close()  # type: ignore[attr-defined]
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM ballot_box").fetchone() == (0,)
    db.close()
    data = stored_bytes(path)
    for voter in VOTERS:
        ballot = election_ballot(chosen[voter])
        # secure_delete: the emptied box left no copy behind; the one copy is
        # inside the opened box's record, escaped as a JSON string
        assert data.count(ballot.encode()) == 0
        assert data.count(json.dumps(ballot, ensure_ascii=False)[1:-1].encode()) == 1
    db = sqlite3.connect(path)
    records = [json.loads(p) for (p,) in db.execute("SELECT payload FROM events ORDER BY seq")]
    opened = [r for r in records if r["type"] == "BallotBoxOpened"]
    assert len(opened) == 1 and "voter" not in opened[0]
    assert opened[0]["ballots"] == sorted(opened[0]["ballots"])
    # The register's order against the order of the opened ballots: sorted by
    # content, which was drawn at random, so no better than chance.
    register = [r["voter"] for r in records if r["type"] == "BallotReceived"]
    assert register == list(VOTERS)
    index = {b: i for i, b in enumerate(opened[0]["ballots"])}
    order = [index[election_ballot(chosen[v])] for v in register]
    assert sorted(order) == list(range(len(VOTERS)))
    assert abs(kendall_tau(order)) < 0.5


def test_secret_motion_counts_from_the_box_and_refuses_a_second_ballot(tmp_path):
    path = tmp_path / "log.sqlite"
    engine = open_engine(path)
    setup(engine)
    cast_all(engine, random.Random(5))
    engine.execute(c.CloseMeeting(actor="d1", meeting="e1"), DAY + dt.timedelta(hours=2))
    assert engine.state.matters["m1"].stage == "approve"
    engine.execute(
        c.ConveneMeeting(actor="d1", matter="m1", meeting="a1", date=DAY.date(), method="secret"),
        DAY + dt.timedelta(hours=3),
    )
    engine.execute(c.CheckIn(actor="d1", meeting="a1", people=VOTERS), DAY + dt.timedelta(hours=3))
    engine.execute(
        c.EnterBallots(
            actor="d1",
            meeting="a1",
            ballots=tuple((v, "yes" if i % 3 else "no") for i, v in enumerate(VOTERS)),
        ),
        DAY + dt.timedelta(hours=4),
    )
    with pytest.raises(Refusal) as refused:
        engine.execute(
            c.CastVote(actor="v01", meeting="a1", voter="v01", choice="no"),
            DAY + dt.timedelta(hours=4, minutes=1),
        )
    assert refused.value.code == "already_voted"
    events = engine.execute(c.CloseMeeting(actor="d1", meeting="a1"), DAY + dt.timedelta(hours=5))
    closed = next(e for e in events if isinstance(e, ev.MeetingClosed))
    assert (closed.counts["yes"], closed.counts["no"]) == (20, 10)
    # replayed from the file alone, the state agrees
    replayed = open_engine(path)
    assert replayed.state.meetings["a1"].box == {"yes": 20, "no": 10}
    assert replayed.state.meetings["a1"].outcome == "passed"


def test_a_store_without_a_ballot_box_refuses_secret_ballots_one_by_one():
    from yishi.store.memory import MemoryStore

    class Plain(MemoryStore):
        sealed_ballots = None  # type: ignore[assignment]

    engine = Engine(Plain(), ruleset())
    setup(engine)
    with pytest.raises(Refusal) as refused:
        engine.execute(
            c.CastElectionBallot(actor="v00", meeting="e1", voter="v00", candidates=("k1",)),
            DAY + dt.timedelta(minutes=1),
        )
    assert refused.value.code == "sealed_box_unsupported"
    assert "v00" not in engine.state.meetings["e1"].received


def test_the_state_plugins_read_keeps_the_box_in_sorted_order(tmp_path):
    """A dict remembers insertion order: the box must not remember casting order."""
    engine = open_engine(tmp_path / "log.sqlite")
    setup(engine)
    chosen = cast_all(engine, random.Random(11))
    box = engine.state.meetings["e1"].box
    assert list(box) == sorted(box)
    assert sorted(box) == sorted(election_ballot(r) for r in chosen.values())


CRASH = """
import datetime as dt, os, random, sys
sys.path.insert(0, {tests!r})
import test_secret_ballots as t
import yishi.store.ballot_box as box
from yishi.domain import commands as c
engine = t.open_engine({path!r})
t.setup(engine)
box.fold_wal = lambda db: None  # the crash comes between the commit and the checkpoint
engine.execute(
    c.CastElectionBallot(actor="v00", meeting="e1", voter="v00", candidates=("k1",)),
    t.DAY + dt.timedelta(minutes=1),
)
os._exit(0)
"""


def test_a_crash_between_commit_and_checkpoint_is_folded_at_the_next_open(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "log.sqlite"
    script = CRASH.format(tests=str(Path(__file__).parent), path=str(path))
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 0  # the ballot's pages are still in the WAL
    store = SQLiteStore(path)
    assert wal.stat().st_size == 0  # folded in on open
    assert store.sealed_ballots("e1") == [election_ballot(("k1",))]
    store.close()


def _cast_in_process(path: str, voters: list[str], out: str) -> None:
    """A separate process casting secret ballots on the same file (some twice)."""
    engine = open_engine(Path(path))
    results = []
    for i, voter in enumerate(voters):
        ranking = CANDIDATES[i % 5 :] + CANDIDATES[: i % 5]
        try:
            engine.execute(
                c.CastElectionBallot(actor=voter, meeting="e1", voter=voter, candidates=ranking),
                DAY + dt.timedelta(minutes=1),
            )
            results.append([voter, "ok"])
        except Refusal as refused:
            results.append([voter, refused.code])
    Path(out).write_text(json.dumps(results), encoding="utf-8")


def test_concurrent_secret_ballots_count_each_member_once(tmp_path):
    import multiprocessing

    path = tmp_path / "log.sqlite"
    engine = open_engine(path)
    setup(engine)
    engine.store.close()  # type: ignore[attr-defined]
    # four processes; each member's ballot is submitted by two of them
    groups = [list(VOTERS[i::4]) + list(VOTERS[(i + 1) % 4 :: 4][:3]) for i in range(4)]
    ctx = multiprocessing.get_context("spawn")
    outs = [tmp_path / f"out{i}.json" for i in range(4)]
    procs = [
        ctx.Process(target=_cast_in_process, args=(str(path), g, str(o)))
        for g, o in zip(groups, outs, strict=True)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * 4
    results = [r for o in outs for r in json.loads(o.read_text(encoding="utf-8"))]
    accepted = [v for v, r in results if r == "ok"]
    assert sorted(accepted) == sorted(VOTERS)  # each member once, whoever was first
    assert {r for _v, r in results if r != "ok"} <= {"already_voted", "already_recorded"}
    again = open_engine(path)
    meeting = again.state.meetings["e1"]
    assert set(meeting.received) == set(VOTERS)
    assert sum(meeting.box.values()) == len(VOTERS)  # the box and the register agree
    events = again.execute(c.CloseMeeting(actor="d1", meeting="e1"), DAY + dt.timedelta(hours=2))
    closed = next(e for e in events if isinstance(e, ev.MeetingClosed))
    assert closed.counts["votes_cast"] == len(VOTERS)


MOTION = """
schema_version = 1
id = "motion_test"
title = "事项表决（测试）"
statutory = false
proposers = ["committee"]

[bodies.committee]
name = "委员会"
roles = ["director"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["secret", "roll_call"]

[[stages]]
id = "decide"
kind = "meeting"
name = "表决"
bodies = ["committee"]
actors = ["committee.director"]
on_pass = "complete"
"""


@given(st.lists(st.sampled_from(("yes", "no", "abstain")), min_size=1, max_size=len(VOTERS)))
@settings(max_examples=40, deadline=None)
def test_a_secret_vote_counts_exactly_as_an_open_one(choices):
    from yishi.store.memory import MemoryStore

    rs, _problems = check_text(MOTION.encode(), "motion.toml")
    assert rs is not None
    members = VOTERS[: len(choices)]
    results = {}
    for method in ("secret", "roll_call"):
        engine = Engine(MemoryStore(), rs)
        engine.execute(
            c.SetUpCommunity(
                actor="admin",
                people=tuple(c.PersonSpec(id=p, name=p, adult=True) for p in ("d1", *members)),
                bodies=(
                    c.BodySpecEntry(
                        id="committee",
                        members=(
                            c.MemberSpec(person="d1", roles=("director",)),
                            *(c.MemberSpec(person=p) for p in members),
                        ),
                    ),
                ),
            ),
            DAY.replace(hour=0),
        )
        engine.execute(c.ProposeMatter(actor="d1", matter="m1", title="修路"), DAY)
        engine.execute(
            c.ConveneMeeting(actor="d1", matter="m1", meeting="x", date=DAY.date(), method=method),
            DAY,
        )
        engine.execute(c.CheckIn(actor="d1", meeting="x", people=("d1", *members)), DAY)
        for voter, choice in zip(members, choices, strict=True):
            engine.execute(c.CastVote(actor=voter, meeting="x", voter=voter, choice=choice), DAY)
        events = engine.execute(c.CloseMeeting(actor="d1", meeting="x"), DAY)
        closed = next(e for e in events if isinstance(e, ev.MeetingClosed))
        results[method] = (closed.outcome, closed.counts, closed.threshold)
    assert results["secret"] == results["roll_call"]


def test_plugins_are_told_of_the_register_never_the_choice(tmp_path):
    from yishi import hookimpl
    from yishi.plugins import PluginHost

    class Recorder:
        def __init__(self) -> None:
            self.seen: list[dict[str, object]] = []

        @hookimpl
        def yishi_events_appended(self, events):
            self.seen += [s.event.to_dict() for s in events]

    recorder = Recorder()
    host = PluginHost.load(extra=[recorder], entry_points=False)
    engine = Engine(SQLiteStore(tmp_path / "log.sqlite"), ruleset(), plugins=host)
    setup(engine)
    chosen = cast_all(engine, random.Random(2))
    told = json.dumps(recorder.seen, ensure_ascii=False)
    assert "SealedBallot" not in told
    for event in recorder.seen:  # no record pairs a voter with anything chosen
        assert not ("voter" in event and {"candidates", "ballot", "choice"} & set(event))
    compact = json.dumps(recorder.seen, ensure_ascii=False, separators=(",", ":"))
    for ranking in chosen.values():
        assert json.dumps(list(ranking), separators=(",", ":")) not in compact
    received = [e for e in recorder.seen if e["type"] == "BallotReceived"]
    assert [e["voter"] for e in received] == list(VOTERS)
