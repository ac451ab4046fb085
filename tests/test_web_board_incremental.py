"""The web board is rendered again only where the log moved: after the first
render, the pages of the matters whose records came since, with the index, the
verification page and the feed. Whatever came, the board must be the one a whole
render of the same state gives, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from yishi import load_scenario
from yishi.engine import Engine
from yishi.scenario.run import load_procedures, run_scenario
from yishi.store.memory import MemoryStore
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
def test_the_board_after_any_records_is_the_whole_render_of_its_state(example: str) -> None:
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
