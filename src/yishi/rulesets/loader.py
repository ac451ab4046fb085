"""TOML → RuleSet, through one path that collects every problem in a file.

``check_text`` never raises for bad input: whatever the bytes, it returns the
problems found, each with file, line, key path, what was expected and what
was found. ``load`` raises :class:`RuleSetError` carrying those problems.
The steps are beside it: ``parsing`` (bytes → TOML), ``spec`` (the declared
shape), ``build`` (document → ``RuleSet``), ``refs``, ``handoffs`` and
``floors`` (what a valid shape may still get wrong), and ``repair`` (the
references of a document with structural errors).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from yishi.domain.catalog import BUILTIN_CATALOG, Catalog
from yishi.domain.rules import RuleSet
from yishi.rulesets.build import build
from yishi.rulesets.floors import check_floors
from yishi.rulesets.handoffs import check_handoffs
from yishi.rulesets.locate import PathKey, dotted, find_line, key_lines, undotted
from yishi.rulesets.parsing import parse_toml
from yishi.rulesets.postings import check_postings
from yishi.rulesets.problems import Problem, RuleSetError, errors
from yishi.rulesets.refs import check_references
from yishi.rulesets.repair import references_despite
from yishi.rulesets.spec import SCHEMA_VERSION, ruleset_spec, validate
from yishi.rulesets.template import template_problems


def check_text(
    data: bytes, file: str = "<input>", catalog: Catalog | None = None, *, follow: bool = True
) -> tuple[RuleSet | None, list[Problem]]:
    """Check a rule set; vote methods and stage kinds are names in ``catalog``.

    ``catalog`` defaults to the built-in one; a plugin host passes its own
    (``PluginHost.catalog``) so that names registered by plugins are accepted.
    """
    catalog = BUILTIN_CATALOG if catalog is None else catalog
    root = ruleset_spec(catalog)
    document, text, problems = parse_toml(data, file)
    if document is None:
        return None, problems
    problems = []
    validate(document, root, (), problems)
    ruleset = None
    if not errors(problems):
        version = document["schema_version"]
        if version != SCHEMA_VERSION:
            problems.append(
                Problem(
                    "bad_value",
                    "schema_version",
                    expected=str(SCHEMA_VERSION),
                    found=str(version),
                    hint="此版本的 yishi 只认识格式版本 1",
                    hint_en="this yishi reads format version 1 only",
                )
            )
        else:
            ruleset = build(document, file, hashlib.sha256(data).hexdigest(), catalog)
            problems += check_references(document, ruleset)
            problems += template_problems(document)
            problems += _timezone_problems(ruleset)
            if follow:  # the targets of its hand-offs, read once (not their own targets)
                problems += check_handoffs(ruleset, file, catalog)
            if not errors(problems):
                problems += check_floors(ruleset)
                problems += check_postings(ruleset)
    else:
        problems += references_despite(document, problems, root, catalog)
    lines = key_lines(text)
    located = [p.located(file, find_line(lines, undotted(p.path)) or 1) for p in problems]
    located.sort(key=lambda p: (p.line or 0, p.path))
    return (ruleset if not errors(located) else None), located


def _timezone_problems(ruleset: RuleSet) -> list[Problem]:
    """A time zone the tz database knows (Asia/Shanghai always, as the clock has a
    fixed-offset stand-in for it): an unknown one passed check and broke
    ``yishi stats`` on the log it ran."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if ruleset.timezone == "Asia/Shanghai":
        return []
    try:
        ZoneInfo(ruleset.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [
            Problem(
                "bad_value",
                "timezone",
                expected="IANA 时区名，如 Asia/Shanghai",
                expected_en="an IANA time zone name, such as Asia/Shanghai",
                found=ruleset.timezone,
            )
        ]
    return []


def load(path: str | Path, catalog: Catalog | None = None, *, follow: bool = True) -> RuleSet:
    file = str(path)
    from yishi.rulesets.reading import read_limited

    data = read_limited(path)
    ruleset, problems = check_text(data, file, catalog, follow=follow)
    if ruleset is None:
        raise RuleSetError(errors(problems))
    return ruleset


def load_unfollowed(path: str | Path, catalog: Catalog | None = None) -> RuleSet:
    """``load`` without checking the targets of its hand-offs (they check theirs)."""
    return load(path, catalog, follow=False)


def dotted_path(path: PathKey) -> str:
    return dotted(path)
