"""yishi's pytest plugin: fixtures for testing yishi plugins.

Installed with yishi and loaded by pytest through the ``pytest11`` entry point,
so a plugin's tests use these without importing anything::

    def test_my_hook_sees_the_registrations(yishi_engine, yishi_plugins, yishi_community):
        seen = []

        class Spy:
            @hookimpl
            def yishi_events_appended(self, events):
                seen.extend(e.event.type for e in events)

        yishi_plugins.add(Spy())            # registered for this test only
        yishi_community(yishi_engine)       # a village of 62 under 四议两公开
        assert "PersonRegistered" in seen

Fixtures (all function-scoped, nothing shared between tests):

- ``yishi_clock``: a :class:`yishi.clock.FixedClock` at 2026-03-02 09:00;
  ``yishi_clock.advance(days=3)`` moves it on.
- ``yishi_plugins``: a fresh :class:`yishi.plugins.PluginHost` with the
  built-in plugins only (installed ones left out, so a test sees what it
  registers); ``yishi_plugins.add(plugin)`` registers one for this test.
- ``yishi_engine``: an :class:`yishi.engine.Engine` over an in-memory store
  (evidence files in ``tmp_path``), the shipped ``siyi_liang_gongkai`` rule
  set, ``yishi_plugins`` and ``yishi_clock``.
- ``yishi_community``: a factory, ``yishi_community(engine, adults=62)``,
  that registers a village whose bodies meet the rule set (see
  :mod:`yishi.testing.community`) and returns the events it recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from yishi.clock import FixedClock
from yishi.testing.community import MINIMUM, village

START = dt.datetime(2026, 3, 2, 9, 0)
RULESET = "siyi_liang_gongkai"


@pytest.fixture
def yishi_clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def yishi_plugins() -> Any:
    from yishi.plugins.host import PluginHost

    return PluginHost.load(entry_points=False)


@pytest.fixture
def yishi_engine(tmp_path: Path, yishi_plugins: Any, yishi_clock: FixedClock) -> Any:
    from yishi.engine import Engine
    from yishi.rulesets.registry import find
    from yishi.store.evidence import EvidenceStore
    from yishi.store.memory import MemoryStore

    store = MemoryStore(EvidenceStore(tmp_path / "evidence"))
    ruleset = find(RULESET, catalog=yishi_plugins.catalog)
    return Engine(store, ruleset, plugins=yishi_plugins, clock=yishi_clock)


@pytest.fixture
def yishi_community() -> Callable[..., list[Any]]:
    def make(engine: Any, adults: int = MINIMUM) -> list[Any]:
        return list(engine.execute(village(adults)))

    return make
