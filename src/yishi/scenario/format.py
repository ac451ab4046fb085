"""Scenario files: a community and a dated sequence of actions, in TOML.

Used to enter paper records of offline meetings afterwards, and to try a rule
set on a realistic case before a community adopts it. The format is checked
through the same declared-field machinery as rule sets, so errors name the
file, line and key path. This module reads a file and checks it as a whole;
the declared shape is in ``schema``, the community in ``community`` and
``community_file``, and the commands each action stands for in ``steps``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import attrs

from yishi.domain import commands as cmd
from yishi.rulesets.fields import Field, validate
from yishi.rulesets.locate import dotted, find_line, key_lines
from yishi.rulesets.parsing import parse_toml
from yishi.rulesets.problems import Problem, RuleSetError
from yishi.rulesets.reading import read_limited
from yishi.scenario import limits
from yishi.scenario.actions import ACTIONS
from yishi.scenario.community import setup_community
from yishi.scenario.community_file import merge_community_file
from yishi.scenario.dates import date_values, retype_dates, undate, when
from yishi.scenario.files import check_evidence_path
from yishi.scenario.limits import expand
from yishi.scenario.money import check_amounts
from yishi.scenario.schema import COMMON, SCENARIO
from yishi.scenario.steps import Step, build_steps

# Imported from here by tests and docs; the definitions live beside their kin.
__all__ = ["ACTIONS", "COMMON", "SCENARIO", "Scenario", "Step", "expand", "load_scenario"]


@attrs.frozen
class Scenario:
    file: str
    title: str
    ruleset: str
    base_dir: Path
    setup: cmd.SetUpCommunity
    steps: tuple[Step, ...]
    until: dt.datetime | None = None
    community: str = ""
    ruleset_line: int | None = None
    # Several councils (community.procedures): every rule set used, the default
    # first, and the community's routing of matter types; one-ruleset scenarios
    # have ``(ruleset,)`` and no routes.
    procedures: tuple[str, ...] = ()
    routes: tuple[tuple[str, str], ...] = ()
    use: tuple[str, ...] = ()  # community.procedures.use as written, for locating problems
    use_line: int | None = None


def load_scenario(path: str | Path) -> Scenario:
    file = str(path)
    data = read_limited(path)
    document, text, problems = parse_toml(data, file)
    if document is None:
        raise RuleSetError(problems)
    merge_community_file(document, Path(path).resolve().parent, text, problems)
    if "ruleset" not in document and not _uses(document):
        problems.append(
            Problem(
                "missing",
                "ruleset",
                expected="ruleset，或 [community.procedures] use",
                expected_en="ruleset, or use in [community.procedures]",
            )
        )
    if "community" not in document:
        problems.append(
            Problem(
                "missing",
                "community",
                expected="[community] 或 community_file",
                expected_en="[community] or community_file",
            )
        )
    retype_dates(document, limits.DATE_KEYS)
    validate(document, SCENARIO, (), problems)
    # Beyond a size limit, no step is built: expanding the ranges is the work the limit prevents.
    oversized = limits.check_sizes(document, problems)
    for where, value in date_values(document, limits.DATE_KEYS):
        if where[0] != "actions":  # actions are checked one by one below
            limits.check_date(value, where, problems)
    steps: list[Step] = []
    for index, raw in enumerate(
        document.get("actions", []) if isinstance(document.get("actions"), list) else []
    ):
        if not isinstance(raw, dict):
            continue
        kind = raw.get("do") if isinstance(raw.get("do"), str) else None  # else: wrong_type
        fields = dict(COMMON)
        if kind in ACTIONS:
            fields.update(ACTIONS[kind][1])
        before = len(problems)
        # An unknown `do` is one mistake: its other keys are not checked against
        # the common ones, which would call every one of them unknown.
        checked = raw if kind in ACTIONS else {k: v for k, v in raw.items() if k in COMMON}
        validate(checked, Field("table", fields=fields), ("actions", index), problems)
        for key in ("at", "date", "held_on"):
            if key in raw:
                limits.check_date(raw[key], ("actions", index, key), problems)
        _check_evidence(raw, index, Path(path).resolve().parent, problems)
        check_amounts(raw, index, problems)
        if len(problems) == before and kind in ACTIONS and not oversized:
            made = build_steps(index, raw, kind, Path(path).resolve().parent)
            if not made:
                problems.append(
                    Problem(
                        "missing",
                        dotted(("actions", index)),
                        expected="至少一张选票或一项评价（yes、no、abstain 或 by_rating）",
                        expected_en="at least one ballot or rating (yes, no, abstain or by_rating)",
                    )
                )
                continue
            if steps and made and made[0].at < steps[-1].at:
                problems.append(
                    Problem(
                        "inconsistent",
                        dotted(("actions", index, "at")),
                        expected=f"不早于上一条动作的时间 {steps[-1].at:%Y-%m-%d %H:%M}",
                        expected_en=f"not earlier than the previous action ({steps[-1].at:%Y-%m-%d %H:%M})",
                        found=f"{made[0].at:%Y-%m-%d %H:%M}",
                        hint="动作须按发生时间先后排列",
                        hint_en="list actions in the order they happened",
                    )
                )
            steps.extend(made)
    if steps:
        last = steps[-1]
        limits.check_span(steps[0].at, last.at, ("actions", last.index, "at"), problems)
        if "until" in document and not any(p.path == "until" for p in problems):
            until = when(undate(document["until"]))
            limits.check_span(steps[0].at, until, ("until",), problems)
    community = document.get("community", {})
    lines = key_lines(text)
    if problems:
        located = [p.located(file, find_line(lines, _key(p.path)) or 1) for p in _tidy(problems)]
        # In the order of the file, as an editor shows it (a stable sort keeps
        # the problems of one line in the order they were found).
        raise RuleSetError(sorted(located, key=lambda p: (p.file != file, p.line or 0)))
    for step_index, step in enumerate(steps):
        steps[step_index] = attrs.evolve(step, line=find_line(lines, ("actions", step.index)))
    used = _uses(document)
    default = document.get("ruleset") or used[0]
    return Scenario(
        file=file,
        title=document["title"],
        ruleset=default,
        base_dir=Path(path).resolve().parent,
        setup=setup_community(community),
        steps=tuple(steps),
        until=when(undate(document["until"])) if "until" in document else None,
        community=community.get("name", ""),
        ruleset_line=find_line(lines, ("ruleset",))
        or find_line(lines, ("community", "procedures", "use")),
        procedures=tuple(dict.fromkeys([default, *used])),
        use=tuple(used),
        use_line=find_line(lines, ("community", "procedures", "use")),
        routes=tuple(sorted(community.get("procedures", {}).get("routes", {}).items())),
    )


def _uses(document: dict[str, Any]) -> list[str]:
    community = document.get("community")
    procedures = community.get("procedures") if isinstance(community, dict) else None
    used = procedures.get("use") if isinstance(procedures, dict) else None
    return [u for u in used if isinstance(u, str)] if isinstance(used, list) else []


def _tidy(problems: list[Problem]) -> list[Problem]:
    """One mistake, one problem: a misspelt required key is reported as the
    unknown key (with its "did you mean"), not also as the required one missing."""
    meant = set()
    for p in problems:
        if p.code == "unknown_key" and p.hint_en.startswith("did you mean '"):
            parent = p.path.rsplit(".", 1)[0] if "." in p.path else ""
            key = p.hint_en[len("did you mean '") :].split("'", 1)[0]
            meant.add(f"{parent}.{key}" if parent else key)
    return [p for p in problems if not (p.code == "missing" and p.path in meant)]


def _key(path: str) -> tuple[str | int, ...]:
    return tuple(int(x) if x.isdigit() else x for x in re.findall(r"[^.\[\]]+", path))


def _check_evidence(raw: dict[str, Any], index: int, base_dir: Path, out: list[Problem]) -> None:
    """Every attached file must be there when the scenario is loaded, not half-way through."""
    files = raw.get("evidence")
    if not isinstance(files, list):
        return
    for n, name in enumerate(files):
        if isinstance(name, str):
            check_evidence_path(base_dir, name, ("actions", index, "evidence", n), out)
