"""yishi.testing as a pytest plugin: its fixtures, as a plugin author uses them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from yishi import hookimpl
from yishi.domain import commands as c
from yishi.testing.community import CHAIR, village

SEEN: list[str] = []


class Spy:
    @hookimpl
    def yishi_events_appended(self, events: list[Any]) -> None:
        SEEN.extend(e.event.type for e in events)


def test_the_fixtures_are_loaded_through_the_pytest11_entry_point(
    pytestconfig: pytest.Config,
) -> None:
    assert pytestconfig.pluginmanager.has_plugin("yishi")


def test_an_engine_with_a_memory_store_and_a_fake_clock(
    yishi_engine: Any, yishi_clock: Any, yishi_community: Any
) -> None:
    events = yishi_community(yishi_engine)
    assert sum(e.type == "PersonRegistered" for e in events) == 62
    assert events[0].at == dt.datetime(2026, 3, 2, 9, 0)
    yishi_clock.advance(days=1)
    proposed = yishi_engine.execute(c.ProposeMatter(actor=CHAIR, matter="road", title="修路"))[0]
    assert proposed.at == dt.datetime(2026, 3, 3, 9, 0)
    assert type(yishi_engine.store).__name__ == "MemoryStore"


def test_a_plugin_registered_for_one_test(
    yishi_engine: Any, yishi_plugins: Any, yishi_community: Any
) -> None:
    SEEN.clear()
    assert yishi_plugins.add(Spy()) == []
    yishi_community(yishi_engine, adults=70)
    assert SEEN.count("PersonRegistered") == 70


def test_the_plugin_of_another_test_is_gone(yishi_plugins: Any) -> None:
    assert "Spy" not in [p.name for p in yishi_plugins.plugins()]


def test_a_village_too_small_for_the_rule_set_is_refused() -> None:
    with pytest.raises(ValueError, match="62"):
        village(10)
