"""Progress bars (stderr, terminals only) and opening a log with one read."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

import yishi.progress as progress
from tests import workloads as w
from yishi.engine import Engine
from yishi.log import open_engine
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import verify_sqlite


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_is_drawn_on_a_terminal_and_cleared_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "EVERY", 0.0)
    screen = Terminal()
    with progress.Progress("核验", stream=screen) as bar:
        bar(50, 100)
    text = screen.getvalue()
    assert "核验" in text and "50/100" in text and " 50%" in text
    assert text.endswith("\r\x1b[K")


def test_nothing_is_written_to_a_pipe_or_for_short_work(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    with progress.Progress("核验", stream=pipe) as bar:
        bar(50, 100)
    assert pipe.getvalue() == ""
    screen = Terminal()  # a terminal, but the work ends before the first half second
    with progress.Progress("核验", stream=screen) as bar:
        bar(50, 100)
    assert screen.getvalue() == ""


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "yishi.db"
    engine = Engine(SQLiteStore(path), w.ruleset())
    w.set_up(engine, members=8)
    w.open_meeting(engine, "mx", "mt", w.DAY, [w.member(i) for i in range(8)])
    engine.store.close()
    # the log's rule set, where open_engine looks for a local one: beside the log
    (tmp_path / f"{w.ruleset().id}.toml").write_text(w.RULESET_TOML, encoding="utf-8")
    return path


def test_verify_and_open_report_their_progress(log: Path) -> None:
    told: list[tuple[int, int]] = []
    report = verify_sqlite(log, progress=lambda done, total: told.append((done, total)))
    assert report.ok and told[0] == (0, report.head.size)
    engine = open_engine(log, progress=lambda done, total: told.append((done, total)))
    engine.store.close()


def test_opening_a_log_decodes_each_record_once(log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import yishi.store.sqlite as sqlite_module

    decoded: list[Any] = []
    decode = sqlite_module.event_from_dict

    def counted(data: Any) -> Any:
        decoded.append(data)
        return decode(data)

    monkeypatch.setattr(sqlite_module, "event_from_dict", counted)
    engine = open_engine(log)
    assert len(decoded) == engine.position  # the procedures are found without decoding
    assert list(engine.rulesets) == [w.ruleset().id]
    engine.store.close()


@pytest.mark.parametrize(
    "args",
    [
        ["stats", "--format", "json"],
        ["publish", "--no-pdf", "--to", "{out}"],
        ["hooks", "--retry"],
    ],
)
def test_every_command_that_opens_a_log_shows_its_reading(
    log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """A log of a million records takes seconds to open: each command that folds
    the whole log draws the bar while it does (on a terminal only)."""
    from click.testing import CliRunner

    import yishi.log
    from yishi.cli import main

    bars: list[Any] = []
    real = yishi.log.open_engine

    def watched(*a: Any, **kw: Any) -> Any:
        bars.append(kw.get("progress"))
        return real(*a, **kw)

    monkeypatch.setattr(yishi.log, "open_engine", watched)
    argv = [a.replace("{out}", str(tmp_path / "board")) for a in args]
    result = CliRunner().invoke(main, [*argv, "--db", str(log)])
    assert result.exit_code == 0, result.output
    assert bars and all(isinstance(bar, progress.Progress) for bar in bars)
