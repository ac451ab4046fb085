"""Rule sets: TOML files that make the generic engine a particular procedure."""

from yishi.rulesets.loader import check_text, load
from yishi.rulesets.problems import Problem, RuleSetError
from yishi.rulesets.registry import find, shipped

__all__ = ["Problem", "RuleSetError", "check_text", "find", "load", "shipped"]
