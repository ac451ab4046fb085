"""verify_store reads a store that offers ``snapshot()`` only through it, so a
log appended to while it is verified is checked as it stood (docs/plugins.md)."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator

from yishi.store.memory import MemoryStore
from yishi.store.verify import verify_store
from yishi.testing.store_contract import appended, ballot


class Portal(MemoryStore):
    """A log a portal appends to: a ballot is cast each time the facts are read,
    between verify's reads."""

    def __init__(self) -> None:
        super().__init__()
        self.cast = 0

    def raw_facts(self) -> Iterator[tuple[object, ...]]:
        facts = list(super().raw_facts())
        self.cast += 1
        appended(self, ballot(f"late{self.cast}"))
        return iter(facts)


class PortalWithSnapshot(Portal):
    """The same, offering ``snapshot()``: a plain copy of the log taken on entry."""

    snapshots = 0

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[MemoryStore]:
        frozen = MemoryStore.__new__(MemoryStore)
        frozen.__setstate__(copy.deepcopy(self.__getstate__()))
        self.snapshots += 1
        yield frozen


def test_verify_reads_a_store_with_a_snapshot_through_it() -> None:
    store = PortalWithSnapshot()
    appended(store, ballot("a"), ballot("b"))
    head = store.head()
    report = verify_store(store)
    assert report.ok, report.damage
    assert report.head == head  # as of the snapshot, not the ballots cast since
    assert store.snapshots == 1
    assert store.cast == 0  # every read went through the snapshot


def test_verify_without_a_snapshot_reads_the_store_itself() -> None:
    # What verify reports without one: facts read before a ballot that the
    # records read after it state. Shown so that the test above is known to need it.
    store = Portal()
    appended(store, ballot("a"))
    report = verify_store(store)
    assert store.cast == 2  # the walk, then the second pass that looks for the record
    assert [d.code for d in report.damage] == ["verify_fact_mismatch"]
