"""`yishi migrate` between two SQLite logs, and naming a store on the command line.

PostgreSQL both ways is tested with the plugin (plugins/yishi-postgres/tests)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from yishi.cli import main
from yishi.demo import run_demo
from yishi.plugins.host import PluginHost
from yishi.plugins.locations import backend_of
from yishi.store.memory import MemoryStore
from yishi.store.migrate import MigrationRefused, migrate
from yishi.store.sqlite import SQLiteStore
from yishi.testing.store_contract import appended, ballot, person


@pytest.fixture(scope="module")
def demo_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo")
    run_demo(directory)
    return directory / "yishi.db"


ROWS = "SELECT seq, stream, version, type, payload, command, prev, hash FROM events"
FACTS = "SELECT key, seq FROM facts ORDER BY key"


def test_a_log_copied_to_another_file_is_the_same_record(demo_log: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    result = CliRunner().invoke(main, ["migrate", str(demo_log), f"sqlite:{target}"])
    assert result.exit_code == 0, result.output
    assert "两侧核验完好" in result.output
    with sqlite3.connect(demo_log) as a, sqlite3.connect(target) as b:
        assert a.execute(ROWS).fetchall() == b.execute(ROWS).fetchall()
        assert a.execute(FACTS).fetchall() == b.execute(FACTS).fetchall()
    assert CliRunner().invoke(main, ["verify", "--db", str(target)]).exit_code == 0


def test_commands_and_fingerprints_come_along() -> None:
    source, target = MemoryStore(), MemoryStore()
    appended(source, person("a"), command="k1", fingerprint="f1")
    appended(source, ballot("a"), person("b"))
    appended(source, ballot("b"), command="k2", fingerprint="f2")
    result = migrate(source, target)
    assert (result.records, result.commands) == (4, 2)
    assert sorted(target.raw_commands()) == sorted(source.raw_commands())
    assert list(target.raw_records()) == list(source.raw_records())


def test_a_target_with_records_is_refused(demo_log: Path, tmp_path: Path) -> None:
    target = tmp_path / "busy.db"
    with SQLiteStore(target) as store:
        appended(store, person("a"))
    result = CliRunner().invoke(main, ["migrate", str(demo_log), str(target), "--lang", "en"])
    assert result.exit_code == 1
    assert "the target already holds 1 records" in result.output


def test_a_damaged_source_is_refused(tmp_path: Path) -> None:
    source = MemoryStore()
    appended(source, person("a"), person("b"))
    source._records[1] = source._records[1].__class__(
        *[*source._records[1].astuple()[:4], '{"tampered":1}', *source._records[1].astuple()[5:]]
    )
    with pytest.raises(MigrationRefused) as refused:
        migrate(source, MemoryStore())
    assert refused.value.code == "migrate_source_damaged"
    assert "第 2 条" in refused.value.message()


def test_a_missing_source_file_is_named(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["migrate", str(tmp_path / "none.db"), "x.db"])
    assert result.exit_code == 2
    assert "找不到记录文件" in result.output
    assert not Path("x.db").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yishi.db", ("sqlite", "yishi.db")),
        ("sqlite:a/b.db", ("sqlite", "a/b.db")),
        ("memory:", ("memory", "")),
        ("postgresql://h/city?community=x", ("postgres", "postgresql://h/city?community=x")),
        ("postgres://h/city", ("postgres", "postgres://h/city")),
        ("C:/logs/yishi.db", ("sqlite", "C:/logs/yishi.db")),
        ("nosuch:thing", ("sqlite", "nosuch:thing")),
    ],
)
def test_locations_name_their_backend(text: str, expected: tuple[str, str]) -> None:
    assert backend_of(text, PluginHost.load(entry_points=False)) == expected


def test_a_backend_no_plugin_registers_is_named(tmp_path: Path) -> None:
    from yishi.plugins.locations import open_location

    with pytest.raises(LookupError):
        open_location("postgresql://h/city", PluginHost.load(entry_points=False))


def test_a_migration_reports_each_phase_from_nothing_to_every_record(
    demo_log: Path, tmp_path: Path
) -> None:
    told: list[tuple[str, int, int]] = []
    with SQLiteStore(demo_log) as source, SQLiteStore(tmp_path / "copy.db") as target:
        result = migrate(source, target, progress=lambda *p: told.append(p))
    total = result.records
    phases = [phase for phase, _, _ in told]
    assert list(dict.fromkeys(phases)) == ["source", "copy", "target"]
    for phase in ("source", "copy", "target"):
        mine = [(done, all_) for p, done, all_ in told if p == phase]
        assert mine[0] == (0, total) and all(all_ == total for _, all_ in mine)
        assert [done for done, _ in mine] == sorted(done for done, _ in mine)
    assert told[phases.index("target") - 1] == ("copy", total, total)


def test_the_migrate_command_draws_a_bar_for_each_phase_on_a_terminal(
    demo_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    import yishi.progress as progress
    from yishi.cli_tools import MigrationBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "EVERY", 0.0)
    monkeypatch.setattr(progress.sys, "stderr", screen)
    with (
        SQLiteStore(demo_log) as source,
        SQLiteStore(tmp_path / "copy.db") as target,
        MigrationBar("zh") as bar,
    ):
        migrate(source, target, progress=bar)
    text = screen.getvalue()
    for label in ("核验源记录", "复制记录", "核验副本"):
        assert label in text
    assert text.endswith("\r\x1b[K")
