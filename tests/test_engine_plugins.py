"""Plugins next to the log (reliability plan T23): a failing or hostile plugin
cannot corrupt the log or block voting; failures are recorded with the plugin's
name and can be retried."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests import workloads as w
from yishi.cli import main
from yishi.engine import QUARANTINE_AFTER, Engine
from yishi.hookspecs import hookimpl
from yishi.plugins.host import PluginHost
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import verify_sqlite


class Healthy:
    def __init__(self) -> None:
        self.positions: list[int] = []
        self.notices: list[str] = []

    @hookimpl
    def yishi_events_appended(self, engine: Any, events: list[Any]) -> None:
        self.positions += [e.position for e in events]

    @hookimpl
    def yishi_disclosure_published(self, engine: Any, notice: Any) -> None:
        self.notices.append(notice.disclosure)


class Broken:
    """Fails until ``fixed``; meanwhile tries every kind of mischief."""

    def __init__(self) -> None:
        self.fixed = False
        self.calls = 0
        self.delivered: list[int] = []

    @hookimpl
    def yishi_events_appended(self, engine: Any, events: list[Any]) -> None:
        self.calls += 1
        if not self.fixed:
            events.clear()  # mutate what it was given
            raise OSError("公示屏连接失败")
        self.delivered += [e.position for e in events]


class Writer:
    """Tries to append from inside a notification."""

    @hookimpl
    def yishi_events_appended(self, engine: Any, events: list[Any]) -> None:
        engine.tick()


def run(tmp_path: Path, *plugins: object, matters: int = 3) -> tuple[Engine, PluginHost]:
    host = PluginHost.load(extra=plugins, entry_points=False)
    engine = Engine(SQLiteStore(tmp_path / "yishi.db"), w.ruleset(), plugins=host)
    w.build_log(engine, members=12, matters=matters, seed=7, evidence=None)
    return engine, host


def control_size(tmp_path: Path) -> int:
    engine, _ = run(tmp_path / "control")
    size = engine.store.head().size
    engine.store.close()
    return size


@pytest.fixture
def control(tmp_path: Path) -> int:
    (tmp_path / "control").mkdir()
    return control_size(tmp_path)


def test_a_failing_plugin_neither_blocks_nor_changes_the_log(tmp_path, control):
    healthy, broken = Healthy(), Broken()
    engine, _ = run(tmp_path, healthy, broken)
    size = engine.store.head().size
    assert size == control  # every append went through
    assert healthy.positions == list(range(1, size + 1))  # the healthy one missed nothing
    assert len(healthy.notices) == 3
    assert verify_sqlite(tmp_path / "yishi.db").ok
    failures = engine.store.hook_failures()
    assert failures and {f.plugin for f in failures} == {"Broken"}
    first, *rest = failures
    assert "OSError" in first.error and "公示屏连接失败" in first.error
    assert all("公示屏连接失败" in f.error or "quarantined" in f.error for f in rest)
    # Every event the broken plugin was told about is covered by a recorded failure.
    covered = {p for f in failures for p in range(f.first, f.last + 1)}
    assert covered == set(range(1, size + 1))


def test_after_repeated_failures_a_plugin_is_quarantined_then_retried(tmp_path):
    broken = Broken()
    engine, _ = run(tmp_path, broken, matters=2)
    appends = len(engine.store.hook_failures())
    assert broken.calls == QUARANTINE_AFTER < appends  # not called once quarantined
    assert any("quarantined" in f.error for f in engine.store.hook_failures())
    broken.fixed = True
    assert engine.retry_hooks() == []
    assert broken.delivered == list(range(1, engine.store.head().size + 1))
    # Back in service: the next append reaches it at once.
    calls = broken.calls
    w.run_matter(engine, 9, 12, random.Random(1))
    assert broken.calls > calls and engine.store.hook_failures() == []


def test_a_retry_that_fails_again_counts_an_attempt(tmp_path):
    broken = Broken()
    engine, _ = run(tmp_path, broken, matters=1)
    before = engine.store.hook_failures()
    after = engine.retry_hooks()
    assert [f.id for f in after] == [f.id for f in before]
    assert all(f.attempts == 2 for f in after)


def test_a_plugin_may_not_write_to_the_log(tmp_path, control):
    engine, _ = run(tmp_path, Writer())
    assert engine.store.head().size == control
    failures = engine.store.hook_failures()
    assert failures and "may not write" in failures[0].error


def test_yishi_hooks_lists_waiting_failures(tmp_path):
    engine, _ = run(tmp_path, Broken(), matters=1)
    waiting = len(engine.store.hook_failures())
    engine.store.close()
    result = CliRunner().invoke(main, ["hooks", "--db", str(tmp_path / "yishi.db")])
    assert result.exit_code == 1
    assert result.output.count("Broken yishi_events_appended") == waiting
    assert f"共 {waiting} 项待重试" in result.output
    # Retried from the command line, where that plugin is not installed: still waiting.
    rules = tmp_path / "wl.toml"
    rules.write_text(w.RULESET_TOML, encoding="utf-8")
    again = CliRunner().invoke(
        main, ["hooks", "--db", str(tmp_path / "yishi.db"), "--retry", "--rules", str(rules)]
    )
    assert again.exit_code == 1 and "not loaded" in again.output
    assert "已尝试 2 次" in again.output


def test_yishi_hooks_on_a_clean_log(tmp_path):
    engine, _ = run(tmp_path, Healthy(), matters=1)
    engine.store.close()
    result = CliRunner().invoke(main, ["hooks", "--db", str(tmp_path / "yishi.db")])
    assert result.exit_code == 0 and "没有待重试" in result.output
