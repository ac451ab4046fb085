"""yishi 议事: resident self-governance deliberation for villages and communities.

The public API. Everything else is private to the package and may change.
"""

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
