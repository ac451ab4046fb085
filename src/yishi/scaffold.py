"""``yishi plugin new NAME``: a plugin project that passes its own tests straight away.

The project is a separate distribution, ``yishi-NAME``, with the module
``yishi_NAME``, made known to yishi through the entry point group ``yishi``
(the only way yishi finds a plugin), one hook, and tests that use the
fixtures of :mod:`yishi.testing` (loaded by pytest through ``pytest11``).
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

NAME = re.compile(r"[a-z][a-z0-9_]*(-[a-z0-9_]+)*")


class ScaffoldError(Exception):
    """Nothing was written; ``zh`` and ``en`` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


def _yishi_version() -> str:
    try:
        return metadata.version("yishi")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        return "0.1"


def files(name: str) -> dict[str, str]:
    """The project's files by relative path."""
    module = "yishi_" + name.replace("-", "_")
    version = _yishi_version()
    return {
        "pyproject.toml": f'''[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "yishi-{name}"
version = "0.1.0"
description = "A yishi plugin"
readme = "README.md"
requires-python = ">=3.10"
dependencies = ["yishi>={version}"]

[project.optional-dependencies]
test = ["pytest>=7.4"]

# How yishi finds the plugin: the entry-point group "yishi". `yishi plugins` lists it.
[project.entry-points.yishi]
{name} = "{module}.plugin"

[tool.hatch.build.targets.wheel]
packages = ["src/{module}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
''',
        "README.md": f"""# yishi-{name}

A plugin for [yishi](https://pypi.org/project/yishi/).

    pip install -e .            # yishi finds it through its entry point
    yishi plugins               # lists: {name}  0.1.0  yishi_events_appended
    python -m pytest            # its tests, with the fixtures of yishi.testing

The hooks a plugin may implement: docs/plugins/hooks.md in yishi's repository.
""",
        f"src/{module}/__init__.py": f'"""The yishi plugin {name}."""\n',
        f"src/{module}/plugin.py": f'''"""The hooks of the plugin {name}.

yishi loads this module through the entry point in pyproject.toml and calls
the functions marked ``@hookimpl`` that are named after one of its hooks.
"""

from __future__ import annotations

import collections
from typing import Any

from yishi import hookimpl

# What was appended, by event type: a start; send it somewhere useful instead.
COUNTS: collections.Counter[str] = collections.Counter()


@hookimpl
def yishi_events_appended(engine: Any, events: list[Any]) -> None:
    """Called after each append, once the events are durably in the log.

    Side effects belong here (send a message, feed an index). Never write to
    the log from here; if this raises, the failure is recorded with the
    plugin's name and ``yishi hooks --retry`` calls it again.
    """
    for stored in events:
        COUNTS[stored.event.type] += 1
''',
        "tests/test_plugin.py": f'''"""Tests of the plugin, with the fixtures of yishi.testing (a pytest plugin of yishi)."""

from __future__ import annotations

from yishi.plugins import PluginHost

from {module} import plugin


def test_the_hook_counts_what_is_appended(yishi_engine, yishi_plugins, yishi_community):
    plugin.COUNTS.clear()
    assert yishi_plugins.add(plugin) == []  # registered for this test only
    yishi_community(yishi_engine, adults=62)  # a village: 62 people registered
    assert plugin.COUNTS["PersonRegistered"] == 62


def test_yishi_finds_the_installed_plugin_through_its_entry_point():
    host = PluginHost.load()
    assert host.problems == []
    assert "{name}" in [p.name for p in host.plugins()]
''',
    }


def scaffold(name: str, directory: Path) -> list[Path]:
    """Write the project into ``directory`` (new or empty); the files written."""
    if not NAME.fullmatch(name):
        raise ScaffoldError(
            f"插件名 {name!r} 无效：应为小写英文字母开头，只含小写字母、数字、- 与 _",
            f"invalid plugin name {name!r}: lower-case ASCII letters, digits, - and _,"
            " starting with a letter",
        )
    if directory.exists() and any(directory.iterdir()):
        raise ScaffoldError(
            f"目录 {directory} 已存在且不为空，未写入任何文件",
            f"{directory} exists and is not empty; nothing was written",
        )
    written = []
    for relative, text in files(name).items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
