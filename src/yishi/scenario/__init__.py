"""Scenario files: enter paper records afterwards, or try a rule set on a case."""

from yishi.scenario.format import Scenario, load_scenario
from yishi.scenario.run import RunReport, run_scenario

__all__ = ["RunReport", "Scenario", "load_scenario", "run_scenario"]
