"""The contract every event-store backend passes.

Subclass :class:`StoreContract` in a test module and implement ``make_store``
(and ``reopen`` if the backend persists)::

    class TestMyStore(StoreContract):
        def make_store(self, tmp_path):
            return MyStore(tmp_path / "log")

The same tests run against the in-memory and SQLite stores in yishi's own
suite, so a backend that passes them means what those mean.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yishi.domain import events as ev
from yishi.store.base import (
    CommandRecorded,
    ConcurrencyError,
    DuplicateFact,
    KeyReused,
)
from yishi.store.chain import GENESIS, record_hash
from yishi.store.verify import verify_store

AT = dt.datetime(2026, 3, 1, 9, 0)


def ballot(voter: str, meeting: str = "m1", matter: str = "land", choice: str = "yes") -> ev.Event:
    return ev.BallotCast(
        at=AT, actor=voter, matter=matter, meeting=meeting, voter=voter, choice=choice
    )


def stack(*voters: str, meeting: str = "m1", matter: str = "land") -> ev.Event:
    """A stack of paper ballots: one record, one fact recorded once per voter."""
    return ev.BallotsEntered(
        at=AT,
        actor="clerk",
        matter=matter,
        meeting=meeting,
        ballots=tuple((voter, "yes") for voter in voters),
    )


def progress(text: str, matter: str = "land") -> ev.Event:
    return ev.ProgressRecorded(at=AT, actor="clerk", matter=matter, text=text)


def person(pid: str) -> ev.Event:
    return ev.PersonRegistered(at=AT, actor="clerk", person=pid, name=f"村民{pid}")


def appended(store: Any, *events: ev.Event, **kwargs: Any) -> list[Any]:
    """Append ``events`` after whatever each stream holds now."""
    versions: dict[str, int] = {}
    batch = []
    for event in events:
        current = versions.get(event.stream, store.stream_version(event.stream))
        batch.append((event.stream, current, event))
        versions[event.stream] = current + 1
    return list(store.append(batch, **kwargs))


class StoreContract:
    """Every event-store backend passes these."""

    def make_store(self, tmp_path: Path) -> Any:
        raise NotImplementedError

    def reopen(self, store: Any, tmp_path: Path) -> Any:
        """The same log seen by a fresh process; in-memory stores return themselves."""
        return store

    @pytest.fixture
    def store(self, tmp_path: Path) -> Any:
        made = self.make_store(tmp_path)
        yield made
        made.close()

    # -- basics --------------------------------------------------------------

    def test_an_empty_log_has_the_genesis_head(self, store: Any) -> None:
        assert store.head().size == 0
        assert store.head().hash == GENESIS
        assert list(store.read_all()) == []
        assert store.stream_version("matter-land") == 0
        assert verify_store(store).ok

    def test_appends_get_global_positions_and_stream_versions(self, store: Any) -> None:
        appended(store, person("a"), progress("开工"))
        stored = appended(store, progress("完工过半"), person("b"))
        assert [(s.position, s.stream, s.version) for s in stored] == [
            (3, "matter-land", 2),
            (4, "community", 2),
        ]
        assert [s.position for s in store.read_all()] == [1, 2, 3, 4]
        assert [s.position for s in store.read_all(after=2)] == [3, 4]
        assert [s.event.text for s in store.read_stream("matter-land")] == ["开工", "完工过半"]

    def test_events_read_back_equal_what_was_appended(self, store: Any, tmp_path: Path) -> None:
        events = [person("a"), ballot("a"), progress("开工")]
        stored = appended(store, *events)
        again = self.reopen(store, tmp_path)
        assert [s.event for s in again.read_all()] == events
        assert [s.hash for s in again.read_all()] == [s.hash for s in stored]
        assert again.head().size == 3

    # -- optimistic concurrency -----------------------------------------------

    def test_a_stale_expected_version_is_refused_and_nothing_is_written(self, store: Any) -> None:
        appended(store, progress("开工"))
        head = store.head()
        with pytest.raises(ConcurrencyError):
            store.append([("matter-land", 0, progress("重复"))])
        assert store.head() == head

    def test_a_batch_is_all_or_nothing(self, store: Any) -> None:
        appended(store, progress("开工"))
        head = store.head()
        with pytest.raises(ConcurrencyError):
            store.append([("community", 0, person("a")), ("matter-land", 0, progress("x"))])
        assert store.head() == head
        assert store.stream_version("community") == 0

    # -- the hash chain ---------------------------------------------------------

    def test_each_record_names_its_predecessor_and_hashes_its_content(self, store: Any) -> None:
        appended(store, person("a"), ballot("a"), progress("开工"))
        previous = GENESIS
        for record in store.raw_records():
            seq, stream, version, _type, payload, command, prev, digest = record
            assert prev == previous
            assert digest == record_hash(seq, stream, version, prev, command, payload)
            previous = digest
        assert store.head().hash == previous
        assert verify_store(store).ok

    # -- facts recorded once ----------------------------------------------------

    def test_a_second_ballot_for_the_same_member_is_refused(self, store: Any) -> None:
        appended(store, ballot("a"))
        head = store.head()
        with pytest.raises(DuplicateFact) as refused:
            appended(store, ballot("a", choice="no"))
        assert refused.value.key == "ballot/m1/a"
        assert store.head() == head

    def test_duplicates_inside_one_batch_are_refused(self, store: Any) -> None:
        with pytest.raises(DuplicateFact):
            appended(store, ballot("a"), ballot("a", choice="no"))
        assert store.head().size == 0

    def test_the_same_member_may_vote_in_another_meeting(self, store: Any) -> None:
        appended(store, ballot("a"), ballot("a", meeting="m2"))
        assert store.head().size == 2

    def test_a_stack_states_a_fact_per_voter_and_each_is_held_once(self, store: Any) -> None:
        appended(store, ballot("a"), stack("b", "c", "d"))
        head = store.head()
        assert head.size == 2
        for refused_stack, key in (
            (stack("e", "a"), "ballot/m1/a"),  # voted alone before
            (stack("f", "c"), "ballot/m1/c"),  # in the earlier stack
            (stack("g", "g"), "ballot/m1/g"),  # twice in this one
        ):
            with pytest.raises(DuplicateFact) as refused:
                appended(store, refused_stack)
            assert refused.value.key == key
            assert store.head() == head
        with pytest.raises(DuplicateFact) as refused:
            appended(store, ballot("d", choice="no"))
        assert refused.value.key == "ballot/m1/d"
        appended(store, stack("b", "c", meeting="m2"), ballot("e"))
        assert store.head().size == 4
        assert verify_store(store).ok

    # -- idempotency keys -------------------------------------------------------

    def test_a_retried_command_gets_its_first_receipt(self, store: Any) -> None:
        first = appended(store, ballot("a"), command="k1", fingerprint="f")
        with pytest.raises(CommandRecorded) as again:
            store.append([("matter-land", 1, ballot("b"))], command="k1", fingerprint="f")
        assert again.value.events == first
        assert store.recorded("k1") == ("f", first)
        assert store.head().size == 1

    def test_a_key_reused_for_another_command_is_refused(self, store: Any) -> None:
        appended(store, ballot("a"), command="k1", fingerprint="f")
        with pytest.raises(KeyReused):
            store.append([("matter-land", 1, ballot("b"))], command="k1", fingerprint="other")
        assert store.head().size == 1
        assert store.recorded("k2") is None

    # -- the write transaction (optional: group commit) ----------------------------
    #
    # A store with ``begin_write`` lets the engine commit many commands at once.
    # A store without it is appended to one command at a time, and skips these.

    def _transactional(self, store: Any) -> None:
        if not hasattr(store, "begin_write"):
            pytest.skip("this store has no write transaction; the engine uses append")

    def test_commands_written_in_one_transaction_chain_on_and_count_at_commit(
        self, store: Any, tmp_path: Path
    ) -> None:
        self._transactional(store)
        appended(store, person("a"))
        store.begin_write()
        head = store.head()
        first = store.write(
            [("matter-land", 0, ballot("a"))], head, store.stream_version, "k1", "f"
        )
        after_first = type(head)(first[-1].position, first[-1].hash)
        second = store.write([("matter-land", 1, ballot("b"))], after_first, lambda s: 1, "k2", "g")
        with pytest.raises(DuplicateFact):  # a repeat inside the transaction is refused
            store.write(
                [("matter-land", 2, ballot("a", choice="no"))],
                type(head)(second[-1].position, second[-1].hash),
                lambda s: 2,
            )
        store.commit_write()
        assert store.head() == type(head)(3, second[-1].hash)
        assert second[0].prev == first[0].hash
        assert store.recorded("k2") == ("g", second)
        assert verify_store(self.reopen(store, tmp_path)).ok

    def test_a_command_refused_half_way_leaves_the_transaction_to_the_others(
        self, store: Any, tmp_path: Path
    ) -> None:
        """Its records and the facts inserted before the repeat are taken back;
        the commands before and after it in the same transaction stand."""
        self._transactional(store)
        store.begin_write()
        head = store.head()
        first = store.write([("matter-land", 0, ballot("a"))], head, store.stream_version)
        after_first = type(head)(first[-1].position, first[-1].hash)
        with pytest.raises(DuplicateFact) as refused:
            store.write(
                [("matter-land", 1, progress("开工")), ("matter-land", 2, stack("b", "c", "a"))],
                after_first,
                lambda s: 1,
            )
        assert refused.value.key == "ballot/m1/a"
        last = store.write([("matter-land", 1, stack("b", "c"))], after_first, lambda s: 1)
        store.commit_write()
        assert store.head() == type(head)(2, last[-1].hash)
        with pytest.raises(DuplicateFact):  # b and c are now held by the stack that stood
            appended(store, ballot("c"))
        appended(store, ballot("d"))  # and nothing is left of the refused one's keys
        assert verify_store(self.reopen(store, tmp_path)).ok

    def test_a_rolled_back_transaction_leaves_nothing(self, store: Any) -> None:
        self._transactional(store)
        appended(store, person("a"))
        head = store.head()
        store.begin_write()
        store.write([("matter-land", 0, ballot("a"))], head, store.stream_version, "k1", "f")
        store.rollback_write()
        assert store.head() == head and store.recorded("k1") is None
        appended(store, ballot("a"), command="k1", fingerprint="f")  # and all is free again
        assert store.head().size == 2

    # -- deciding before reading (optional: ``checks_head``) -------------------------
    #
    # A store that sets ``checks_head`` takes ``after=N`` in ``append`` and refuses
    # the append whole unless the log holds exactly N records (docs/plugins.md).

    def test_an_append_made_on_another_size_of_log_is_refused_whole(self, store: Any) -> None:
        if not getattr(store, "checks_head", False):
            pytest.skip("this store does not take after=N; the engine reads before deciding")
        appended(store, person("a"))
        late = ballot("b")
        for wrong in (0, 2):
            with pytest.raises(ConcurrencyError):
                store.append([(late.stream, 0, late)], after=wrong)
            assert store.head().size == 1
        assert store.append([(late.stream, 0, late)], after=1)[0].position == 2

    # -- after-commit hook failures ---------------------------------------------

    def test_hook_failures_are_kept_until_a_retry_succeeds(self, store: Any) -> None:
        store.record_hook_failure("board", "yishi_events_appended", 1, 2, "OSError: 满", AT)
        [failure] = store.hook_failures()
        assert (failure.plugin, failure.first, failure.last, failure.attempts) == ("board", 1, 2, 1)
        store.hook_retried(failure, "OSError: 仍满")
        [again] = store.hook_failures()
        assert again.attempts == 2
        store.hook_retried(again, None)
        assert store.hook_failures() == []

    # -- a model ----------------------------------------------------------------

    @settings(
        max_examples=40,
        deadline=None,
        # Each backend's subclass runs this same method: that is the point.
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ],
    )
    @given(
        st.lists(
            st.tuples(st.sampled_from(["land", "road", "well"]), st.integers(-1, 1), st.booleans()),
            max_size=25,
        )
    )
    def test_the_log_matches_a_simple_model(self, tmp_path: Path, steps: list[Any]) -> None:
        """Random appends, some with stale versions: the store keeps exactly the
        accepted ones, in order, and its chain verifies."""
        store = self.make_store(Path(tempfile.mkdtemp(dir=tmp_path)))
        try:
            model: list[tuple[str, int]] = []
            versions: dict[str, int] = {}
            for n, (matter, skew, twice) in enumerate(steps):
                stream = f"matter-{matter}"
                expected = versions.get(stream, 0) + skew
                events = [progress(f"{n}", matter)] * (2 if twice else 1)
                batch = [(stream, expected + i, e) for i, e in enumerate(events)]
                try:
                    store.append(batch)
                except ConcurrencyError:
                    assert skew != 0
                    continue
                assert skew == 0
                for _ in events:
                    versions[stream] = versions.get(stream, 0) + 1
                    model.append((stream, versions[stream]))
            assert [(s.stream, s.version) for s in store.read_all()] == model
            assert verify_store(store).ok
        finally:
            store.close()
