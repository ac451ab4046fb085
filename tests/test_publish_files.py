"""The file publisher: one Markdown file per disclosure, written atomically, with its checkpoint."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.conftest import EXAMPLES
from yishi.plugins.host import PluginHost
from yishi.publish.files import FilePublisher, notice_filename, render_markdown, write_atomic
from yishi.publish.notice import Notice
from yishi.scenario import load_scenario, run_scenario
from yishi.store.memory import MemoryStore


def _notice(**changes) -> Notice:
    base = {
        "disclosure": "m1-d1",
        "matter": "m1",
        "kind": "resolution",
        "title": "村道硬化（决议公开）",
        "posted_on": dt.date(2026, 3, 17),
        "text": "公示：村道硬化（决议公开）\n\n事项：村道硬化（m1）\n\n决策过程：\n- 2026-03-16 决议：通过\n  赞成 22 票\n  反对 2 票\n- 2026-03-18 另一次会议：通过\n\n公示期：至 3 月 23 日。\n如有异议，3 日内答复。",
        "checkpoint": {"size": 41, "head": "ab" * 32},
        "position": 42,
    }
    return Notice(**{**base, **changes})


def test_every_disclosure_of_a_scenario_becomes_a_file(tmp_path):
    publisher = FilePublisher(tmp_path)
    host = PluginHost.load([publisher], entry_points=False)
    store = MemoryStore()
    report = run_scenario(
        load_scenario(EXAMPLES / "01_land_lease_passes.toml"), store=store, plugins=host
    )
    assert store.hook_failures() == []
    state = report.engine.state
    assert sorted(p.name for p in tmp_path.iterdir()) == ["公示-m1-d1.md", "公示-m1-d2.md"]
    for disclosure in state.disclosures.values():
        text = (tmp_path / notice_filename(disclosure.id)).read_text(encoding="utf-8")
        assert text.startswith(f"# 公示：{disclosure.title}\n")
        assert disclosure.checkpoint is not None
        assert f"生成时日志条数：{disclosure.checkpoint['size']}" in text
        assert disclosure.checkpoint["head"] in text
        assert "赞成 22 票" in text
        assert text.count("存证核验") == 1  # the notice's own line is not repeated


def test_markdown_keeps_the_lines_of_the_notice():
    text = render_markdown(_notice())
    assert "**决策过程：**" in text
    assert "- 2026-03-16 决议：通过\\\n  赞成 22 票\\\n  反对 2 票\n- 2026-03-18" in text
    assert "公示期：至 3 月 23 日。\\\n如有异议" in text
    assert f"`yishi verify --checkpoint 41:{'ab' * 32}`" in text
    assert "- 记录位置：第 42 条" in text
    english = render_markdown(_notice(), "en", db="x/yishi.db")
    assert (
        english.startswith("# Notice: ") and "yishi verify --db x/yishi.db --checkpoint" in english
    )


def test_a_notice_without_a_checkpoint_says_so():
    assert "（无存证" in render_markdown(_notice(checkpoint=None))


@pytest.mark.parametrize(
    ("disclosure", "name"),
    [
        ("m1-d1", "公示-m1-d1.md"),
        ("a/b:c", "公示-a_b_c.md"),
        ("2026-01-决议", "公示-2026-01-决议.md"),
    ],
)
def test_file_names(disclosure, name):
    assert notice_filename(disclosure) == name


def test_an_atomic_write_replaces_whole_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / "公示-x.md"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"third")
    assert target.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["公示-x.md"]  # no temporary file left


def test_a_failing_publisher_is_recorded_and_the_log_stands(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("", encoding="utf-8")
    host = PluginHost.load([FilePublisher(blocked)], entry_points=False)
    store = MemoryStore()
    report = run_scenario(
        load_scenario(EXAMPLES / "01_land_lease_passes.toml"), store=store, plugins=host
    )
    failures = store.hook_failures()
    assert [f.hook for f in failures] == ["yishi_disclosure_published"] * 2
    assert report.engine.state.matters["m1"].status == "completed"
