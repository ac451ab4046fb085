"""The web board is rendered again only where the log moved: after the first
render, the pages of the matters whose records came since, with the index, the
verification page and the feed. Whatever came, the board must be the one a whole
render of the same state gives, byte for byte."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from yishi import load_scenario
from yishi.engine import Engine
from yishi.scenario.run import load_procedures, run_scenario
from yishi.store.memory import MemoryStore
from yishi.web import service as service_module
from yishi.web.config import Community
from yishi.web.service import Service

ROOT = Path(__file__).resolve().parents[1]


def whole_render(service: Service, lang: str) -> dict[str, bytes]:
    """The board of the service's state rendered whole, by a service of its own
    (none of the first one's pages, documents or records kept)."""
    fresh = Service(service.community)
    with fresh.lock:
        return fresh._render_board(lang, None)


# Records appended between two looks at the board, in turn: a record alone, a few,
# a command's worth, several commands'.
STEPS = (1, 4, 9, 13)


@pytest.mark.parametrize(
    "example",
    [
        "04_objection_during_disclosure.toml",  # notices, objections, answers
        "14_bench_to_council_to_siyi.toml",  # one matter handed between councils
        "15_council_settles_small_matter.toml",
    ],
)
@pytest.mark.parametrize("part", [service_module.PART, 3], ids=["whole", "in_parts"])
def test_the_board_after_any_records_is_the_whole_render_of_its_state(
    example: str, part: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "PART", part)
    scenario = load_scenario(ROOT / "examples" / example)
    played = [s.event for s in run_scenario(scenario).engine.store.read_all()]
    store = MemoryStore()  # the log as another process writes it, a few records at a time
    engine = Engine(store, load_procedures(scenario), routes=dict(scenario.routes))
    service = Service(Community(slug="main", engine=engine, name="古槐村"))
    versions: dict[str, int] = {}
    partial = turn = at = 0
    while at < len(played):
        step, lang = STEPS[turn % len(STEPS)], ("zh", "en")[turn % 2]
        turn += 1
        batch = []
        for event in played[at : at + step]:
            version = versions.get(event.stream, 0)
            batch.append((event.stream, version, event))
            versions[event.stream] = version + 1
        store.append(batch)
        at += step
        service.refresh()
        before = service._board.get(lang)
        _, files = service.board(lang)
        partial += before is not None and service._moved_since(before[0]) is not None
        assert files == whole_render(service, lang), (example, at, lang)
    assert engine.position == len(played)
    assert partial  # the partial render was taken, not only whole ones


def test_a_record_of_the_community_itself_renders_every_page_again() -> None:
    """A new name of the community is in the header of every matter's page, though
    no matter moved."""
    import datetime as dt

    from yishi.domain import events as ev

    scenario = load_scenario(ROOT / "examples" / "04_objection_during_disclosure.toml")
    report = run_scenario(scenario)
    engine = report.engine
    service = Service(Community(slug="main", engine=engine))  # the name the log records
    _, before = service.board("zh")
    renamed = ev.CommunityNamed(at=dt.datetime(2027, 1, 4, 9), actor="system", name="新槐村")
    engine.store.append([("community", engine.versions["community"], renamed)])
    service.refresh()
    _, after = service.board("zh")
    pages = [name for name in after if name.startswith("matters/")]
    assert pages and all(after[name] != before[name] for name in pages)
    assert after == whole_render(service, "zh")


def test_a_person_registered_again_under_a_new_name_reaches_every_notice() -> None:
    """A notice's timeline names people (who stood aside, who was excused, who
    was elected): a new record of the community's people builds its document
    again, though its matter did not move."""
    import attrs

    from yishi.domain import events as ev

    scenario = load_scenario(ROOT / "examples" / "05_recusal.toml")
    engine = run_scenario(scenario).engine
    service = Service(Community(slug="main", engine=engine, name="古槐村"))
    _, before = service.board("zh")
    people = [s.event for s in engine.store.read_all() if type(s.event) is ev.PersonRegistered]
    version = engine.versions["community"]
    engine.store.append(
        [
            ("community", version + i, attrs.evolve(p, name="欧阳" + p.name))
            for i, p in enumerate(people)
        ]
    )
    service.refresh()
    _, after = service.board("zh")
    assert after["feed.atom"] != before["feed.atom"]
    assert after == whole_render(service, "zh")


# -- a large board is drawn in parts, letting writers in between -----------------


def _played(example: str) -> tuple[Any, list[Any]]:
    scenario = load_scenario(ROOT / "examples" / example)
    return scenario, [s.event for s in run_scenario(scenario).engine.store.read_all()]


class Appender:
    """Another process appending the played log, a few records at a time."""

    def __init__(self, store: MemoryStore, played: list[Any]) -> None:
        self.store, self.played, self.at = store, played, 0
        self.versions: dict[str, int] = {}

    def append(self, count: int) -> int:
        batch = []
        for event in self.played[self.at : self.at + count]:
            version = self.versions.get(event.stream, 0)
            batch.append((event.stream, version, event))
            self.versions[event.stream] = version + 1
        if batch:
            self.store.append(batch)
        self.at += len(batch)
        return len(batch)


def _in_thread(work: Callable[[], object]) -> bool:
    """Run ``work`` in another thread; whether it finished within two seconds."""
    done = threading.Thread(target=work, daemon=True)
    done.start()
    done.join(2)
    return not done.is_alive()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_board_drawn_in_parts_while_the_log_moves_is_the_whole_render_of_its_state(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """Each part reads its matters' records without the lock; records that come
    meanwhile are folded by another thread, and the board must still be the one
    a whole render of the final state gives."""
    monkeypatch.setattr(service_module, "PART", 3)
    scenario, played = _played("04_objection_during_disclosure.toml")
    store = MemoryStore()
    engine = Engine(store, load_procedures(scenario), routes=dict(scenario.routes))
    service = Service(Community(slug="main", engine=engine, name="古槐村"))
    appender = Appender(store, played)
    appender.append(len(played) * 2 // 3)
    service.refresh()
    assert service._records_in(list(engine.state.matters)) > service_module.PART
    folded_meanwhile = []
    read = service.log.read

    def read_while_others_write(matter: str) -> Any:
        assert not engine.holds_lock()  # read without the lock
        if appender.append(2):
            before = engine.position
            assert _in_thread(service.refresh)  # the lock is free: another thread folds
            folded_meanwhile.append(engine.position - before)
        return read(matter)

    monkeypatch.setattr(service.log, "read", read_while_others_write)
    _, files = service.board(lang)
    assert sum(folded_meanwhile) > 0
    assert files == whole_render(service, lang)
    assert service.board(lang)[1] is files  # kept for the position it was drawn at


def test_a_record_of_the_community_while_drawing_in_parts_draws_every_page_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import datetime as dt

    from yishi.domain import events as ev

    monkeypatch.setattr(service_module, "PART", 3)
    scenario, played = _played("04_objection_during_disclosure.toml")
    store = MemoryStore()
    engine = Engine(store, load_procedures(scenario), routes=dict(scenario.routes))
    service = Service(Community(slug="main", engine=engine))  # the name the log records
    Appender(store, played).append(len(played))
    service.refresh()
    read, renamed = service.log.read, []

    def rename_once(matter: str) -> Any:
        if not renamed:
            named = ev.CommunityNamed(at=dt.datetime(2027, 1, 4, 9), actor="system", name="新槐村")
            store.append([("community", engine.versions["community"], named)])
            renamed.append(_in_thread(service.refresh))
        return read(matter)

    monkeypatch.setattr(service.log, "read", rename_once)
    _, files = service.board("zh")
    assert renamed == [True]
    assert "新槐村".encode() in files["index.html"]
    assert files == whole_render(service, "zh")


def test_a_command_is_not_held_up_while_a_large_board_is_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a large log most of drawing the board is reading its records; the
    engine's lock, which every command needs, is let go meanwhile."""
    monkeypatch.setattr(service_module, "PART", 3)
    scenario, played = _played("04_objection_during_disclosure.toml")
    store = MemoryStore()
    engine = Engine(store, load_procedures(scenario), routes=dict(scenario.routes))
    service = Service(Community(slug="main", engine=engine, name="古槐村"))
    appender = Appender(store, played[:-3])
    appender.append(len(played))
    service.refresh()
    reads, free = store.read_stream, []

    def read_stream(stream: str) -> Any:
        if not free and stream.startswith("matter"):
            # a worker's command wants the lock while the board reads the log
            free.append(_in_thread(lambda: (appender.append(1), service.refresh())))
        return reads(stream)

    monkeypatch.setattr(store, "read_stream", read_stream)
    _, files = service.board("zh")
    assert free == [True]
    assert files == whole_render(service, "zh")


def test_a_board_asked_for_under_the_lock_is_drawn_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A caller that holds the engine's lock (a view of its own) cannot let it go:
    the board is drawn whole, without parts, and without waiting for another
    drawing thread (which would wait for that lock)."""
    monkeypatch.setattr(service_module, "PART", 3)
    scenario, played = _played("04_objection_during_disclosure.toml")
    store = MemoryStore()
    engine = Engine(store, load_procedures(scenario), routes=dict(scenario.routes))
    service = Service(Community(slug="main", engine=engine, name="古槐村"))
    Appender(store, played).append(len(played))
    service.refresh()
    monkeypatch.setattr(service, "_draw_in_parts", lambda *_: pytest.fail("drawn in parts"))
    with service.lock:
        _, files = service.board("en")
    assert files == whole_render(service, "en")
