"""``yishi --help`` (and plain ``yishi``) from the remembered rendering, without click.

Each run is a fresh process, as a user's is: one program named ``yishi`` that
enters through ``yishi.cli_fast`` (the installed entry point) and one, also
named ``yishi`` so click prints the same "Usage:" line, that goes straight to
click. The fast one must print the very bytes click prints.
"""

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
        @cli.command(name="{command}", help="{words}")
        def hello():
            print("你好")
"""


def _install(site: Path, module: str, command: str, words: str) -> None:
    (site / f"{module}.py").write_text(
        textwrap.dedent(PLUGIN.format(command=command, words=words)), encoding="utf-8"
    )
    info = site / f"{module}-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[yishi]\nx = {module}\n", encoding="utf-8")


def _setup(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    for kind, target in (("fast", "yishi.cli_fast"), ("click", "yishi.cli")):
        folder = tmp_path / kind
        folder.mkdir()
        (folder / "yishi").write_text(f"from {target} import main\nmain()\n", encoding="utf-8")
    return site


def _run(
    tmp_path: Path, kind: str, *args: str, columns: str = "100", **extra: str
) -> subprocess.CompletedProcess[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(ROOT / "src")]),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "COLUMNS": columns,
        "PYTHONIOENCODING": "utf-8",
        **extra,
    }
    if "YISHI_DISABLE_PLUGIN_AUTOLOAD" not in extra:
        env.pop("YISHI_DISABLE_PLUGIN_AUTOLOAD", None)
    return subprocess.run(
        [sys.executable, "-X", "importtime", str(tmp_path / kind / "yishi"), *args],
        env=env,
        capture_output=True,
        timeout=120,
    )


def _without_importtime(stderr: bytes) -> bytes:
    return b"".join(
        line for line in stderr.splitlines(keepends=True) if not line.startswith(b"import time:")
    )


def _imported_click(done: subprocess.CompletedProcess[bytes]) -> bool:
    return any(
        line.startswith(b"import time:") and line.rsplit(b"|", 1)[-1].strip() == b"click"
        for line in done.stderr.splitlines()
    )


def _same(fast: subprocess.CompletedProcess[bytes], click: subprocess.CompletedProcess[bytes]):
    assert fast.returncode == click.returncode
    assert fast.stdout == click.stdout
    assert _without_importtime(fast.stderr) == _without_importtime(click.stderr)


def _remembered(tmp_path: Path, *args: str, **options: str) -> subprocess.CompletedProcess[bytes]:
    """The fast program twice: the first renders through click and remembers, the
    second must answer from the file without importing click."""
    first = _run(tmp_path, "fast", *args, **options)
    assert _imported_click(first)
    second = _run(tmp_path, "fast", *args, **options)
    assert not _imported_click(second), "the remembered text was not used"
    _same(second, first)
    return second


def test_help_is_click_s_text_byte_for_byte_without_importing_click(tmp_path):
    site = _setup(tmp_path)
    _install(site, "fast_plugin_a", "hello-a", "第一个插件的说明")
    fast = _remembered(tmp_path, "--help")
    assert fast.returncode == 0 and b"hello-a" in fast.stdout
    assert fast.stdout.startswith(b"Usage: yishi [OPTIONS] COMMAND")
    _same(fast, _run(tmp_path, "click", "--help"))


def test_plain_yishi_prints_the_help_on_stderr_with_status_2_as_click_does(tmp_path):
    _setup(tmp_path)
    fast = _remembered(tmp_path)
    click = _run(tmp_path, "click")
    assert click.returncode == 2 and b"Usage: yishi" in click.stderr
    _same(fast, click)


def test_a_new_plugin_or_a_new_width_renders_again(tmp_path):
    site = _setup(tmp_path)
    _install(site, "fast_plugin_a", "hello-a", "第一个插件的说明")
    before = _remembered(tmp_path, "--help")

    _install(site, "fast_plugin_b", "hello-b", "第二个插件的说明")
    after = _run(tmp_path, "fast", "--help")
    assert _imported_click(after) and b"hello-b" in after.stdout
    _same(after, _run(tmp_path, "click", "--help"))

    narrow = _run(tmp_path, "fast", "--help", columns="60")
    assert _imported_click(narrow) and narrow.stdout != after.stdout
    _same(narrow, _run(tmp_path, "click", "--help", columns="60"))
    again = _run(tmp_path, "fast", "--help", columns="60")
    assert not _imported_click(again)
    _same(again, narrow)
    assert before.stdout != after.stdout


def test_switching_plugin_autoload_off_renders_again(tmp_path):
    site = _setup(tmp_path)
    _install(site, "fast_plugin_a", "hello-a", "第一个插件的说明")
    assert b"hello-a" in _remembered(tmp_path, "--help").stdout
    off = {"YISHI_DISABLE_PLUGIN_AUTOLOAD": "1"}
    without = _run(tmp_path, "fast", "--help", **off)
    assert _imported_click(without) and b"hello-a" not in without.stdout
    _same(without, _run(tmp_path, "click", "--help", **off))


def test_a_corrupt_or_unreadable_cache_falls_back_to_click(tmp_path):
    _setup(tmp_path)
    click = _run(tmp_path, "click", "--help")
    folder = tmp_path / "cache" / "yishi"
    folder.mkdir(parents=True, exist_ok=True)
    for garbage in (b"\xff\xfe not utf-8", b"no separators", b"", b"key\x00x\x00text"):
        (folder / "help.txt").write_bytes(garbage)
        shown = _run(tmp_path, "fast", "--help")
        assert _imported_click(shown)
        _same(shown, click)
    # a file where the folder should be: nothing can be remembered, help still works
    (tmp_path / "cache").rename(tmp_path / "cache-moved")
    (tmp_path / "cache").write_text("not a folder", encoding="utf-8")
    for _ in range(2):
        shown = _run(tmp_path, "fast", "--help")
        assert _imported_click(shown)
        _same(shown, click)


def test_other_arguments_go_to_click(tmp_path):
    _setup(tmp_path)
    _remembered(tmp_path, "--help")
    version = _run(tmp_path, "fast", "--version")
    assert version.returncode == 0 and _imported_click(version)
    _same(version, _run(tmp_path, "click", "--version"))
    sub = _run(tmp_path, "fast", "check", "--help")
    assert sub.returncode == 0 and b"Usage: yishi check" in sub.stdout
    assert not (tmp_path / "cache" / "yishi" / "help-check.txt").exists()


def test_python_m_yishi_help_imports_no_click_once_remembered(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "COLUMNS": "80",
        "PYTHONIOENCODING": "utf-8",
    }
    runs = [
        subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "yishi", "--help"],
            env=env,
            capture_output=True,
            timeout=120,
        )
        for _ in range(2)
    ]
    assert [_imported_click(done) for done in runs] == [True, False]
    assert runs[1].returncode == 0 and runs[1].stdout == runs[0].stdout
    assert runs[1].stdout.startswith(b"Usage: python -m yishi [OPTIONS]")


WHERE_DEFINED = """
import inspect, sys
from pathlib import Path
from yishi import cli, cli_fast
cli.loaded_plugins()  # the built-in plugins add commands too
watched = cli_fast.key(["--help"])
source = Path(cli.__file__).resolve().parent
checked = 0
for name, command in cli.main.commands.items():
    where = Path(inspect.getsourcefile(inspect.unwrap(command.callback)) or "").resolve()
    if source in where.parents:
        checked += 1
        if f"{where}:" not in watched:
            print("UNWATCHED", name, where)
print("CHECKED", checked)
"""


def test_every_built_in_command_is_defined_in_a_file_the_key_watches(tmp_path):
    """A command defined elsewhere would keep old help words in a working copy."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "YISHI_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = subprocess.run(
        [sys.executable, "-c", WHERE_DEFINED], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "UNWATCHED" not in done.stdout, done.stdout
    assert int(done.stdout.split("CHECKED")[1]) >= 10, done.stdout
