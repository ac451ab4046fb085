"""A community shared by several scenarios: ``community_file`` names a file whose
``[community]`` is joined with the scenario's own.

The lists (people, households, bodies, generated people, groups) are joined,
the shared entries first; any other key the scenario writes replaces the
shared one. A body defined in both places is an error naming both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from yishi.rulesets.locate import dotted, find_line, key_lines
from yishi.rulesets.parsing import parse_toml
from yishi.rulesets.problems import Problem, RuleSetError
from yishi.rulesets.reading import read_limited
from yishi.scenario.files import check_community_path

# The lists of a community that are joined rather than replaced.
JOINED = ("people", "households", "bodies", "generate", "groups")


def merge_community_file(
    document: dict[str, Any], base_dir: Path, text: str, problems: list[Problem]
) -> None:
    """Join the file ``community_file`` names into ``document["community"]``, in place."""
    name = document.get("community_file")
    if not isinstance(name, str) or not check_community_path(
        base_dir, name, ("community_file",), problems
    ):
        return
    shared_path = base_dir / name
    shared, found, shared_lines = _shared_community(shared_path)
    problems += found
    if shared is None:
        return
    own = document.get("community", {})
    problems += _defined_twice(
        shared, own if isinstance(own, dict) else {}, shared_path, shared_lines, text
    )
    merged = {**shared, **{k: v for k, v in own.items() if k not in JOINED}}
    for key in JOINED:
        merged[key] = [*shared.get(key, []), *own.get(key, [])]
    document["community"] = merged


def _shared_community(
    path: Path,
) -> tuple[dict[str, Any] | None, list[Problem], dict[Any, int]]:
    try:
        data = read_limited(path, "community_file")
    except RuleSetError as exc:
        return None, [attrs.evolve(p, file="") for p in exc.problems], {}
    document, text, problems = parse_toml(data, str(path))
    if document is None:
        return None, problems, {}
    community = document.get("community")
    if not isinstance(community, dict):
        return (
            None,
            [
                Problem(
                    "missing",
                    "community_file",
                    expected=f"{path.name} 中的 [community] 表",
                    expected_en=f"a [community] table in {path.name}",
                )
            ],
            {},
        )
    return community, [], key_lines(text)


def _defined_twice(
    shared: dict[str, Any],
    own: dict[str, Any],
    shared_path: Path,
    shared_lines: dict[Any, int],
    text: str,
) -> list[Problem]:
    """A body both in the shared community file and in the scenario is an error
    naming both places: the lists are joined, and one would silently replace the other."""
    first: dict[str, int] = {}
    for n, body in enumerate(
        shared.get("bodies", []) if isinstance(shared.get("bodies"), list) else []
    ):
        if isinstance(body, dict) and isinstance(body.get("id"), str):
            first.setdefault(body["id"], n)
    lines = key_lines(text)
    found = []
    own_bodies = own.get("bodies", [])
    for n, body in enumerate(own_bodies if isinstance(own_bodies, list) else []):
        if not isinstance(body, dict) or body.get("id") not in first:
            continue
        there = find_line(shared_lines, ("community", "bodies", first[body["id"]]))
        where = f"{shared_path.name}" + (f" 第 {there} 行" if there else "")
        where_en = f"{shared_path.name}" + (f" line {there}" if there else "")
        found.append(
            Problem(
                "duplicate",
                dotted(("community", "bodies", n, "id")),
                found=body["id"],
                hint=f"机构“{body['id']}”已在共用档案 {where} 定义；同一机构只能定义一次，"
                "请删去其中一处（名单不会合并，也不会替换）",
                hint_en=f"body '{body['id']}' is already defined in the shared file {where_en}; "
                "define it once: remove one of them (rosters are neither merged nor replaced)",
                line=find_line(lines, ("community", "bodies", n)),
            )
        )
    return found
