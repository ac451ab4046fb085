"""The contract of a store that keeps a ballot box for secret ballots.

A store may keep a ballot box (docs/integrity.md §8, ``yishi/store/ballot_box.py``);
a store that does not makes the engine refuse secret ballots entered one by
one. One that does passes these tests, next to :class:`StoreContract`::

    class TestMyStore(StoreContract, BallotBoxContract):
        def make_store(self, tmp_path):
            return MyStore(tmp_path / "log")
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from yishi.domain import events as ev
from yishi.store.base import DuplicateFact
from yishi.testing.store_contract import appended

AT = dt.datetime(2026, 3, 1, 9, 0)


def received(voter: str, meeting: str = "m1") -> ev.Event:
    return ev.BallotReceived(at=AT, actor=voter, matter="land", meeting=meeting, voter=voter)


def opened(meeting: str, *ballots: str) -> ev.Event:
    return ev.BallotBoxOpened(
        at=AT, actor="clerk", matter="land", meeting=meeting, ballots=tuple(sorted(ballots))
    )


class BallotBoxContract:
    """Stores with a ballot box pass these (with ``make_store`` and ``reopen``)."""

    def make_store(self, tmp_path: Path) -> Any:
        raise NotImplementedError

    def reopen(self, store: Any, tmp_path: Path) -> Any:
        return store

    @pytest.fixture
    def box_store(self, tmp_path: Path) -> Any:
        made = self.make_store(tmp_path)
        yield made
        made.close()

    def test_sealed_ballots_come_back_sorted_and_survive_a_reopen(
        self, box_store: Any, tmp_path: Path
    ) -> None:
        for voter, choice in (("a", "yes"), ("b", "no"), ("c", "yes")):
            appended(box_store, received(voter), sealed=[("m1", choice, 8)])
        assert box_store.sealed_ballots("m1") == ["no", "yes", "yes"]
        again = self.reopen(box_store, tmp_path)
        assert again.sealed_ballots("m1") == ["no", "yes", "yes"]
        assert again.sealed_ballots("m2") == []
        if again is not box_store:
            again.close()

    def test_the_log_never_holds_a_sealed_choice(self, box_store: Any) -> None:
        appended(box_store, received("a"), sealed=[("m1", "choice-only-in-the-box", 8)])
        for stored in box_store.read_all():
            assert "choice-only-in-the-box" not in repr(stored.event.to_dict())

    def test_a_refused_append_leaves_the_box_untouched(self, box_store: Any) -> None:
        appended(box_store, received("a"), sealed=[("m1", "yes", 8)])
        with pytest.raises(DuplicateFact):
            appended(box_store, received("a"), sealed=[("m1", "no", 8)])
        assert box_store.sealed_ballots("m1") == ["yes"]

    def test_opening_the_box_empties_it_in_the_same_append(self, box_store: Any) -> None:
        appended(box_store, received("a"), sealed=[("m1", "yes", 8)])
        appended(box_store, received("a", "m2"), sealed=[("m2", "no", 8)])
        appended(box_store, opened("m1", "yes"), opened=["m1"])
        assert box_store.sealed_ballots("m1") == []
        assert box_store.sealed_ballots("m2") == ["no"]  # another meeting's box stays
