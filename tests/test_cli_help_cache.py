"""``yishi --help`` lists plugin commands from a remembered list, without loading plugins."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PLUGIN = """
    from yishi import hookimpl

    @hookimpl
    def yishi_register_commands(cli):
        @cli.command(name="hello-cache", help="{words}")
        def hello():
            print("你好")
"""

# --help in-process, then which of the plugin's modules and the host were imported
PROBE = """
import sys
sys.argv = ["yishi", "--help"]
from yishi.cli import main
try:
    main()
except SystemExit:
    pass
loaded = sorted(m for m in sys.modules if m in ("cache_plugin", "yishi.plugins.host"))
print("LOADED", loaded, file=sys.stderr)
"""


def _install(site: Path, words: str) -> None:
    (site / "cache_plugin.py").write_text(
        textwrap.dedent(PLUGIN.format(words=words)), encoding="utf-8"
    )
    info = site / "cache_plugin-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: cache_plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text("[yishi]\ncache = cache_plugin\n", encoding="utf-8")


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(ROOT / "src")]),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "COLUMNS": "100",
    }
    env.pop("YISHI_DISABLE_PLUGIN_AUTOLOAD", None)
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done


def test_help_lists_plugin_commands_from_the_cache_and_notices_a_change(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    _install(site, "第一版说明")
    first = _run(tmp_path, "-c", PROBE)
    assert "hello-cache" in first.stdout and "第一版说明" in first.stdout
    assert "LOADED ['cache_plugin', 'yishi.plugins.host']" in first.stderr  # a miss loads them
    assert (tmp_path / "cache" / "yishi" / "plugin-commands.json").exists()

    second = _run(tmp_path, "-c", PROBE)
    assert second.stdout == first.stdout  # the same listing, word for word
    assert "LOADED []" in second.stderr  # neither the plugin nor the host was imported

    # the plugin changes in place (an editable install): the listing follows
    _install(site, "第二版说明")
    stamp = (site / "cache_plugin.py").stat().st_mtime_ns + 10**9
    os.utime(site / "cache_plugin.py", ns=(stamp, stamp))
    third = _run(tmp_path, "-c", PROBE)
    assert "第二版说明" in third.stdout and "第一版说明" not in third.stdout
    assert "LOADED ['cache_plugin', 'yishi.plugins.host']" in third.stderr

    # a plugin command still runs the plugin itself
    assert _run(tmp_path, "-m", "yishi", "hello-cache").stdout == "你好\n"


def test_an_unreadable_cache_only_means_loading_the_plugins(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    _install(site, "说明")
    (tmp_path / "cache" / "yishi").mkdir(parents=True)
    (tmp_path / "cache" / "yishi" / "plugin-commands.json").write_text("{not json", "utf-8")
    shown = _run(tmp_path, "-c", PROBE)
    assert "hello-cache" in shown.stdout
    assert "LOADED ['cache_plugin', 'yishi.plugins.host']" in shown.stderr


def test_a_cache_folder_that_cannot_be_made_only_means_loading_the_plugins(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    _install(site, "说明")
    (tmp_path / "cache").write_text("a file where the folder should be", "utf-8")
    for _ in range(2):  # nothing is written, so both runs load the plugins
        shown = _run(tmp_path, "-c", PROBE)
        assert "hello-cache" in shown.stdout
        assert "LOADED ['cache_plugin', 'yishi.plugins.host']" in shown.stderr
