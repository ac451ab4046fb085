"""One community's engine, shared by the threads of a web server.

Commands go straight to the engine, unlocked here: requests that arrive together
are decided and committed together, with one fsync (group commit, yishi.group_commit).
Every read of the folded state holds the engine's own lock, the one its writer
holds while it folds, so a page never sees a half-folded command; the engine
itself catches up with other processes writing the same log. The service also
keeps the stored records (for timelines and documents) and the rendered board,
both rebuilt only when the log has moved.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.publish.privacy import mask_text
from yishi.publish.site import BoardOptions, community_of, write_board
from yishi.store.base import StoredEvent
from yishi.web.config import Community

T = TypeVar("T")

# How long a read may trust the state without asking the store whether another
# process wrote. Writes through this process are seen at once; a resident reading
# the board may see another process's write this much later.
FRESH = 0.5


class Service:
    def __init__(self, community: Community) -> None:
        self.community = community
        self.engine = community.engine
        # The engine's lock, not one of our own: a second lock taken around
        # ``execute`` let one command through at a time, so concurrent requests
        # never shared a commit. Never call ``execute`` while holding it: the
        # group's writer needs it to answer.
        self.lock = community.engine.lock
        self.records: list[StoredEvent] = []
        self._board: dict[str, tuple[int, str, dict[str, bytes]]] = {}
        self._views: dict[Any, tuple[int, Any]] = {}
        self.changed = threading.Condition(self.lock)
        self._checked = -FRESH  # when we last looked at the store (monotonic seconds)
        self._ticks = time.monotonic
        # The records now, while the server starts, not under the first request:
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
        """Fold what other processes appended; keep the records in step."""
        with self.lock:
            before = self.engine.position
            self.engine.catch_up()
            self._sync()
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
        else:
            self._sync()

    def _sync(self) -> None:
        last = self.records[-1].position if self.records else 0
        if last < self.engine.position:
            found = self.engine.records_after(last)
            self.records.extend(self.engine.store.read_all(last) if found is None else found)

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
            if len(self._views) > 512:
                self._views.clear()
            self._views[key] = (self.engine.position, value)
            return value

    def execute(self, command: cmd.Command, key: str | None = None) -> list[ev.Event]:
        events = self.engine.execute(command, key=key)
        with self.lock:
            self._sync()
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
        """The static board of publish/site.py, rendered into memory once per log position."""
        with self.lock:
            self._current()
            hit = self._board.get(lang)
            if hit is not None and hit[0] == self.engine.position:
                return hit[1], hit[2]
            out = Path(tempfile.mkdtemp(prefix="yishi-board-"))
            try:
                # the English board is served under en/, each page linking to its counterpart
                alternate = "../" if lang == "en" else "en/"
                options = BoardOptions(community=self.name, lang=lang, alternate=alternate)
                engine = self.engine
                write_board(out, engine.state, engine.rulesets, self.records, options)
                files = {
                    p.relative_to(out).as_posix(): p.read_bytes()
                    for p in out.rglob("*")
                    if p.is_file()
                }
            finally:
                shutil.rmtree(out, ignore_errors=True)
            self._board[lang] = (self.engine.position, self.etag, files)
            return self.etag, files

    def matter_positions(self, after: int) -> list[tuple[int, str | None]]:
        """(position, matter) of each record after ``after``: which matter moved."""
        with self.lock:
            self._sync()
            state = self.engine.state
            out = []
            for stored in self.records:
                if stored.position <= after:
                    continue
                out.append((stored.position, matter_of(stored.event, state)))
            return out

    def person_name(self, person: str) -> str:
        # Without the lock, as ``name``: one key's ``get`` is atomic.
        found = self.engine.state.people.get(person)
        return mask_text(found.name) if found else person


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
