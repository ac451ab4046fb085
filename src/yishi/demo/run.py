"""``yishi demo``: generate the village, play the land lease on SQLite, write the outputs.

The directory holds only what the demo writes: the log (``yishi.db``), the
attachments beside it (``evidence/``), the two notices (``公示-*.md``) and a
small marker (``.yishi-demo.json``) listing them, so that running the demo
again can replace exactly its own files and refuse a directory that holds
anything else.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import attrs

from yishi.demo.story import Story, build_story
from yishi.demo.text import render
from yishi.demo.village import Village, generate_village
from yishi.domain import events as ev
from yishi.domain.evidence import Evidence
from yishi.plugins.host import PluginHost
from yishi.publish.board_cli import Published, publish_all
from yishi.publish.files import FilePublisher, notice_filename, write_atomic
from yishi.publish.site import BoardOptions
from yishi.report import to_text
from yishi.rulesets.registry import find
from yishi.scenario.format import Scenario
from yishi.scenario.run import RunReport, run_scenario
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import VerifyReport, verify_sqlite

RULESET = "siyi_liang_gongkai"
DEFAULT_DIR = Path("yishi-demo")
DB_NAME = "yishi.db"
EVIDENCE = "evidence"
BOARD = "board"  # the static board and, under board/print/, the notices to print
MARKER = ".yishi-demo.json"
# 2: every file with its SHA-256, and the log's head, so that a file changed or
# put there since is never taken for the demo's own and deleted.
MARKER_FORMAT = "yishi-demo/2"
# SQLite's own companions of the log file, present while it is open or after a crash.
SIDECARS = tuple(DB_NAME + suffix for suffix in ("-wal", "-shm", "-journal", "-writer"))


class DemoError(Exception):
    """The demo cannot run here; the message says why, in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@attrs.frozen
class DemoResult:
    directory: Path
    db: Path
    notices: tuple[Path, ...]
    evidence: tuple[Evidence, ...]
    village: Village
    story: Story
    report: RunReport  # its engine's store is closed; read ``report.engine.state``
    events: tuple[ev.Event, ...]  # the whole log, read before the store was closed
    verify: VerifyReport
    timeline: str  # the scenario timeline alone (report.to_text)
    text: str  # everything `yishi demo` prints
    board: Path | None = None  # the board's index page
    printed: tuple[Path, ...] = ()  # the notices to print (PDF, or HTML without WeasyPrint)
    print_problem: str = ""

    @property
    def ok(self) -> bool:
        refused_unexpectedly = [
            r for r in self.report.results if r.refusal is not None and r.step.expect != "refused"
        ]
        return self.verify.ok and not self.report.unexpected and not refused_unexpectedly


def run_demo(directory: str | Path = DEFAULT_DIR, *, lang: str = "zh") -> DemoResult:
    """Build the sample village, play the matter through all six steps, write and verify.

    Raises :class:`DemoError` if ``directory`` holds files the demo did not write.
    """
    directory = Path(directory)
    _prepare(directory)
    village = generate_village()
    ruleset = find(RULESET)
    db = directory / DB_NAME
    shown_db = "" if directory == DEFAULT_DIR else str(db)
    publisher = FilePublisher(directory, db=shown_db)
    attached: list[Evidence] = []
    store = SQLiteStore(db)
    try:
        evidence_store = store.evidence
        assert evidence_store is not None

        def attach(data: bytes, name: str, media_type: str, note: str) -> Evidence:
            item = evidence_store.put_bytes(data, name, media_type, note)
            attached.append(item)
            return item

        story = build_story(village, attach)
        scenario = Scenario(
            file="yishi demo",
            title=story.title,
            ruleset=RULESET,
            base_dir=Path(__file__).resolve().parent,
            setup=village.setup_command(),
            steps=story.steps,
            until=story.until,
            community=village.name,
        )
        host = PluginHost.load([publisher], entry_points=False)
        report = run_scenario(scenario, store=store, plugins=host)
        failures = store.hook_failures()
        timeline = to_text(report, lang)
        events = tuple(report.all_events())
    finally:
        store.close()
    if failures:
        first = failures[0]
        raise DemoError(
            f"公示文件未能写出（插件 {first.plugin}）：{first.error}",
            f"could not write the notices (plugin {first.plugin}): {first.error}",
        )
    verify = verify_sqlite(db)
    published = _publish(directory, report, events, lang)
    _write_marker(directory)
    notices = tuple(directory / notice_filename(d) for d in story.disclosures)
    result = DemoResult(
        directory=directory,
        db=db,
        notices=notices,
        evidence=tuple(attached),
        village=village,
        story=story,
        report=report,
        events=events,
        verify=verify,
        timeline=timeline,
        text="",
        board=published.index,
        printed=published.notices,
        print_problem=published.pdf_problem,
    )
    return attrs.evolve(
        result, text=render(result, ruleset, lang, default=directory == DEFAULT_DIR)
    )


