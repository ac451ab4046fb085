"""The log's records that pages show, read from the store when a page needs them.

The service used to keep every record of its log in memory beside the folded
state: about 1 KB an event, where the state takes 100–200 bytes (a log of a
million events: a gigabyte in every worker of ``yishi serve``). A page needs
the records of one matter (its timeline, its notices), which are one stream and
one indexed read; the board needs them matter by matter; the stats and the
verification page read the whole log in pages. The matters read last are kept,
up to ``KEEP`` records in all, while their stream stays where it was.

Every record handed out is one the engine has folded: what another process
appended since the engine last looked is left for its next look, so a page
never shows an act that the state it is drawn from does not know. A record
comes from the store, so it is durable: a batch whose commit failed is never
among them, whatever the state held for a moment.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from yishi.domain.events import matter_stream
from yishi.store.base import StoredEvent

if TYPE_CHECKING:
    from yishi.engine import Engine

# Records kept across pages: a few matters' worth, a few MB. A matter with more
# records than this (a 村民会议 of 10,000 ballots) is kept alone.
KEEP = 20_000

Read = tuple[int, list[StoredEvent]]  # a matter's stream version and its records up to it


class LogRecords:
    """The records of one engine's log, for pages; the caller holds the engine's lock."""

    def __init__(self, engine: Engine, keep: int = KEEP) -> None:
        self.engine = engine
        self.keep = keep
        # matter -> (its stream's version, the engine's position then, its records)
        self._kept: OrderedDict[str, tuple[int, int, list[StoredEvent]]] = OrderedDict()
        self._count = 0

    def of_matter(self, matter: str, read: Read | None = None) -> list[StoredEvent]:
        """The matter's records, in order, up to the engine's state. ``read``: what
        :meth:`read` gave earlier, taken if the matter has not moved since."""
        stream = matter_stream(matter)
        version = self.engine.versions.get(stream, 0)
        hit = self._kept.get(matter)
        if hit is not None and hit[0] == version:
            self._kept.move_to_end(matter)
            return hit[2]
        if hit is not None and read is None:
            # A matter being voted on moves at every ballot: its new records are
            # taken from those the engine holds, not its thousands read again (a
            # 5,000-ballot meeting: 75-120 ms under the lock at every ballot).
            grown = self._grown(stream, hit, version)
            if grown is not None:
                self._put(matter, version, grown)
                return grown
        # One read earlier is taken only whole: read while a commit was failing, it
        # may stop short of a version the state then knew and knows again now.
        if read is None or read[0] != version or not _whole(read):
            read = self.read(matter)
        records = read[1]
        # Kept only when the store holds every version the state knows: after a
        # failed commit whose log could not be read again, the state may know more.
        if records and _whole(read):
            self._put(matter, version, records)
        return records

    def _grown(
        self, stream: str, hit: tuple[int, int, list[StoredEvent]], version: int
    ) -> list[StoredEvent] | None:
        """The kept records with those the stream gained since, if the engine still
        holds every record after the position they were kept at; else None."""
        kept_version, position, records = hit
        held = self.engine.records_after(position)
        if held is None:
            return None
        new = [stored for stored in held if stored.stream == stream]
        expected = range(kept_version + 1, version + 1)
        if [stored.version for stored in new] != list(expected):
            return None  # not the whole run of versions: read it all again
        return records + new

    def read(self, matter: str) -> Read:
        """The matter's records up to the version the state has of it, with that
        version; without the engine's lock, for a caller that reads many matters
        and lets writers in between (the board drawn in parts). What it gives is
        only taken by :meth:`of_matter`, under the lock, if the version still holds."""
        stream = matter_stream(matter)
        version = self.engine.versions.get(stream, 0)
        records = []
        for stored in self.engine.store.read_stream(stream):
            if stored.version > version:  # appended elsewhere, not folded yet
                break
            records.append(stored)
        return version, records

    def _put(self, matter: str, version: int, records: list[StoredEvent]) -> None:
        """Keep ``records``, the matter's up to ``version``, which the stream is at
        in the state now: no record of it after the engine's position has a lower one."""
        old = self._kept.pop(matter, None)
        if old is not None:
            self._count -= len(old[2])
        while self._kept and self._count + len(records) > self.keep:
            _, (_, _, dropped) = self._kept.popitem(last=False)
            self._count -= len(dropped)
        self._kept[matter] = (version, self.engine.position, records)
        self._count += len(records)

    def between(self, after: int, upto: int) -> Iterator[StoredEvent]:
        """The records after ``after`` up to ``upto``, from memory if the engine
        still holds them, else read from the store in pages."""
        held = self.engine.records_after(after)
        if held is not None:
            yield from (stored for stored in held if stored.position <= upto)
            return
        for stored in self.engine.store.read_all(after):
            if stored.position > upto:
                return
            yield stored

    def hash_at(self, position: int) -> str | None:
        """The hash of the record at ``position``; None past the engine's state."""
        if position < 1 or position > self.engine.position:
            return None
        found = next(self.between(position - 1, position), None)
        return found.hash if found is not None else None


def _whole(read: Read) -> bool:
    """Whether the records read reach the version the state had when they were read."""
    version, records = read
    return (records[-1].version if records else 0) == version
