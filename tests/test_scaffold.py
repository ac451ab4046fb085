"""`yishi plugin new`: the scaffolded project installs, passes its own tests and is listed.

End to end as a plugin author would go: scaffold into a temporary folder, pip
install it (--no-deps) into a fresh virtualenv that sees this one's packages,
run its pytest there, and find it in `yishi plugins`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from click.testing import CliRunner

from yishi.cli import main


def test_a_bad_name_or_a_busy_folder_writes_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["plugin", "new", "Bad Name", "--dir", str(tmp_path / "x")])
    assert result.exit_code == 2 and "插件名" in result.output
    assert not (tmp_path / "x").exists()
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    result = CliRunner().invoke(
        main, ["plugin", "new", "ok", "--dir", str(tmp_path / "busy"), "--lang", "en"]
    )
    assert result.exit_code == 2 and "not empty" in result.output
    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["keep.txt"]


def test_the_scaffold_installs_passes_its_tests_and_is_listed(tmp_path: Path) -> None:
    project = tmp_path / "yishi-hello"
    result = CliRunner().invoke(main, ["plugin", "new", "hello", "--dir", str(project)])
    assert result.exit_code == 0, result.output
    assert (project / "src" / "yishi_hello" / "plugin.py").is_file()

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # The fresh environment sees this one's packages (yishi, pytest, …), .pth files included.
    ours = sysconfig.get_paths()["purelib"]
    Path(site, "yishi-parent.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def run(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(a) for a in args], capture_output=True, text=True, env=env, cwd=tmp_path
        )

    installed = run(python, "-m", "pip", "install", "-q", "--no-deps", project)
    assert installed.returncode == 0, installed.stderr
    tests = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", project / "tests")
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "2 passed" in tests.stdout
    listed = run(python, "-m", "yishi", "plugins")
    assert "hello\t0.1.0\tyishi_events_appended" in listed.stdout, listed.stdout + listed.stderr
    assert sys.executable != str(python)
