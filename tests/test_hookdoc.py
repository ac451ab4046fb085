"""Meta-tests of the hook reference: generated, up to date, typed, versioned, tested."""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import pytest

from yishi import hookspecs
from yishi.plugins import hookdoc

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "plugins" / "hooks.md"
HOOKS = hookdoc.hook_names()


def test_docs_plugins_hooks_md_is_generated_from_the_docstrings() -> None:
    expected = hookdoc.render()
    if os.environ.get("YISHI_UPDATE_GOLDEN") == "1":
        REFERENCE.write_text(expected, encoding="utf-8")
    assert REFERENCE.read_text(encoding="utf-8") == expected, (
        "docs/plugins/hooks.md is stale: run"
        " `python -m yishi.plugins.hookdoc docs/plugins/hooks.md`"
    )


def test_every_hook_is_in_a_family_of_the_reference() -> None:
    listed = [name for _, names in hookdoc.FAMILIES for name in names]
    assert sorted(listed) == sorted(hookdoc.hook_names())
    assert len(listed) == len(set(listed))


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_says_the_version_it_was_added_in(hook: str) -> None:
    version = hookdoc.version_added(hook)
    assert version is not None, f"{hook}: add `.. versionadded:: X.Y` to its docstring"
    assert all(part.isdigit() for part in version.split(".")), version


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_typed(hook: str) -> None:
    signature = inspect.signature(getattr(hookspecs, hook))
    untyped = [p.name for p in signature.parameters.values() if p.annotation is p.empty]
    assert untyped == [], f"{hook}: annotate {', '.join(untyped)}"
    assert signature.return_annotation is not signature.empty, f"{hook}: annotate the return"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_in_the_generated_reference(hook: str) -> None:
    assert f"### `{hook}`" in hookdoc.render()


def test_an_undocumented_or_untyped_hook_would_be_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks above fail for a hook without a version, types or docstring."""

    def yishi_something_new(engine, events):  # type: ignore[no-untyped-def]
        pass

    monkeypatch.setattr(hookspecs, "yishi_something_new", yishi_something_new, raising=False)
    assert "yishi_something_new" in hookdoc.hook_names()
    assert hookdoc.version_added("yishi_something_new") is None
    with pytest.raises(AssertionError):
        test_hook_is_typed("yishi_something_new")
    with pytest.raises(AssertionError):
        test_every_hook_is_in_a_family_of_the_reference()
