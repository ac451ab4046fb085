"""Playing a scenario through the engine and keeping what happened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.domain.rules import RuleSet
from yishi.engine import Engine
from yishi.rulesets.locate import find_line, key_lines
from yishi.rulesets.problems import Problem, RuleSetError
from yishi.rulesets.registry import find
from yishi.scenario.format import Scenario, Step
from yishi.store.base import EventStore
from yishi.store.evidence import describe_file
from yishi.store.memory import MemoryStore

if TYPE_CHECKING:
    from yishi.plugins.host import PluginHost


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
    ruleset: RuleSet  # the default procedure
    engine: Engine
    results: list[StepResult] = attrs.Factory(list)

    @property
    def rulesets(self) -> dict[str, RuleSet]:
        """Every procedure the community uses, the default first."""
        return self.engine.rulesets

    @property
    def rules(self) -> RuleSet:
        """The rule set as the engine applies it (村民小组 bodies named after the groups)."""
        return self.engine.rulesets.get(self.ruleset.id, self.ruleset)

    @property
    def unexpected(self) -> list[StepResult]:
        return [r for r in self.results if r.unexpected]

    def all_events(self) -> list[ev.Event]:
        return [s.event for s in self.engine.store.read_all()]


def run_scenario(
    scenario: Scenario, *, store: EventStore | None = None, plugins: PluginHost | None = None
) -> RunReport:
    rulesets = load_procedures(scenario, plugins)
    ruleset = rulesets[next(iter(rulesets))]
    engine = Engine(
        store if store is not None else MemoryStore(),
        rulesets,
        plugins=plugins,
        routes=dict(scenario.routes),
    )
    first = scenario.steps[0].at if scenario.steps else None
    report = RunReport(scenario, ruleset, engine)
    setup_at = first.replace(hour=0, minute=0) if first else None
    if setup_at is not None:
        setup = Step(-1, None, setup_at, "setup", _with_procedures(scenario, rulesets), None)
        try:
            report.results.append(StepResult(setup, engine.execute(setup.command, setup_at)))
        except Refusal as refusal:
            report.results.append(StepResult(setup, [], refusal))
            return report  # no community, nothing else can be played
    clock = setup_at
    for step in scenario.steps:
        # Deadlines fall due at the start of a day: process each midnight passed
        # since the last action, so an escalation carries the day it happened.
        for midnight in _midnights(clock, step.at):
            _tick(report, engine, midnight)
        _tick(report, engine, step.at)
        clock = step.at
        try:
            events = engine.execute(_with_evidence(step, engine.store), step.at)
            report.results.append(StepResult(step, events))
        except Refusal as refusal:
            report.results.append(StepResult(step, [], refusal))
    if scenario.until is not None and clock is not None:
        for midnight in _midnights(clock, scenario.until):
            _tick(report, engine, midnight)
        _tick(report, engine, scenario.until)
    return report


def _with_procedures(scenario: Scenario, rulesets: Mapping[str, RuleSet]) -> cmd.SetUpCommunity:
    """The set-up, carrying the community's procedures and routes into the log when
    it runs several ([community.procedures]): a replay of the log alone then raises
    each new matter under the same procedure (yishi.log.open_engine)."""
    if len(rulesets) < 2 and not scenario.routes:
        return scenario.setup
    return attrs.evolve(scenario.setup, procedures=tuple(rulesets), routes=scenario.routes)


def load_procedures(scenario: Scenario, plugins: PluginHost | None = None) -> dict[str, RuleSet]:
    """The scenario's rule sets by id, the default first, with its routes checked."""
    # With plugins, the rule set may name the vote methods and stage kinds they registered.
    catalog = plugins.catalog if plugins is not None else None
    found: dict[str, RuleSet] = {}
    problems: list[Problem] = []
    for ref in scenario.procedures or (scenario.ruleset,):
        try:
            ruleset = find(ref, scenario.base_dir, catalog)
        except RuleSetError as exc:
            # A problem with no file of its own is about the scenario's `ruleset` key,
            # or the entry of `use` that names it.
            listed = ref in scenario.use and not (
                ref == scenario.ruleset and scenario.ruleset_line != scenario.use_line
            )
            problems += [
                p
                if p.file
                else attrs.evolve(
                    p, path=f"community.procedures.use[{scenario.use.index(ref)}]"
                ).located(scenario.file, scenario.use_line)
                if listed
                else p.located(scenario.file, scenario.ruleset_line)
                for p in exc.problems
            ]
            continue
        found.setdefault(ruleset.id, ruleset)
    unloaded = bool(problems)  # a rule set that failed to load: its routes are not judged
    for matter_type, procedure in scenario.routes:
        where = f"community.procedures.routes.{matter_type}"
        target = found.get(procedure)
        if target is None and not unloaded:
            problems.append(
                Problem(
                    "bad_ref",
                    where,
                    expected="、".join(found),
                    expected_en=", ".join(found),
                    found=procedure,
                    hint="事项只能交给本村（社区）使用的程序：先在 use 中列出",
                    hint_en="a type can only go to a procedure the community uses: list it in use",
                )
            )
        elif target is not None and matter_type not in target.matter_types:
            problems.append(
                Problem(
                    "bad_ref",
                    where,
                    expected=f"“{target.title}”事项清单中的类型：" + "、".join(target.matter_types),
                    expected_en=f"a type in the catalogue of '{target.title_en or target.title}': "
                    + ", ".join(target.matter_types),
                    found=matter_type,
                )
            )
    if problems:
        lines = _lines(scenario.file)
        raise RuleSetError(
            [
                p
                if p.file
                else p.located(
                    scenario.file,
                    find_line(lines, tuple(p.path.split("."))) or scenario.ruleset_line,
                )
                for p in problems
            ]
        )
    return found


def _lines(file: str) -> dict[Any, int]:
    """The scenario's key lines, to point at a route (the file was read once already)."""
    try:
        return key_lines(Path(file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}


def _with_evidence(step: Step, store: EventStore) -> Any:
    """The step's command with its files attached: stored beside the log when the
    store keeps files, otherwise only described (a dry run still shows the digests)."""
    if not step.evidence:
        return step.command
    keep = store.evidence
    attached = tuple(
        keep.put_file(path) if keep is not None else describe_file(path) for path in step.evidence
    )
    return attrs.evolve(step.command, evidence=step.command.evidence + attached)


def _midnights(start: dt.datetime | None, end: dt.datetime) -> list[dt.datetime]:
    if start is None:
        return []
    day = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time())
    found = []
    while day <= end:
        found.append(day)
        day += dt.timedelta(days=1)
    return found


def _tick(report: RunReport, engine: Engine, at: dt.datetime) -> None:
    due = engine.tick(at)
    if due:
        report.results.append(StepResult(Step(-1, None, at, "tick", _tick_command(), None), due))


def _tick_command() -> Any:
    from yishi.domain.commands import Tick

    return Tick(actor="system")
