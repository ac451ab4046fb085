"""The web service shares commits between concurrent requests (group commit), and
its pages read a matter's records from the log, never what a failed commit left
behind in the state. Timing is forced with a gate on the commit, never measured."""

from __future__ import annotations

import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import workloads as w
from tests.test_group_commit import (
    AT,
    MATTER,
    MEETING,
    MEMBERS,
    Gate,
    WithoutGroup,
    fail_first_commit,
    unreadable_once,
    vote,
)
from yishi.clock import FixedClock
from yishi.domain.errors import Refusal
from yishi.domain.events import matter_stream
from yishi.domain.state import replay
from yishi.engine import Engine
from yishi.store.memory import MemoryStore
from yishi.store.sqlite import SQLiteStore
from yishi.web import service as service_module
from yishi.web.config import Community
from yishi.web.service import Service


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = ready_to_vote(Engine(SQLiteStore(tmp_path / "yishi.db"), w.ruleset()))
    yield engine
    engine.store.close()


def ready_to_vote(engine: Engine) -> Engine:
    """``engine``'s community set up, and its meeting open with every member present."""
    w.set_up(engine, members=MEMBERS)
    w.open_meeting(engine, MATTER, MEETING, w.DAY, [w.member(i) for i in range(MEMBERS)])
    return engine


def log_ready_to_vote(db: Path) -> Path:
    """A log at ``db`` as ``ready_to_vote`` leaves it, its writer closed."""
    ready_to_vote(Engine(SQLiteStore(db), w.ruleset())).store.close()
    return db


def service_of(engine: Engine) -> Service:
    engine.clock = FixedClock(AT)
    service = Service(Community(slug="main", engine=engine))
    service.refresh()
    return service


def lock_held_at_reads(service: Service) -> list[bool]:
    """Whether the service's lock was held at each read of the log from now on."""
    held: list[bool] = []
    between = service.log.between

    def watched(after: int, upto: int) -> Any:
        held.append(service.lock._is_owned())
        return between(after, upto)

    service.log.between = watched  # type: ignore[method-assign]
    return held


def stored(engine: Engine) -> list[tuple[int, str]]:
    return [(s.position, s.hash) for s in engine.store.read_all()]


def stored_of_matter(engine: Engine) -> list[tuple[int, str]]:
    return [(s.position, s.hash) for s in engine.store.read_stream(matter_stream(MATTER))]


def shown(service: Service) -> list[tuple[int, str]]:
    """The matter's records as the service's pages read them (under its lock)."""
    with service.lock:
        return [(s.position, s.hash) for s in service.matter_records(MATTER)]


def wait_for(condition: Any, seconds: float = 10.0) -> bool:
    done = threading.Event()
    for _ in range(int(seconds * 100)):
        if condition():
            return True
        done.wait(0.01)
    return False


