"""yishi 议事: resident self-governance deliberation for villages and communities.

The public API. Everything else is private to the package and may change.
"""

from yishi.domain.commands import Command
from yishi.domain.counting import Base, Comparator, Requirement, Verdict, evaluate
from yishi.domain.decide import decide
from yishi.domain.errors import Refusal
from yishi.domain.events import Event, event_from_dict
from yishi.domain.rules import RuleSet
from yishi.domain.state import State, evolve, replay
from yishi.engine import Engine
from yishi.hookspecs import hookimpl
from yishi.rulesets import Problem, RuleSetError, check_text, find, load
from yishi.scenario import load_scenario, run_scenario

__all__ = [
    "Base",
    "Command",
    "Comparator",
    "Engine",
    "Event",
    "Problem",
    "Refusal",
    "Requirement",
    "RuleSet",
    "RuleSetError",
    "State",
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
]
