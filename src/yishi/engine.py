"""The application: load → decide → append → notify. Owns the clock.

The engine is the only place that combines the domain, the rule sets, the
store and the plugins (told after each commit by ``yishi.notify``). It keeps a
folded state and catches up with the store before every decision, so several processes can share one log: a conflict at
append time (another process moved a stream on, or recorded the same ballot)
makes it read again and decide again, and the domain then refuses what has
become wrong. Plugins are told only after the events are durably appended;
a plugin that fails is recorded in the store and can be retried, it never
blocks or rolls back an append.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import itertools
import json
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from yishi import secret_ballots
from yishi.clock import Clock
from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain import handoff
from yishi.domain.decide import decide
from yishi.domain.errors import Refusal
from yishi.domain.groups import for_state
from yishi.domain.rules import RuleSet
from yishi.domain.state import State, evolve
from yishi.gc_pause import collector_paused
from yishi.group_commit import GroupCommit, Request
from yishi.notify import QUARANTINE_AFTER, Notifier
from yishi.store.base import (
    CommandRecorded,
    ConcurrencyError,
    DuplicateFact,
    EventStore,
    Head,
    HookFailure,
    KeyReused,
    StoredEvent,
    UnencodableEvent,
)
from yishi.store.chain import GENESIS

if TYPE_CHECKING:
    from yishi.plugins.host import PluginHost

# Each retry follows a real change by another writer, so a handful suffices;
# more would only hide a livelock.
RETRIES = 8
# A catch-up that folds this many events also moves what it built out of the
# cyclic garbage collector's sight (gc.freeze): the folded state is long-lived,
# and scanning its millions of objects again on every later collection is what
# made commands pause after opening a large log.
FREEZE_AFTER = 50_000
# Seconds a caller refused with "busy" should wait before sending the same
# command again (docs/python-api.md): long enough for the writers ahead to commit.
BUSY_RETRY_AFTER = 1
# How many of the records last folded the engine keeps: a reader that follows
# the log (the web service's list of records) takes what was just committed from
# memory instead of reading it back from the store, a tenth of a web write's time.
RECENT = 4096


class Engine:
    def __init__(
        self,
        store: EventStore,
        rulesets: Mapping[str, RuleSet] | RuleSet,
        *,
        default: str | None = None,
        plugins: PluginHost | None = None,
        clock: Clock | None = None,
        progress: Callable[[int], None] | None = None,
        routes: Mapping[str, str] | None = None,
        recent: int | None = RECENT,
    ) -> None:
        """``recent``: how many of the last records folded to keep for
        ``records_after``; None keeps every one, for a caller that keeps them all
        anyway, so that opening the log reads it once."""
        if isinstance(rulesets, RuleSet):
            rulesets = {rulesets.id: rulesets}
        if not rulesets:
            raise ValueError("an engine needs at least one rule set")
        self.declared = dict(rulesets)
        self.default = default if default is not None else next(iter(self.declared))
        if self.default not in self.declared:
            raise KeyError(self.default)
        # The community's 小微权力清单 routing: matter type -> procedure (domain/handoff.py).
        self.routes = dict(routes or {})
        for matter_type, procedure in self.routes.items():
            if procedure not in self.declared:
                raise KeyError(f"{matter_type} -> {procedure}")
        self.store = store
        self.plugins = plugins
        self.clock = clock
        self.state = State()
        self.position = 0  # the last record folded into ``state``
        self.head_hash = GENESIS  # its hash
        self.versions: dict[str, int] = {}  # stream -> version folded
        # The last records folded, in order, ending at ``position``; only durable
        # ones are ever handed out (see ``records_after``).
        self.recent: deque[StoredEvent] = deque(maxlen=recent)
        self.hooks = Notifier(self)
        # Guards the folded state: the writer of a batch holds it while deciding,
        # and ``catch_up`` while folding, so threads sharing the engine never see
        # a half-folded state.
        self.lock = threading.RLock()
        # A store with a write transaction of its own (both built-in stores) gets
        # group commit; any other store, one ``append`` per command.
        self._group = GroupCommit(self) if hasattr(store, "begin_write") else None
        # Without a group, writers take turns here, from deciding to the last
        # plugin told, and hold ``lock`` only up to the fold (see ``_alone``).
        self._turn = threading.Lock()
        self._untold: list[list[StoredEvent]] = []  # appended, plugins not told yet
        self._reread = False  # after a failed commit: fold the log afresh before deciding
        self._telling = False  # plugins are being told of the last commit
        self.catch_up(progress)

    def __getstate__(self) -> dict[str, Any]:
        # Copyable (tests fork a village with copy.deepcopy); locks are not.
        state = self.__dict__.copy()
        del state["lock"], state["_group"], state["_turn"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.lock = threading.RLock()
        self._turn = threading.Lock()
        self._group = GroupCommit(self) if hasattr(self.store, "begin_write") else None

    # -- reading -----------------------------------------------------------

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Fold what other writers appended since we last looked; returns how many.
        ``progress`` is told how many so far, every 4,096 events. While plugins
        are told of this engine's last commit, it folds nothing and returns 0."""
        # The collector waits too: what a catch-up folds is the long-lived state,
        # and scanning it while it grows was 3-6 % of opening a log (bench/README.md).
        with self.lock, collector_paused():
            if self._telling:  # plugins are reading this state: fold after them
                return 0
            folded = self._read_afresh(progress) if self._reread else self._catch_up(progress)
        if folded >= FREEZE_AFTER:
            gc.collect()
            gc.freeze()
        return folded

    def _catch_up(self, progress: Callable[[int], None] | None = None, keeping: bool = True) -> int:
        # ``_fold`` written out: a replay of a million events otherwise spends
        # a tenth of its time on the call and on writing the head per event.
        state, versions, recent = self.state, self.versions, self.recent.append
        # Only a short catch-up is kept for ``records_after``: records held past
        # their fold outlive the collector's youngest generation, and keeping every
        # one of a replay made it a sixth slower (6.4 -> 7.4-8.6 µs an event).
        maxlen = self.recent.maxlen
        keep = (maxlen if maxlen is not None else float("inf")) if keeping else 0
        folded = 0
        last: StoredEvent | None = None
        balloted: set[str] = set()  # meetings whose secret ballot box grew elsewhere
        try:
            for stored in self.store.read_all(self.position):
                evolve(state, stored.event)
                versions[stored.stream] = stored.version
                if folded < keep:
                    recent(stored)
                last = stored
                folded += 1
                if progress is not None and not folded & 0xFFF:
                    progress(folded)
                if type(stored.event) is ev.BallotReceived:
                    balloted.add(stored.event.meeting)
        finally:
            if last is not None:  # up to the last event folded, even if one fails
                self.position = last.position
                self.head_hash = last.hash
            if folded > keep:  # what is kept no longer ends at the head: read the store
                self.recent.clear()
            if balloted:
                secret_ballots.refresh(state, self.store, balloted)
        return folded

    def _fold(self, stored: StoredEvent) -> None:
        evolve(self.state, stored.event)
        self.position = stored.position
        self.head_hash = stored.hash
        self.versions[stored.stream] = stored.version
        self.recent.append(stored)

    @property
    def stale(self) -> bool:
        """Whether the state may hold what a failed commit did not keep, because the
        log could not be read again after it; :meth:`catch_up` reads it afresh."""
        return self._reread

    def records_after(self, position: int) -> list[StoredEvent] | None:
        """The records after ``position``, up to the engine's own, if it still holds
        them all in memory; None when they must be read from the store."""
        with self.lock:
            recent, head = self.recent, self.position
            if self._reread:  # the state may hold a batch whose commit failed
                return None
            if position >= head:
                return []
            if not recent or recent[0].position > position + 1:
                return None
            # From the newest end: islice from the front would walk the whole buffer.
            return list(itertools.islice(reversed(recent), head - position))[::-1]

    def now(self) -> dt.datetime:
        if self.clock is None:
            raise RuntimeError("this engine has no clock: pass `now` or give it a clock")
        return self.clock.now()

    @property
    def rulesets(self) -> dict[str, RuleSet]:
        """The rule sets, with any 村民小组 bodies named after the community's groups."""
        if not self.state.groups:
            return self.declared
        # Asked for on every command: rebuilt only when the groups change.
        key = tuple((g.id, g.name) for g in self.state.groups.values())
        cached = self.__dict__.get("_named")
        if cached is None or cached[0] != key:
            cached = (key, {k: for_state(rs, self.state) for k, rs in self.declared.items()})
            self.__dict__["_named"] = cached
        named: dict[str, RuleSet] = cached[1]
        return named

    @property
    def catalog(self) -> Any:
        """The vote methods and stage kinds of the loaded plugins (None without a
        plugin host); the same as a hook's read-only view offers."""
        return self.plugins.catalog if self.plugins is not None else None

    def ruleset_for(self, command: cmd.Command) -> RuleSet:
        if (
            isinstance(command, cmd.DeclineSuggestion)
            and command.suggestion in self.state.suggestions
        ):
            return self.rulesets[self.state.suggestions[command.suggestion].procedure]
        if isinstance(command, cmd.ProposeMatter) and len(self.rulesets) > 1:
            # The routes as last recorded in the log (ProceduresRecorded), so a
            # change made through another engine on the same log routes here too.
            recorded = self.state.procedures
            routes = self.state.routes if recorded else self.routes
            default = recorded[0] if recorded and recorded[0] in self.rulesets else self.default
            procedure = handoff.route(self.rulesets, routes, default, command.matter_type)
            return self.rulesets[procedure]
        matter_id = self._matter_of(command)
        if matter_id is not None:
            matter = self.state.matters.get(matter_id)
            if matter is not None:
                return self.rulesets[matter.procedure]
        return self.rulesets[self.default]

    def _matter_of(self, command: cmd.Command) -> str | None:
        s = self.state
        if hasattr(command, "meeting") and command.meeting in s.meetings:
            return s.meetings[command.meeting].matter
        if hasattr(command, "disclosure") and command.disclosure in s.disclosures:
            return s.disclosures[command.disclosure].matter
        if isinstance(command, cmd.AnswerObjection) and command.objection in s.objections:
            return s.disclosures[s.objections[command.objection].disclosure].matter
        if isinstance(command, cmd.MergeSuggestions | cmd.ProposeMatter):
            return None
        return getattr(command, "matter", None)

    # -- writing -----------------------------------------------------------

    def execute(
        self, command: cmd.Command, now: dt.datetime | None = None, *, key: str | None = None
    ) -> list[ev.Event]:
        """Decide and append. A refusal raises :class:`Refusal` and writes nothing.

        ``key`` is an idempotency key: a retried request with the same key (a
        phone that lost its connection) is recorded once and gets the first
        answer back."""
        self._not_from_a_hook()
        if isinstance(command, cmd.Tick):
            return self.tick(now)
        at = now if now is not None else self.now()
        if self._group is not None:
            # The fingerprint reads the state: the writer works it out, under the lock.
            return self._group.submit(Request(command, at, key))
        with self._alone():  # no group to queue in: threads take turns
            return self._execute_alone(command, at, key)

    @contextlib.contextmanager
    def _alone(self) -> Iterator[None]:
        """One writer's turn without group commit: ``lock`` while it decides,
        appends and folds, then plugins told of what it appended, in log order,
        without ``lock``, as the group's writer tells them (pages do not wait for
        a slow webhook; the next writer does, so a plugin reads the state as its
        commit left it)."""
        with self._turn:
            try:
                with self.lock:
                    try:
                        yield
                    finally:  # what was appended is told, whatever came after
                        self._telling = bool(self._untold)
            finally:
                untold, self._untold = self._untold, []
                try:
                    for stored in untold:
                        self._after_commit(stored)
                finally:
                    self._telling = False

    def _execute_alone(
        self, command: cmd.Command, at: dt.datetime, key: str | None
    ) -> list[ev.Event]:
        """One command, decided and appended on its own (a store without a write
        transaction of its own); the caller holds the lock."""
        fingerprint = self._fingerprint(command) if key is not None else ""
        if key is not None:
            earlier = self._earlier(key, fingerprint)
            if earlier is not None:
                return earlier
        # A store that can refuse an append made on an out-of-date log (``after``)
        # lets the first attempt skip the read before deciding: one round trip to
        # the database instead of two while nobody else writes to the log.
        trusting = getattr(self.store, "checks_head", False)
        for _ in range(RETRIES):
            if not trusting:
                self.catch_up()
            try:
                events = self._decide(command, self.ruleset_for(command), at)
            except Refusal:
                if trusting and self.catch_up():  # refused on an old state: look again
                    trusting = False
                    continue
                # A copy of this very request (same key) may have been committed by
                # another process since we looked: then its receipt is the answer.
                earlier = self._earlier(key, fingerprint) if key is not None else None
                if earlier is not None:
                    return earlier
                raise
            try:
                stored = self._append(events, key, fingerprint, self.position if trusting else None)
            except ConcurrencyError:
                trusting = False
                continue  # someone else wrote first: read what they wrote, decide again
            except DuplicateFact as duplicate:
                if self.catch_up():
                    continue  # the other ballot is new to us: decide again, now knowing it
                raise Refusal("already_recorded", key=duplicate.key) from None
            except CommandRecorded as recorded:
                self.catch_up()
                return [s.event for s in recorded.events]
            except KeyReused:
                raise Refusal("idempotency_key_reused", key=key) from None
            except UnencodableEvent as exc:
                raise Refusal("unrecordable", event=exc.event_type, detail=exc.detail) from None
            return [s.event for s in stored]
        raise Refusal("busy", attempts=RETRIES, retry_after=BUSY_RETRY_AFTER)

    def _decide(self, command: cmd.Command, ruleset: RuleSet, at: dt.datetime) -> list[ev.Event]:
        """``decide``, with any hand-off checked against the procedures this engine holds."""
        return handoff.resolve(decide(self.state, command, ruleset, at), self.rulesets)

    def _fingerprint(self, command: cmd.Command) -> str:
        meeting = getattr(command, "meeting", None)
        if meeting is not None and meeting not in self.state.meetings:
            self.catch_up()  # convened by another process: its method decides
        secret = secret_ballots.is_secret_ballot(self.state, self.ruleset_for(command), command)
        return _fingerprint(command, secret)

    def _not_from_a_hook(self) -> None:
        """Plugins are told about appends; they do not make them (a hook that
        wrote would run inside another append's notification, out of order).
        Nor may a thread that holds the state's lock (a reader) write: the
        writer before it, another thread, would wait for that lock while this
        thread waited for the writer's turn to end."""
        if self.hooks.thread == threading.get_ident():
            raise RuntimeError("an after-commit hook may not write to the log")
        if self.holds_lock():
            raise RuntimeError("execute() was called while holding engine.lock; release it first")

    def holds_lock(self) -> bool:
        """Whether this thread holds :attr:`lock`; False where that cannot be told."""
        owned = getattr(self.lock, "_is_owned", None)  # RLock's own, not public
        return bool(owned()) if owned is not None else False

    def _earlier(self, key: str, fingerprint: str) -> list[ev.Event] | None:
        found = self.store.recorded(key)
        if found is None:
            return None
        if found[0] != fingerprint:
            raise Refusal("idempotency_key_reused", key=key)
        self.catch_up()
        return [s.event for s in found[1]]

    def tick(self, now: dt.datetime | None = None) -> list[ev.Event]:
        """Process what fell due by ``now``: disclosure periods ending, objections
        left unanswered past their limit, notice periods completing."""
        self._not_from_a_hook()
        at = now if now is not None else self.now()
        done: list[ev.Event] = []
        if self._group is not None:
            for ruleset in self.rulesets.values():
                done += self._group.submit(Request(cmd.Tick(actor="system"), at, ruleset=ruleset))
            return done
        with self._alone():
            for ruleset in self.rulesets.values():
                done += self._tick_alone(ruleset, at)
        return done

    def _tick_alone(self, ruleset: RuleSet, at: dt.datetime) -> list[ev.Event]:
        for _ in range(RETRIES):
            self.catch_up()
            events = self._decide(cmd.Tick(actor="system"), ruleset, at)
            try:
                self._append(events, None, "")
            except (ConcurrencyError, DuplicateFact):
                continue
            return events
        raise Refusal("busy", attempts=RETRIES, retry_after=BUSY_RETRY_AFTER)

    def _append(
        self, events: list[ev.Event], key: str | None, fingerprint: str, after: int | None = None
    ) -> list[StoredEvent]:
        if not events:
            return []
        parts = secret_ballots.split(events, self.store)
        batch = self._numbered(self._stamp(parts.log))
        box: dict[str, Any] = parts.box_args()
        if after is not None:
            box["after"] = after
        stored = self.store.append(batch, command=key, fingerprint=fingerprint, **box)
        if stored[0].position != self.position + 1:
            # Another writer appended to other streams in between: fold theirs first
            # (the catch-up reads the ballot boxes again, ours included).
            self.catch_up()
        else:
            for item in stored:
                self._fold(item)
            for sealed in parts.sealed:  # into the box, never next to the register
                evolve(self.state, sealed)
        self._untold.append(stored)  # told once the lock is let go (``_alone``)
        return stored

    def _numbered(self, events: list[ev.Event]) -> list[tuple[str, int, ev.Event]]:
        """Each event with the version its stream is at before it, as stores take them."""
        versions: dict[str, int] = {}
        numbered = []
        for event in events:
            stream = event.stream
            expected = versions.get(stream, self.versions.get(stream, 0))
            numbered.append((stream, expected, event))
            versions[stream] = expected + 1
        return numbered

    def _stamp(self, events: list[ev.Event]) -> list[ev.Event]:
        """Record the log's head on every disclosure, so a paper copy can be checked.

        The head is the state the disclosure was decided on; if others append
        meanwhile it is still a true prefix of the log, so it still verifies."""
        if not any(isinstance(e, ev.DisclosurePublished) for e in events):
            return events
        head = {"size": self.position, "head": self.head_hash}
        return [
            attrs.evolve(e, checkpoint=head) if isinstance(e, ev.DisclosurePublished) else e
            for e in events
        ]

    # -- group commit (yishi.group_commit) ------------------------------------

    def _commit_batch(self, batch: list[Request]) -> None:
        """Decide, write and commit ``batch`` in one transaction.

        Called by one thread at a time (the group's writer). Every request gets
        its answer; a failure of the transaction itself is every request's answer.
        Plugins are told afterwards (:meth:`_tell`), by the same writer."""
        with self.lock, collector_paused():
            self._write_batch(self.store, batch)
            self._telling = any(request.stored for request in batch)

    def _tell(self, batch: list[Request]) -> None:
        """Tell plugins what ``batch`` committed, in log order, without the lock.

        The group's writer does this once the batch is answered and before the
        next batch is decided, so nothing of this process folds meanwhile, and
        :meth:`catch_up` leaves other processes' records for later: a plugin
        reads the state as its commit left it. Pages and the batch's other clients
        do not wait for a slow webhook; the writer's own caller does."""
        try:
            for request in batch:
                if request.stored:
                    self._after_commit(request.stored)
        finally:
            self._telling = False

    def _write_batch(self, store: Any, batch: list[Request]) -> None:
        try:
            changed = store.begin_write()
        except BaseException as exc:  # no transaction was opened
            for request in batch:
                request.error = exc
            raise
        try:
            if self._reread:
                self._read_afresh()
            elif changed:
                self._catch_up()
            receipts: dict[str, Request] = {}
            for request in batch:
                self._decide_and_write(store, request, receipts)
        except BaseException as exc:
            store.rollback_write()
            self._fail(batch, exc)
            raise
        try:
            store.commit_write()
        except BaseException as exc:
            self._fail(batch, exc)
            raise

    def _fail(self, batch: list[Request], exc: BaseException) -> None:
        for request in batch:
            request.error, request.events, request.stored = exc, None, []
        # The state holds the batch's events, durable or not (a failed COMMIT may
        # or may not have reached the disk). Read the log afresh now, under the
        # lock, so no reader sees them: a view cached at this position would
        # otherwise outlive them. If the log cannot be read now either, the
        # next read or write tries again.
        with contextlib.suppress(Exception):  # the batch's own failure is the answer
            self._read_afresh()

    def _read_afresh(self, progress: Callable[[int], None] | None = None) -> int:
        """Forget the folded state and fold the whole log again. What it reads is
        not kept for ``records_after``: whoever follows the log holds those records
        already (a second copy of every one, with ``recent=None``), or reads them."""
        self._reread = True  # until the whole log is folded: it may fail part-way
        self.state, self.position, self.head_hash = State(), 0, GENESIS
        self.versions = {}
        self.recent.clear()
        folded = self._catch_up(progress, keeping=False)
        self._reread = False
        return folded

    def _decide_and_write(self, store: Any, request: Request, receipts: dict[str, Request]) -> None:
        key = request.key
        if key is not None and not request.fingerprint:
            try:
                request.fingerprint = self._fingerprint(request.command)
            except Exception as exc:  # as a failure in deciding: nothing was changed
                request.error = exc
                return
        fingerprint = request.fingerprint
        if key is not None:
            earlier = receipts.get(key)
            found = (earlier.fingerprint, earlier.events) if earlier is not None else None
            if found is None and (recorded := store.recorded(key)) is not None:
                found = (recorded[0], [s.event for s in recorded[1]])
            if found is not None:
                if found[0] != fingerprint:
                    request.error = Refusal("idempotency_key_reused", key=key)
                else:
                    request.events = found[1]
                return
        try:
            ruleset = request.ruleset or self.ruleset_for(request.command)
            events = self._decide(request.command, ruleset, request.at)
        except Exception as exc:  # a refusal (or a bug) in deciding: nothing was changed
            request.error = exc
            return
        if not events:
            request.events = []
            return
        try:  # a secret ballot's choice goes to the box, its register entry to the log
            parts = secret_ballots.split(events, store)
        except Refusal as refusal:
            request.error = refusal
            return
        events = self._stamp(parts.log)
        items = self._numbered(events)
        known = self.versions.get
        try:
            stored = store.write(
                items,
                Head(self.position, self.head_hash),
                lambda s: known(s, 0),
                key,
                fingerprint,
                **parts.box_args(),
            )
        except DuplicateFact as duplicate:  # the domain let a repeat through; the key did not
            request.error = Refusal("already_recorded", key=duplicate.key)
            return
        except UnencodableEvent as exc:  # refused before anything of it was inserted
            request.error = Refusal("unrecordable", event=exc.event_type, detail=exc.detail)
            return
        state, folded, recent = self.state, self.versions, self.recent.append
        for item in stored:  # ``_fold`` inlined: a bulk command folds thousands
            evolve(state, item.event)
            folded[item.stream] = item.version
            recent(item)
        self.position, self.head_hash = stored[-1].position, stored[-1].hash
        for sealed in parts.sealed:  # into the box, never next to the register
            evolve(state, sealed)
        request.events, request.stored = events, stored
        if key is not None:
            receipts[key] = request

    # -- after commit (yishi.notify) ------------------------------------------

    def _after_commit(self, stored: list[StoredEvent]) -> None:
        self.hooks.after_commit(stored)

    def retry_hooks(self) -> list[HookFailure]:
        """Call each recorded failed hook again for its events; returns those still failing."""
        return self.hooks.retry()


def _fingerprint(command: cmd.Command, secret: bool = False) -> str:
    """What makes two requests 'the same command' for an idempotency key."""
    data = {"type": type(command).__name__, **secret_ballots.fingerprint_data(command, secret)}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


__all__ = ["QUARANTINE_AFTER", "Engine", "Refusal"]