def test_requests_that_arrive_during_a_commit_share_the_next_one(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = service_of(engine)
    gate = Gate(engine.store, monkeypatch)
    group = engine._group
    assert group is not None
    batches = group.batches
    answers: list[Any] = [None] * 7

    def request(index: int) -> None:
        try:
            answers[index] = service.execute(vote(index))
        except Refusal as refusal:  # pragma: no cover - reported below
            answers[index] = refusal

    threads = [threading.Thread(target=request, args=(0,))]
    threads[0].start()
    assert gate.entered.wait(30)  # the first request is committing
    threads += [threading.Thread(target=request, args=(i,)) for i in range(1, 7)]
    for thread in threads[1:]:
        thread.start()
    # A lock taken around execute would keep all six out of the queue.
    queued = wait_for(lambda: len(group._queue) == 6)
    gate.opened.set()
    for thread in threads:
        thread.join(30)
    assert queued, "requests waited for each other instead of queueing for one commit"
    assert group.batches == batches + 2
    assert all(isinstance(a, list) and a for a in answers)
    assert set(engine.state.meetings[MEETING].ballots) == {w.member(i) for i in range(7)}
    assert shown(service) == stored_of_matter(engine)


def test_a_reader_waits_for_the_commit_and_sees_its_whole_batch(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = service_of(engine)
    gate = Gate(engine.store, monkeypatch)
    writer = threading.Thread(target=lambda: service.execute(vote(0)))
    writer.start()
    assert gate.entered.wait(30)
    seen: list[int] = []
    reader = threading.Thread(
        target=lambda: seen.append(
            service.read(lambda s: len(s.engine.state.meetings[MEETING].ballots))
        )
    )
    reader.start()
    reader.join(0.3)
    assert reader.is_alive()  # the state is being written: the reader waits
    gate.opened.set()
    writer.join(30)
    reader.join(30)
    assert seen == [1]


def test_executing_while_holding_the_state_lock_is_refused_not_a_deadlock(
    engine: Engine,
) -> None:
    with engine.lock, pytest.raises(RuntimeError, match=r"engine\.lock"):
        engine.execute(vote(0), AT)
    assert engine.execute(vote(0), AT)  # released: it goes through


def stream_reads(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The streams read from the store, one by one, from now on."""
    reads: list[str] = []
    read_stream = engine.store.read_stream

    def counted(stream: str) -> Any:
        reads.append(stream)
        return read_stream(stream)

    monkeypatch.setattr(engine.store, "read_stream", counted)
    return reads


def test_a_matters_records_are_read_once_until_its_stream_moves(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = service_of(engine)
    reads = stream_reads(engine, monkeypatch)
    first = shown(service)
    assert shown(service) == first and reads == [matter_stream(MATTER)]  # kept
    service.execute(vote(0))
    now = shown(service)
    assert len(reads) == 1  # moved: its new record is taken from those the engine holds
    assert now == stored_of_matter(engine) == [*first, (engine.position, ANY)]


def test_a_matter_moved_past_what_the_engine_holds_is_read_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = service_of(engine)
    reads = stream_reads(engine, monkeypatch)
    shown(service)
    engine.recent = deque(maxlen=1)  # as after a long catch-up: the first vote is gone
    service.execute(vote(0))
    service.execute(vote(1))
    assert engine.records_after(engine.position - 2) is None
    now = shown(service)
    assert len(reads) == 2
    assert now == stored_of_matter(engine)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    keep=st.integers(min_value=1, max_value=6),
    # who votes, through which engine (ours or another on the same file), and
    # whether a page asks for the matter's records after it
    turns=st.lists(
        st.tuples(st.integers(min_value=0, max_value=MEMBERS - 1), st.booleans(), st.booleans()),
        min_size=1,
        max_size=12,
    ),
)
def test_a_matters_records_are_the_stores_whatever_came_between_two_looks(
    tmp_path_factory: pytest.TempPathFactory, keep: int, turns: list[tuple[int, bool, bool]]
) -> None:
    """Kept records grow by what the engine holds, or are read again: either
    way, a page gets the matter's stream as the store holds it up to the state."""
    db = tmp_path_factory.mktemp("grow") / "yishi.db"
    engine = ready_to_vote(Engine(SQLiteStore(db), w.ruleset()))
    other = Engine(SQLiteStore(db), w.ruleset())
    try:
        service = service_of(engine)
        engine.recent = deque(engine.recent, maxlen=keep)
        shown(service)
        for voter, ours, look in turns:
            try:
                if ours:
                    service.execute(vote(voter))
                else:
                    other.execute(vote(voter), AT)
            except Refusal:  # a second ballot of the same member
                pass
            if look:
                with service.lock:
                    version = engine.versions[matter_stream(MATTER)]
                    got = [(s.position, s.hash) for s in service.matter_records(MATTER)]
                assert got == stored_of_matter(engine)[:version]
                service.refresh()
        service.refresh()
        assert shown(service) == stored_of_matter(engine)
    finally:
        engine.store.close()
        other.store.close()


def test_a_matters_records_stop_at_the_state_another_process_has_not_been_read_to(
    tmp_path: Path,
) -> None:
    """Another process's ballot is in the store before this engine has folded it:
    the page drawn from the state does not list it yet."""
    db = log_ready_to_vote(tmp_path / "yishi.db")
    engine = Engine(SQLiteStore(db), w.ruleset())
    other = Engine(SQLiteStore(db), w.ruleset())
    service = service_of(engine)
    before = shown(service)
    other.execute(vote(0), AT)
    assert len(stored_of_matter(engine)) == len(before) + 1
    with service.lock:  # inside the freshness window: not caught up yet
        assert [(s.position, s.hash) for s in service.matter_records(MATTER)] == before
    service.refresh()
    assert shown(service) == stored_of_matter(engine)
    engine.store.close()
    other.store.close()


def test_the_matters_kept_are_bounded_and_the_last_read_stays(engine: Engine) -> None:
    from yishi.web.records import LogRecords

    log = LogRecords(engine, keep=3)
    with engine.lock:
        whole = log.of_matter(MATTER)
        assert len(whole) > 3  # alone, kept although over the bound
        assert log._count == len(whole)
        assert log.of_matter("no-such-matter") == []
        assert list(log._kept) == [MATTER]


def vote_lost_to_a_full_disk(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, unreadable: bool = False
) -> Service:
    """A service whose first ballot's commit failed (and, if ``unreadable``, whose
    log could not be read again right after)."""
    service = service_of(engine)
    fail_first_commit(engine.store, monkeypatch)
    if unreadable:
        unreadable_once(engine.store, monkeypatch)
    with pytest.raises(sqlite3.OperationalError):
        service.execute(vote(0))
    return service


def test_a_failed_commit_never_reaches_a_matters_records(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = service_of(engine)
    before = shown(service)  # kept before the failure
    fail_first_commit(engine.store, monkeypatch)
    with pytest.raises(sqlite3.OperationalError):
        service.execute(vote(0))
    assert shown(service) == before == stored_of_matter(engine)
    service.execute(vote(0, "no"))  # the lost ballot's version, now durable
    assert shown(service) == stored_of_matter(engine)
    assert len(shown(service)) == len(before) + 1
    assert engine.state.meetings[MEETING].ballots == {w.member(0): "no"}


def test_a_matters_records_are_not_kept_while_the_state_knows_more_than_the_log(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state that may hold a lost batch (its log could not be read again) names
    versions the log lacks: what is read then is handed out, never kept."""
    service = service_of(engine)
    with service.lock:
        engine.versions[matter_stream(MATTER)] += 1  # as a lost ballot left it
        read = service.matter_records(MATTER)
        assert [(s.position, s.hash) for s in read] == stored_of_matter(engine)
        assert MATTER not in service.log._kept
        engine.versions[matter_stream(MATTER)] -= 1


def ballots_view(service: Service) -> dict[str, str]:
    return service.cached("ballots", lambda s: dict(s.engine.state.meetings[MEETING].ballots))


def test_a_view_never_shows_a_ballot_whose_commit_failed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = vote_lost_to_a_full_disk(engine, monkeypatch)
    assert ballots_view(service) == {}  # inside the freshness window: no store asked
    # the next ballot takes the lost one's position: its view is computed anew
    service.execute(vote(1, "no"))
    assert ballots_view(service) == {w.member(1): "no"}


def test_a_view_after_a_failed_commit_and_an_unreadable_log_reads_the_log_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = vote_lost_to_a_full_disk(engine, monkeypatch, unreadable=True)
    assert service.fresh() and engine.stale
    assert ballots_view(service) == {}
    assert not engine.stale


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    keep=st.integers(min_value=1, max_value=6),
    # who votes, and through which engine: ours (True) or another on the same file
    turns=st.lists(
        st.tuples(st.integers(min_value=0, max_value=MEMBERS - 1), st.booleans()),
        min_size=1,
        max_size=12,
    ),
    asked=st.lists(st.integers(min_value=-3, max_value=12), min_size=1, max_size=6),
)
def test_records_after_is_the_stores_own_or_nothing(
    tmp_path_factory: pytest.TempPathFactory,
    keep: int,
    turns: list[tuple[int, bool]],
    asked: list[int],
) -> None:
    """Whatever the buffer's size, the commands, who wrote them and the positions
    asked about, ``records_after`` answers exactly what the store holds after that
    position, or None (read the store); after its own command, the engine always
    holds that command's records."""
    db = tmp_path_factory.mktemp("recent") / "yishi.db"
    engine = Engine(SQLiteStore(db), w.ruleset())
    other = Engine(SQLiteStore(db), w.ruleset())
    try:
        ready_to_vote(engine)
        engine.recent = deque(engine.recent, maxlen=keep)
        for voter, ours in turns:
            try:
                (engine if ours else other).execute(vote(voter), AT)
            except Refusal:  # a second ballot of the same member
                continue
            if ours:
                assert engine.records_after(engine.position - 1) is not None
        engine.catch_up()  # what the other engine wrote last: a short or a long catch-up
        head = engine.position
        for back in asked:
            position = max(0, head - back)
            found = engine.records_after(position)
            if found is not None:
                expected = [(s.position, s.hash) for s in engine.store.read_all(position)]
                assert [(s.position, s.hash) for s in found] == expected
        assert engine.records_after(head) == []
    finally:
        engine.store.close()
        other.store.close()


def test_a_view_sees_what_the_host_wrote_through_the_engine_at_once(engine: Engine) -> None:
    """Within the freshness window too: the window spares asking the store about
    other processes, not the records of this process's own engine."""
    service = service_of(engine)
    before = service.cached("before", lambda s: len(s.matter_records(MATTER)))
    engine.execute(vote(0), AT)  # a host's own command, not through the service
    assert service.fresh()
    assert service.cached("after", lambda s: len(s.matter_records(MATTER))) == before + 1
    assert service.moved_since(engine.position - 1) == (engine.position, [MATTER])


def test_what_moved_since_long_ago_is_read_from_the_log_without_the_lock(engine: Engine) -> None:
    """A browser that comes back after a day asks from a position the engine no
    longer holds: the log is read without the lock, so votes go on meanwhile."""
    from yishi.web.service import matter_of

    service = service_of(engine)
    engine.recent = deque(maxlen=2)  # as after a long catch-up
    engine.execute(vote(0), AT)
    assert engine.records_after(0) is None
    held = lock_held_at_reads(service)
    expected = {matter_of(s.event, engine.state) for s in engine.store.read_all()} - {None}
    assert service.moved_since(0) == (engine.position, sorted(expected))
    assert held == [False]
    assert service.moved_since(engine.position - 1) == (engine.position, [MATTER])  # held
    assert held == [False]


class OneAtATime(WithoutGroup):
    """A store without group commit whose appends are slowed, so that threads
    meet inside them."""

    def append(self, *args: Any, **kwargs: Any) -> Any:
        threading.Event().wait(0.002)
        return self._store.append(*args, **kwargs)


def test_without_group_commit_the_engine_still_takes_one_command_at_a_time() -> None:
    """The service no longer serialises commands itself; an engine whose store has
    no write transaction of its own must then do it, or two threads fold at once."""
    engine = ready_to_vote(Engine(OneAtATime(MemoryStore()), w.ruleset()))
    assert engine._group is None
    service = service_of(engine)
    failures: list[BaseException] = []

    def request(index: int) -> None:
        try:
            service.execute(vote(index))
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=request, args=(i,)) for i in range(MEMBERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert len(engine.state.meetings[MEETING].ballots) == MEMBERS
    assert engine.state == replay([s.event for s in engine.store.read_all()])
    assert shown(service) == stored_of_matter(engine)


def test_an_engine_told_to_keep_every_record_hands_them_all_out(tmp_path: Path) -> None:
    """``recent=None``: a catch-up longer than any buffer keeps every record, for a
    host that keeps them all anyway."""
    db = log_ready_to_vote(tmp_path / "yishi.db")
    short = Engine(SQLiteStore(db), w.ruleset(), recent=5)
    assert short.records_after(0) is None  # a long catch-up keeps nothing
    short.store.close()
    every = Engine(SQLiteStore(db), w.ruleset(), recent=None)
    assert [(s.position, s.hash) for s in every.records_after(0) or []] == stored(every)
    every.store.close()


def served_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A log for ``yishi serve`` (``app_from_env``) to open, named in its environment."""
    db = tmp_path / "yishi.db"
    writer = Engine(SQLiteStore(db), w.ruleset())
    w.set_up(writer, members=MEMBERS)  # no matter yet: the log names no procedure
    writer.store.close()
    monkeypatch.setenv("YISHI_WEB_DB", str(db))
    monkeypatch.setenv("YISHI_SECRET_KEY", "test")
    monkeypatch.setenv("YISHI_DISABLE_PLUGIN_AUTOLOAD", "1")


def test_yishi_serve_reads_its_log_once_and_keeps_no_copy_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every record kept beside the state cost about 1 KB an event in each worker:
    the engine keeps its short buffer, the service none."""
    from yishi.engine import RECENT
    from yishi.store import sqlite as sqlite_store

    served_log(tmp_path, monkeypatch)
    reads: list[int] = []
    read_all = sqlite_store.SQLiteStore.read_all

    def counted(self: Any, after: int = 0) -> Any:
        reads.append(after)
        return read_all(self, after)

    monkeypatch.setattr(sqlite_store.SQLiteStore, "read_all", counted)
    from yishi.web.serve import app_from_env

    service = app_from_env().state.web.services["main"]
    assert service.engine.recent.maxlen == RECENT
    assert reads.count(0) == 1  # opened once; after that, only "anything new?"
    assert not hasattr(service, "records")
    service.engine.store.close()


@pytest.mark.parametrize(("workers", "bar"), [(None, True), ("1", True), ("2", False)])
def test_yishi_serve_shows_the_logs_reading_when_it_runs_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str | None, bar: bool
) -> None:
    """One worker draws the bar on the terminal; several would draw over each other."""
    import yishi.web.serve as serve
    from yishi.progress import Progress

    told: list[Any] = []
    real = serve.open_engine

    def watched(*a: Any, **kw: Any) -> Engine:
        told.append(kw.get("progress"))
        return real(*a, **kw)

    monkeypatch.setattr(serve, "open_engine", watched)
    served_log(tmp_path, monkeypatch)
    if workers is None:
        monkeypatch.delenv("YISHI_WEB_WORKERS", raising=False)
    else:
        monkeypatch.setenv("YISHI_WEB_WORKERS", workers)
    serve.app_from_env().state.web.services["main"].engine.store.close()
    assert [isinstance(p, Progress) for p in told] == [bar]


def test_the_collector_waits_while_a_log_is_caught_up(tmp_path: Path) -> None:
    import gc

    db = log_ready_to_vote(tmp_path / "yishi.db")
    store = SQLiteStore(db)
    seen: list[bool] = []
    read_all = store.read_all

    def watched(after: int = 0) -> Any:
        for stored_event in read_all(after):
            seen.append(gc.isenabled())
            yield stored_event

    store.read_all = watched  # type: ignore[method-assign]
    assert gc.isenabled()
    Engine(store, w.ruleset())
    assert seen and not any(seen)
    assert gc.isenabled()
    store.close()


def test_reading_the_log_afresh_keeps_no_second_copy_of_the_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An engine that keeps every record (``recent=None``) reads the log again after
    a failed commit; those copies would sit beside the ones its host keeps."""
    engine = Engine(SQLiteStore(log_ready_to_vote(tmp_path / "yishi.db")), w.ruleset(), recent=None)
    assert len(engine.recent) == engine.position
    service = vote_lost_to_a_full_disk(engine, monkeypatch)
    assert len(engine.recent) == 0
    service.execute(vote(1))
    assert shown(service) == stored_of_matter(engine)
    engine.store.close()


def test_the_stats_read_the_log_without_the_state_lock(engine: Engine) -> None:
    """The stats read the whole log: under the lock, every writer would wait for it."""
    import datetime as dt

    from yishi.stats import Span, compute
    from yishi.web.stats import document

    service = service_of(engine)
    held = lock_held_at_reads(service)
    span = Span(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    figures = document(service, span)
    assert held == [False]
    assert figures == compute((s.event for s in engine.store.read_all()), engine.rulesets, span)
    assert document(service, span) is figures and held == [False]  # kept for the position


@pytest.mark.parametrize("unreadable", [False, True], ids=["read_again", "stale"])
def test_a_board_drawn_in_parts_never_shows_a_ballot_whose_commit_failed_meanwhile(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, unreadable: bool
) -> None:
    """A ballot is lost to a full disk while the board reads its records without
    the lock. Its matter did not move in the log, but the state held the ballot
    for a while (all along, if the log could not be read again): the board is
    drawn whole again, from the state read afresh."""
    monkeypatch.setattr(service_module, "PART", 1)
    service = service_of(engine)
    read, lost = service.log.read, []

    def read_as_a_ballot_is_lost(matter: str) -> Any:
        if not lost:
            fail_first_commit(engine.store, monkeypatch)
            if unreadable:
                unreadable_once(engine.store, monkeypatch)

            def vote_lost() -> None:
                try:
                    service.execute(vote(0))
                except sqlite3.OperationalError:
                    lost.append(engine.stale)

            voter = threading.Thread(target=vote_lost)
            voter.start()
            voter.join(5)
            assert lost == [unreadable]
        return read(matter)

    monkeypatch.setattr(service.log, "read", read_as_a_ballot_is_lost)
    _, files = service.board("zh")
    assert lost and not engine.stale
    assert engine.state.meetings[MEETING].ballots == {}
    fresh = Service(Community(slug="main", engine=engine))
    with fresh.lock:
        assert files == fresh._render_board("zh", None)


def test_a_matters_records_read_short_of_their_version_are_read_again(engine: Engine) -> None:
    """Read without the lock while a commit failed, a matter's records may stop
    short of the version the state knew then, and knows again once another
    ballot takes it: such a read is not taken."""
    service = service_of(engine)
    with service.lock:
        version, records = service.log.read(MATTER)
        service.log._kept.clear()
        got = service.log.of_matter(MATTER, (version, records[:-1]))
    assert [(s.position, s.hash) for s in got] == stored_of_matter(engine)


def _stats_reads(service: Service) -> list[int]:
    """Where each read of the log for the stats starts, from now on."""
    starts: list[int] = []
    between = service.log.between

    def watched(after: int, upto: int) -> Any:
        starts.append(after)
        return between(after, upto)

    service.log.between = watched  # type: ignore[method-assign]
    return starts


def test_the_stats_after_new_records_count_only_those(engine: Engine) -> None:
    """The web keeps the period's tally and feeds it what came since: at 300,000
    events a whole count took 2.5 s at every new position."""
    import datetime as dt

    from yishi.stats import Span, compute
    from yishi.web.stats import document

    service = service_of(engine)
    span = Span(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    starts = _stats_reads(service)
    document(service, span)
    assert starts == [0]
    for i in range(3):
        before = engine.position
        service.execute(vote(i, "no" if i else "yes"))
        starts.clear()
        figures = document(service, span)
        assert starts[-1] == before and 0 not in starts  # the last: the count's own read
        events = [s.event for s in engine.store.read_all()]
        assert figures == compute(events, engine.rulesets, span)


def test_a_kept_tally_is_not_taken_where_the_log_is_not_the_one_it_counted(
    engine: Engine,
) -> None:
    import datetime as dt

    from yishi.stats import Span, compute
    from yishi.web.stats import document

    service = service_of(engine)
    span = Span(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    document(service, span)
    key = ("stats-tally", span.first, span.last)
    position, (_, tally) = service.kept(key)
    service.keep(key, position, ("0" * 64, tally))  # not the hash the log holds there
    service.execute(vote(0))
    starts = _stats_reads(service)
    figures = document(service, span)
    assert starts[-1] == 0
    assert figures == compute([s.event for s in engine.store.read_all()], engine.rulesets, span)
