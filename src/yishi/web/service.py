"""One community's engine, shared by the threads of a web server.

Commands go straight to the engine, unlocked here: requests that arrive together
are decided and committed together, with one fsync (group commit, yishi.group_commit).
Every read of the folded state holds the engine's own lock, the one its writer
holds while it folds, so a page never sees a half-folded command; the engine
itself catches up with other processes writing the same log. The service keeps
the rendered board and other views until the log moves; the records a page shows
are read from the log when it needs them (yishi.web.records).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.events import matter_stream
from yishi.publish.document import build_document
from yishi.publish.privacy import mask_text
from yishi.publish.render import Templates
from yishi.publish.site import BoardOptions, community_of, write_board
from yishi.store.base import StoredEvent
from yishi.web.config import Community
from yishi.web.records import LogRecords, Read

T = TypeVar("T")

# How long a read may trust the state without asking the store whether another
# process wrote. Writes through this process are seen at once; a resident reading
# the board may see another process's write this much later.
FRESH = 0.5
# Records a part of the board reads when it is drawn in parts: under 0.2 s of
# drawing under the lock (bench/serve_memory.py), where a whole board of a
# 300,000-event log held it 4 s.
PART = 20_000


class Service:
    def __init__(self, community: Community) -> None:
        self.community = community
        self.engine = community.engine
        # The engine's lock, not one of our own: a second lock taken around
        # ``execute`` let one command through at a time, so concurrent requests
        # never shared a commit. Never call ``execute`` while holding it: the
        # group's writer needs it to answer.
        self.lock = community.engine.lock
        self.log = LogRecords(self.engine)
        self._board: dict[str, tuple[int, str, dict[str, bytes]]] = {}
        self._drawing: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._templates: dict[str, Templates] = {}
        self._documents: dict[tuple[str, str], tuple[tuple[int, int], dict[str, Any]]] = {}
        self._views: dict[Any, tuple[int, Any]] = {}
        self.changed = threading.Condition(self.lock)
        self._checked = -FRESH  # when we last looked at the store (monotonic seconds)
        self._ticks = time.monotonic
        # Caught up now, while the server starts, not under the first request:
        # every request that came meanwhile waited for it too (p99 287 ms).
        self.refresh()

    @property
    def name(self) -> str:
        """The community's name as pages show it: the one configured (``--name``),
        else the one its log records, else 本社区.

        Read without the lock, by every page's header on the event loop: one
        attribute, never torn, and the loop must not wait for a writer's fsync."""
        return community_of(self.engine.state, self.community.name)

    @property
    def position(self) -> int:
        return self.engine.position

    @property
    def etag(self) -> str:
        """Under the lock only: the position and its hash move one after the other."""
        return f'"{self.engine.position}-{self.engine.head_hash[:16]}"'

    def refresh(self) -> None:
        """Fold what other processes appended."""
        with self.lock:
            before = self.engine.position
            self.engine.catch_up()
            self._checked = self._ticks()
            if self.engine.position != before:
                self.changed.notify_all()

    def fresh(self) -> bool:
        """The state was checked against the store within ``FRESH`` seconds."""
        return self._ticks() - self._checked < FRESH

    def peek(self, key: Any) -> Any:
        """A cached view if it is current, without a lock or I/O (for the event loop);
        ``None`` when it must be computed in a worker thread."""
        if not self.fresh():
            return None
        hit = self._views.get(key)
        if hit is not None and hit[0] == self.engine.position:
            return hit[1]
        return None

    def peek_board(self, lang: str) -> tuple[str, dict[str, bytes]] | None:
        if not self.fresh():
            return None
        hit = self._board.get(lang)
        if hit is not None and hit[0] == self.engine.position:
            return hit[1], hit[2]
        return None

    def _current(self) -> None:
        """Up to date: the store is asked about other processes only outside the
        freshness window, but what this process's engine folded is always taken
        (a host's own ``execute`` moves it without the service). After a failed
        commit whose log could not be read again, the store is asked at once."""
        if not self.fresh() or self.engine.stale:
            self.refresh()

    def matter_records(self, matter: str) -> list[StoredEvent]:
        """The matter's records up to the state; under the lock."""
        return self.log.of_matter(matter)

    def read(self, view: Callable[[Service], T]) -> T:
        """Run ``view`` on an up-to-date state, under the lock."""
        with self.lock:
            self.refresh()
            return view(self)

    def cached(self, key: Any, view: Callable[[Service], T]) -> T:
        """``view`` computed once per log position."""
        with self.lock:
            self._current()
            hit = self._views.get(key)
            if hit is not None and hit[0] == self.engine.position:
                return hit[1]
            value = view(self)
            self._keep(key, self.engine.position, value)
            return value

    def computed(self, key: Any, prepare: Callable[[Service], Callable[[], T]]) -> T:
        """As :meth:`cached`, for a view that reads the whole log: ``prepare``
        runs under the lock and returns the work, which runs without it, so that
        writers go on meanwhile; the result is kept for the position prepared at."""
        with self.lock:
            self._current()
            position = self.engine.position
            hit = self._views.get(key)
            if hit is not None and hit[0] == position:
                return hit[1]
            work = prepare(self)
        value = work()
        with self.lock:
            self._keep(key, position, value)
        return value

    def kept(self, key: Any) -> tuple[int, Any] | None:
        """What :meth:`keep` left under ``key``, and the position it was for; under the lock."""
        return self._views.get(key)

    def keep(self, key: Any, position: int, value: Any) -> None:
        """Keep ``value`` as it was at ``position``, for a later :meth:`kept`."""
        with self.lock:
            self._keep(key, position, value)

    def _keep(self, key: Any, position: int, value: Any) -> None:
        if len(self._views) > 512:
            self._views.clear()
        self._views[key] = (position, value)

    def execute(self, command: cmd.Command, key: str | None = None) -> list[ev.Event]:
        events = self.engine.execute(command, key=key)
        with self.lock:
            self._checked = self._ticks()  # execute caught up with the store first
            self.changed.notify_all()
        return events

    def wait(self, after: int, timeout: float) -> int:
        """Block until the log moves past ``after`` (or ``timeout``); the position."""
        with self.lock:
            self.refresh()
            if self.engine.position <= after:
                self.changed.wait(timeout)
                self.refresh()
            return self.engine.position

    def board(self, lang: str) -> tuple[str, dict[str, bytes]]:
        """The static board of publish/site.py, rendered into memory once per log
        position: after the first time, only the pages of the matters that moved,
        with the index, the verification page and the feed (as the board publisher
        updates a folder). A rendering that reads more than ``PART`` records is
        drawn in parts (:meth:`_draw_in_parts`), so writers are not held up by it."""
        if self.engine.holds_lock():  # drawn whole: the lock cannot be let go here
            return self._board_at_once(lang, parts=False)
        with self._drawing[lang]:  # a second reader waits for this board, not a copy of it
            return self._board_at_once(lang, parts=True)

    def _board_at_once(self, lang: str, parts: bool) -> tuple[str, dict[str, bytes]]:
        with self.lock:
            self._current()
            position = self.engine.position
            hit = self._board.get(lang)
            if hit is not None and hit[0] == position:
                return hit[1], hit[2]
            moved = self._moved_since(hit[0]) if hit is not None else None
            files = dict(hit[2]) if hit is not None and moved is not None else {}
            todo = list(self.engine.state.matters) if moved is None else moved
            if parts and self._records_in(todo) > PART:
                state = self.engine.state
                files.update(self._draw_in_parts(lang, todo))
                self._current()
                moved = self._moved_since(position)  # what came while drawing
                # A record of the community's own changes every page; a state read
                # afresh (after a failed commit) may have lost what a part showed.
                if moved is None or self.engine.state is not state:
                    files, moved = {}, None
            files.update(self._render_board(lang, moved))
            self._board[lang] = (self.engine.position, self.etag, files)
            return self.etag, files

    def _records_in(self, matters: list[str]) -> int:
        versions = self.engine.versions
        return sum(versions.get(matter_stream(m), 0) for m in matters)

    def _draw_in_parts(self, lang: str, matters: list[str]) -> dict[str, bytes]:
        """The pages of ``matters``, a part of about ``PART`` records at a time.
        Called under the lock, held once; it is let go while a part's records are
        read from the log (most of a rendering's time), and taken again to draw
        them at the state's position then. Each page is drawn from its matter and
        the community alone, so the caller draws again only what moved meanwhile."""
        files: dict[str, bytes] = {}
        for part in self._parts(matters):
            self.lock.release()
            try:
                read = {m: self.log.read(m) for m in part}
            finally:
                self.lock.acquire()

            records_of = partial(self._prefetched, read)
            files.update(self._render_board(lang, part, records_of, lists=False))
        return files

    def _prefetched(self, read: dict[str, Read], matter: str) -> list[StoredEvent]:
        return self.log.of_matter(matter, read.get(matter))

    def _parts(self, matters: list[str]) -> Iterator[list[str]]:
        versions, part, size = self.engine.versions, [], 0
        for matter in matters:
            part.append(matter)
            size += versions.get(matter_stream(matter), 0)
            if size >= PART:
                yield part
                part, size = [], 0
        if part:
            yield part

    def _moved_since(self, position: int) -> list[str] | None:
        """The matters whose records came after ``position``; None when a record of
        the community's own (a person, a council, its name) may change every page."""
        if position > self.engine.position:
            return None
        moved: dict[str, None] = {}
        for stored in self.log.between(position, self.engine.position):
            matter = getattr(stored.event, "matter", None)
            if not matter:
                return None
            moved[matter] = None
        return list(moved)

    def _render_board(
        self,
        lang: str,
        only: list[str] | None,
        records_of: Callable[[str], list[StoredEvent]] | None = None,
        lists: bool = True,
    ) -> dict[str, bytes]:
        out = Path(tempfile.mkdtemp(prefix="yishi-board-"))
        if lang not in self._templates:  # compiled once, not at every position
            self._templates[lang] = Templates(lang)
        try:
            # the English board is served under en/, each page linking to its counterpart
            alternate = "../" if lang == "en" else "en/"
            options = BoardOptions(community=self.name, lang=lang, alternate=alternate)
            engine = self.engine
            write_board(
                out,
                engine.state,
                engine.rulesets,
                records_of or self.matter_records,
                options,
                only=only,
                templates=self._templates[lang],
                document=partial(self._document, lang),
                lists=lists,
            )
            return {
                p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
            }
        finally:
            shutil.rmtree(out, ignore_errors=True)

    def document(self, disclosure: str, lang: str) -> dict[str, Any]:
        """A notice's document (publish/document.py), as the board shows it; under the lock."""
        engine = self.engine

        def build() -> dict[str, Any]:
            d = engine.state.disclosures[disclosure]
            ruleset = engine.rulesets[engine.state.matters[d.matter].procedure]
            own = self.matter_records(d.matter)
            return build_document(
                engine.state, ruleset, disclosure, own, lang=lang, rulesets=engine.rulesets
            )

        return self._document(lang, disclosure, build)

    def _document(
        self, lang: str, disclosure: str, build: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        """A notice's document, built again only when its matter or the community
        (a person's name, a council's) has a new record: the board's feed carries
        the latest fifty in full, and the API lists every one, which would read
        each matter's records at every position."""
        versions = self.engine.versions
        matter = self.engine.state.disclosures[disclosure].matter
        mark = (versions.get(matter_stream(matter), 0), versions.get("community", 0))
        hit = self._documents.get((lang, disclosure))
        if hit is not None and hit[0] == mark:
            return hit[1]
        value = build()
        self._documents[(lang, disclosure)] = (mark, value)
        return value

    def moved_since(self, after: int) -> tuple[int, list[str]]:
        """The last position after ``after`` and the matters whose records came
        in between, sorted. Records the engine no longer holds are read from the
        log without the lock (a browser back after a day asks from long ago), and
        only those that name no matter of their own wait for it."""
        with self.lock:
            head = self.engine.position
            held = self.engine.records_after(after)
            if held is not None:
                state = self.engine.state
                return head, _named({matter_of(s.event, state) for s in held})
        matters: set[str | None] = set()
        unnamed: list[ev.Event] = []  # a ballot box opened: its meeting says whose
        for stored in self.log.between(after, head):
            matter = getattr(stored.event, "matter", None)
            if isinstance(matter, str):
                matters.add(matter)
            else:
                unnamed.append(stored.event)
        with self.lock:
            state = self.engine.state
            matters.update(matter_of(event, state) for event in unnamed)
        return head, _named(matters)

    def person_name(self, person: str) -> str:
        # Without the lock, as ``name``: one key's ``get`` is atomic.
        found = self.engine.state.people.get(person)
        return mask_text(found.name) if found else person


def _named(matters: set[str | None]) -> list[str]:
    return sorted(m for m in matters if m is not None)


def matter_of(event: ev.Event, state: Any) -> str | None:
    for name in ("matter",):
        value = getattr(event, name, None)
        if isinstance(value, str):
            return value
    meeting = getattr(event, "meeting", None)
    if isinstance(meeting, str) and meeting in state.meetings:
        return str(state.meetings[meeting].matter)
    disclosure = getattr(event, "disclosure", None)
    if isinstance(disclosure, str) and disclosure in state.disclosures:
        return str(state.disclosures[disclosure].matter)
    return None
