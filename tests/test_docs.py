"""The documentation keeps up with the formats: every key and action is described."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from yishi.cli import main
from yishi.rulesets.spec import RULESET, Field
from yishi.scenario.format import ACTIONS, COMMON, SCENARIO

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _keys(field: Field) -> set[str]:
    found: set[str] = set()
    for option in field.one_of:
        found |= _keys(option)
    if field.fields:
        for key, sub in field.fields.items():
            found.add(key)
            found |= _keys(sub)
    for sub in (field.items, field.values):
        if sub is not None:
            found |= _keys(sub)
    return found


def _inline_code(doc: str) -> set[str]:
    """Every name written inside an inline `code` span of a document."""
    text = (DOCS / doc).read_text(encoding="utf-8")
    spans = re.findall(r"(?<!`)`([^`\n]+)`(?!`)", text)
    return {word for span in spans for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", span)}


@pytest.mark.parametrize("key", sorted(_keys(RULESET)))
def test_every_rule_set_key_is_documented(key):
    assert key in _inline_code("ruleset-format.md")


@pytest.mark.parametrize("key", sorted(_keys(SCENARIO) | set(COMMON) | set(ACTIONS)))
def test_every_scenario_key_and_action_is_documented(key):
    assert key in _inline_code("scenarios.md")


def test_the_documented_examples_work():
    runner = CliRunner()
    checked = runner.invoke(main, ["check", str(DOCS / "examples" / "minimal_ruleset.toml")])
    assert checked.exit_code == 0, checked.output
    played = runner.invoke(main, ["run", str(DOCS / "examples" / "minimal_scenario.toml")])
    assert played.exit_code == 0, played.output