def _publish(
    directory: Path, report: RunReport, events: tuple[ev.Event, ...], lang: str
) -> Published:
    """The board and the printed notices, through the board and print publishers' code,
    naming the village as its log records it."""
    engine = report.engine
    options = BoardOptions(lang=lang)
    return publish_all(directory / BOARD, engine.state, engine.rulesets, list(events), options)


# -- the output directory ---------------------------------------------------------


def _marker(directory: Path) -> dict[str, Any] | None:
    """The previous run's marker, if it is one this version wrote."""
    try:
        marker = json.loads((directory / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("format") != MARKER_FORMAT:
        return None
    return marker


def _ours(directory: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of each file the previous demo run wrote."""
    marker = _marker(directory)
    files = marker.get("files") if marker is not None else None
    if not isinstance(files, dict):
        return {}
    return {str(k): str(v) for k, v in files.items() if isinstance(k, str)}


def _digest(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def log_head(db: Path) -> list[Any] | None:
    """``[size, hash]`` of the log at ``db``, read without writing; None if it is not one."""
    import sqlite3

    if not db.is_file() or db.is_symlink():
        return None
    try:
        connection = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = connection.execute(
                "SELECT seq, hash, (SELECT count(*) FROM events) FROM events"
                " ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return [row[2], row[1]] if row else [0, ""]


def _recognised(relative: str, recorded: dict[str, str], has_marker: bool, directory: Path) -> bool:
    parts = Path(relative).parts
    path = directory / relative
    if relative in recorded and not path.is_symlink():
        # Only if unchanged: a notice someone edited, or a file put in its place, stays.
        return _digest(path) == recorded[relative]
    if len(parts) == 1:
        name = parts[0]
        if name == DB_NAME:
            marker = _marker(directory) or {}
            if marker.get("log") is not None:
                # The demo's own log, exactly as it left it: never a real log put
                # in its place, nor the demo's log with records added since.
                return log_head(path) == marker["log"]
            return has_marker and bool(marker.get("running"))  # an interrupted run's
        if name in SIDECARS:
            return has_marker
        # a notice being written when a run was interrupted
        return has_marker and name.startswith(".公示-") and name.endswith(".tmp")
    # attachments stored by content (evidence/ab/ab12…), and temporary files
    # of a write that was interrupted
    if not has_marker or parts[0] != EVIDENCE or path.is_symlink():
        return False
    if parts[-1].startswith(".tmp-"):
        return True
    # Stored by content: its name is its digest, so an interrupted run's files are
    # recognised by reading them, never by name alone.
    return _STORED.fullmatch("/".join(parts[1:])) is not None and _digest(path) == parts[-1]


_STORED = re.compile(r"([0-9a-f]{2})/\1[0-9a-f]{62}")


def foreign_files(directory: Path) -> list[str]:
    """Files in ``directory`` that the demo did not write (relative paths, sorted)."""
    if not directory.exists():
        return []
    has_marker = _marker(directory) is not None
    recorded = _ours(directory)
    found = []
    for path in sorted(directory.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            continue
        relative = path.relative_to(directory).as_posix()
        if relative == MARKER and has_marker:
            continue
        if _recognised(relative, recorded, has_marker, directory):
            continue
        found.append(relative)
    return found


def _prepare(directory: Path) -> None:
    """Make ``directory`` empty of the demo's previous output; refuse anything else."""
    if directory.exists() and not directory.is_dir():
        raise DemoError(
            f"{directory} 已存在且不是目录，请换一个目录（--dir）。",
            f"{directory} exists and is not a directory; choose another (--dir).",
        )
    foreign = foreign_files(directory)
    if foreign:
        listed = "、".join(foreign[:5]) + ("……" if len(foreign) > 5 else "")
        listed_en = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        raise DemoError(
            f"{directory} 中有不是演示生成的文件（{listed}），为免误删，演示不在这里运行。"
            "请换一个目录（--dir），或先移走这些文件。",
            f"{directory} holds files the demo did not write ({listed_en}); to be safe the demo "
            "will not run there. Choose another directory (--dir) or move those files away.",
        )
    if directory.exists():
        for path in sorted(directory.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if path.is_dir() and not path.is_symlink():
                path.rmdir()  # empty by now: its files were removed first (deepest first)
            else:
                path.unlink()
    directory.mkdir(parents=True, exist_ok=True)
    _write_marker(directory, running=True)


def _write_marker(directory: Path, running: bool = False) -> None:
    files = (
        {}
        if running
        else {
            p.relative_to(directory).as_posix(): _digest(p)
            for p in sorted(directory.rglob("*"))
            if p.is_file() and not p.is_symlink() and p.name not in (MARKER, DB_NAME, *SIDECARS)
        }
    )
    marker: dict[str, Any] = {
        "format": MARKER_FORMAT,
        "note": "yishi demo 生成的文件及其摘要；再次运行 yishi demo 时只替换未被改动的这些文件。",
        "running": running,
        "log": None if running else log_head(directory / DB_NAME),
        "files": files,
    }
    write_atomic(
        directory / MARKER,
        (json.dumps(marker, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
    )
