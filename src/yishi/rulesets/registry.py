"""Finding the rule sets shipped with yishi by id."""

from __future__ import annotations

from pathlib import Path

from yishi.domain.catalog import Catalog
from yishi.domain.rules import RuleSet
from yishi.rulesets.loader import load


def shipped_dir() -> Path:
    """Installed wheels carry them as package data; a source checkout has them at the top."""
    packaged = Path(__file__).resolve().parent.parent / "_rulesets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rulesets"


def shipped() -> dict[str, Path]:
    directory = shipped_dir()
    return {p.stem: p for p in sorted(directory.glob("*.toml"))} if directory.is_dir() else {}


def find(ref: str, relative_to: Path | None = None, catalog: Catalog | None = None) -> RuleSet:
    """A rule set by shipped id, or by path (relative to ``relative_to`` if given).

    ``catalog`` (default: the built-in one) holds the vote methods and stage
    kinds the rule set may name; pass ``PluginHost.catalog`` to accept plugins'.
    """
    candidates = []
    if ref.endswith(".toml") or "/" in ref:
        path = Path(ref)
        if not path.is_absolute() and relative_to is not None:
            path = relative_to / path
        candidates.append(path)
    else:
        found = shipped().get(ref)
        if found is not None:
            candidates.append(found)
    if not candidates:
        from yishi.rulesets.problems import Problem, RuleSetError

        known = "、".join(shipped()) or "—"
        raise RuleSetError(
            [
                Problem(
                    "bad_ref",
                    "ruleset",
                    expected=f"已安装的规则 id：{known}，或 .toml 文件路径",
                    expected_en=f"a shipped id ({known}) or a .toml path",
                    found=ref,
                )
            ]
        )
    return load(candidates[0], catalog)
