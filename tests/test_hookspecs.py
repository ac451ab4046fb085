"""Meta-tests: every hook is specified, documented in docs/plugins.md, and tested."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pluggy
import pytest

import yishi
from yishi import hookspecs

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")


def _hooks() -> list[str]:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return sorted(name for name in vars(pm.hook) if not name.startswith("_"))


HOOKS = _hooks()


def test_the_hooks_are_the_documented_families():
    assert (
        sorted(
            [
                *hookspecs.REGISTRATION_HOOKS,
                *hookspecs.AFTER_COMMIT_HOOKS,
                *hookspecs.RESOLVER_HOOKS,
                "yishi_register_commands",
            ]
        )
        == HOOKS
    )
    assert all(name.startswith("yishi_") for name in HOOKS)


def test_markers_and_entry_point_group():
    assert hookspecs.PROJECT == "yishi"
    assert yishi.hookimpl is hookspecs.hookimpl and "hookimpl" in yishi.__all__
    assert hookspecs.hookimpl.project_name == hookspecs.hookspec.project_name == "yishi"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_docstring_saying_when_what_and_failure(hook):
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    assert len(doc) > 200, hook
    assert "Called" in doc  # when
    assert ":param" in doc and ":returns:" in doc  # arguments and return
    assert "raise" in doc  # what happens if it raises


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_with_its_signature(hook):
    arguments = ", ".join(inspect.signature(getattr(hookspecs, hook)).parameters)
    assert f"### `{hook}({arguments})`" in DOC, hook


def _test_names() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    return names


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook):
    assert f"test_hook_{hook}" in _test_names(), hook


def test_the_documented_hooks_all_exist():
    documented = set(re.findall(r"^### `(yishi_\w+)\(", DOC, flags=re.M))
    assert documented == set(HOOKS)


def test_the_built_in_tuple_is_documented():
    from yishi.plugins import BUILTIN_PLUGINS

    for path in BUILTIN_PLUGINS:
        assert f"`{path}`" in DOC, path
