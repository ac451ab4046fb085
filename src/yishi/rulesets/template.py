"""Template rule sets: values no source gives, which each community must set.

A local procedure learnt from a newspaper report (a 板凳会, a 竞聘会) ships with
numbers the report never states. The file says so in ``[template]``; ``yishi
check`` then lists each such value as a warning at its line, so nobody mistakes
an invented number for a rule.
"""

from __future__ import annotations

import re
from typing import Any

from yishi.rulesets.problems import Problem


def _exists(document: dict[str, Any], path: str) -> bool:
    node: Any = document
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        if index:
            if not isinstance(node, list) or int(index) >= len(node):
                return False
            node = node[int(index)]
        elif isinstance(node, dict) and name in node:
            node = node[name]
        else:
            return False
    return True


def template_problems(document: dict[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    for i, entry in enumerate(document.get("template", {}).get("values", ())):
        key, why = entry["key"], entry["why"]
        if not _exists(document, key):
            out.append(
                Problem(
                    "bad_ref",
                    f"template.values[{i}].key",
                    expected="本文件中的一个键路径，如 bodies.courtyard.quorum",
                    expected_en="a key path in this file, e.g. bodies.courtyard.quorum",
                    found=key,
                )
            )
            continue
        out.append(
            Problem(
                "template_value",
                key,
                severity="warning",
                hint=why,
                hint_en=entry.get("why_en") or why,
            )
        )
    return out
