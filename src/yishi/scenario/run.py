"""Playing a scenario through the engine and keeping what happened."""

from __future__ import annotations

from typing import Any

import attrs

from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.domain.rules import RuleSet
from yishi.engine import Engine
from yishi.rulesets.registry import find
from yishi.scenario.format import Scenario, Step


@attrs.define
class StepResult:
    step: Step
    events: list[ev.Event]
    refusal: Refusal | None = None

    @property
    def status(self) -> str:
        return "refused" if self.refusal else "ok"

    @property
    def unexpected(self) -> bool:
        return self.step.expect is not None and self.step.expect != self.status


@attrs.define
class RunReport:
    scenario: Scenario
    ruleset: RuleSet
    engine: Engine
    results: list[StepResult] = attrs.Factory(list)
    ticks: list[tuple[str, list[ev.Event]]] = attrs.Factory(list)

    @property
    def unexpected(self) -> list[StepResult]:
        return [r for r in self.results if r.unexpected]

    def all_events(self) -> list[ev.Event]:
        return [s.event for s in self.engine.store.read_all()]


def run_scenario(scenario: Scenario) -> RunReport:
    ruleset = find(scenario.ruleset, scenario.base_dir)
    engine = Engine({ruleset.id: ruleset}, ruleset.id)
    first = scenario.steps[0].at if scenario.steps else None
    report = RunReport(scenario, ruleset, engine)
    setup_at = first.replace(hour=0, minute=0) if first else None
    if setup_at is not None:
        setup = Step(-1, None, setup_at, "setup", scenario.setup, None)
        try:
            report.results.append(StepResult(setup, engine.execute(scenario.setup, setup_at)))
        except Refusal as refusal:
            report.results.append(StepResult(setup, [], refusal))
            return report  # no community, nothing else can be played
    for step in scenario.steps:
        due = engine.tick(step.at)
        if due:
            report.ticks.append((step.at.isoformat(), due))
            report.results.append(StepResult(_tick_step(step), due))
        try:
            events = engine.execute(step.command, step.at)
            report.results.append(StepResult(step, events))
        except Refusal as refusal:
            report.results.append(StepResult(step, [], refusal))
    if scenario.until is not None:
        due = engine.tick(scenario.until)
        if due:
            tick = Step(-1, None, scenario.until, "tick", _tick_command(), None)
            report.results.append(StepResult(tick, due))
    return report


def _tick_command() -> Any:
    from yishi.domain.commands import Tick

    return Tick(actor="system")


def _tick_step(step: Step) -> Step:
    return Step(-1, None, step.at, "tick", _tick_command(), None)
