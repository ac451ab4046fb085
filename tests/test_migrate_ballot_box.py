"""``yishi migrate`` carries the sealed ballots of a secret vote still open."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

import test_secret_ballots as secret  # the secret-ballot scenario of T06
from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.engine import Engine
from yishi.store.memory import MemoryStore
from yishi.store.migrate import MigrationRefused, migrate
from yishi.store.sqlite import SQLiteStore


def _open_vote(path: Path) -> dict[str, str]:
    engine = secret.open_engine(path)
    secret.setup(engine)
    chosen = secret.cast_all(engine, random.Random(13))
    engine.store.close()  # type: ignore[attr-defined]
    return {v: secret.election_ballot(r) for v, r in chosen.items()}


def test_an_open_secret_vote_arrives_with_its_box_and_closes_there(tmp_path: Path) -> None:
    chosen = _open_vote(tmp_path / "a.sqlite")
    with SQLiteStore(tmp_path / "a.sqlite") as source, SQLiteStore(tmp_path / "b.sqlite") as target:
        done = migrate(source, target)
        assert target.sealed_ballots("e1") == sorted(chosen.values())
        assert done.head == done.source.head
    engine = secret.open_engine(tmp_path / "b.sqlite")
    events = engine.execute(
        c.CloseMeeting(actor="d1", meeting="e1"), secret.DAY + dt.timedelta(hours=2)
    )
    opened = next(e for e in events if isinstance(e, ev.BallotBoxOpened))
    assert sorted(opened.ballots) == sorted(chosen.values())
    closed = next(e for e in events if isinstance(e, ev.MeetingClosed))
    assert closed.counts["votes_cast"] == len(secret.VOTERS)
    engine.store.close()  # type: ignore[attr-defined]


def test_a_closed_vote_brings_no_box_along(tmp_path: Path) -> None:
    _open_vote(tmp_path / "a.sqlite")
    engine = secret.open_engine(tmp_path / "a.sqlite")
    engine.execute(c.CloseMeeting(actor="d1", meeting="e1"), secret.DAY + dt.timedelta(hours=2))
    engine.store.close()  # type: ignore[attr-defined]
    target = MemoryStore()
    with SQLiteStore(tmp_path / "a.sqlite") as source:
        migrate(source, target)
    assert target.sealed_ballots("e1") == []


def test_a_target_without_a_box_is_refused_before_anything_is_copied(tmp_path: Path) -> None:
    _open_vote(tmp_path / "a.sqlite")

    class Plain(MemoryStore):
        sealed_ballots = None  # type: ignore[assignment]

    target = Plain()
    with SQLiteStore(tmp_path / "a.sqlite") as source, pytest.raises(MigrationRefused) as refused:
        migrate(source, target)
    assert refused.value.code == "migrate_no_ballot_box"
    assert refused.value.params == {"ballots": len(secret.VOTERS)}
    assert target.head().size == 0
    assert "30" in refused.value.message("en") and "票箱" in refused.value.message()


def test_the_register_and_the_box_agree_after_the_copy(tmp_path: Path) -> None:
    _open_vote(tmp_path / "a.sqlite")
    target = MemoryStore()
    with SQLiteStore(tmp_path / "a.sqlite") as source:
        migrate(source, target)
    engine = Engine(target, secret.ruleset())
    meeting = engine.state.meetings["e1"]
    assert set(meeting.received) == set(secret.VOTERS)
    assert sum(meeting.box.values()) == len(secret.VOTERS)
