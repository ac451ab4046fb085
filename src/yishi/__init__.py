"""yishi 议事: resident self-governance deliberation for villages and communities.

The public API. Everything else is private to the package and may change.
"""

# not ``typing.TYPE_CHECKING``: importing typing would slow ``yishi --help``
TYPE_CHECKING = False

if TYPE_CHECKING:
    from yishi.clock import Clock, FixedClock, SystemClock
    from yishi.domain.commands import Command
    from yishi.domain.counting import Base, Comparator, Requirement, Verdict, evaluate
    from yishi.domain.decide import decide
    from yishi.domain.errors import Refusal
    from yishi.domain.events import Event, event_from_dict
    from yishi.domain.evidence import Evidence
    from yishi.domain.rules import RuleSet
    from yishi.domain.state import State, evolve, replay
    from yishi.engine import Engine
    from yishi.hookspecs import hookimpl
    from yishi.plugins.host import PluginHost
    from yishi.rulesets import Problem, RuleSetError, check_text, find, load
    from yishi.scenario import load_scenario, run_scenario
    from yishi.store import EventStore, EvidenceStore, MemoryStore, SQLiteStore, StoredEvent
    from yishi.store.verify import verify_sqlite, verify_store

# Imported on first use (PEP 562), so that ``import yishi`` (and ``yishi --help``)
# does not load the whole package.
_WHERE = {
    "Base": "yishi.domain.counting",
    "Clock": "yishi.clock",
    "Command": "yishi.domain.commands",
    "Comparator": "yishi.domain.counting",
    "Engine": "yishi.engine",
    "Event": "yishi.domain.events",
    "EventStore": "yishi.store",
    "Evidence": "yishi.domain.evidence",
    "EvidenceStore": "yishi.store",
    "FixedClock": "yishi.clock",
    "MemoryStore": "yishi.store",
    "PluginHost": "yishi.plugins.host",
    "Problem": "yishi.rulesets",
    "Refusal": "yishi.domain.errors",
    "Requirement": "yishi.domain.counting",
    "RuleSet": "yishi.domain.rules",
    "RuleSetError": "yishi.rulesets",
    "SQLiteStore": "yishi.store",
    "State": "yishi.domain.state",
    "StoredEvent": "yishi.store",
    "SystemClock": "yishi.clock",
    "Verdict": "yishi.domain.counting",
    "check_text": "yishi.rulesets",
    "decide": "yishi.domain.decide",
    "evaluate": "yishi.domain.counting",
    "event_from_dict": "yishi.domain.events",
    "evolve": "yishi.domain.state",
    "find": "yishi.rulesets",
    "hookimpl": "yishi.hookspecs",
    "load": "yishi.rulesets",
    "load_scenario": "yishi.scenario",
    "replay": "yishi.domain.state",
    "run_scenario": "yishi.scenario",
    "verify_sqlite": "yishi.store.verify",
    "verify_store": "yishi.store.verify",
}


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module 'yishi' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "Base",
    "Clock",
    "Command",
    "Comparator",
    "Engine",
    "Event",
    "EventStore",
    "Evidence",
    "EvidenceStore",
    "FixedClock",
    "MemoryStore",
    "PluginHost",
    "Problem",
    "Refusal",
    "Requirement",
    "RuleSet",
    "RuleSetError",
    "SQLiteStore",
    "State",
    "StoredEvent",
    "SystemClock",
    "Verdict",
    "check_text",
    "decide",
    "evaluate",
    "event_from_dict",
    "evolve",
    "find",
    "hookimpl",
    "load",
    "load_scenario",
    "replay",
    "run_scenario",
    "verify_sqlite",
    "verify_store",
]
