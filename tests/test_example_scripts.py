"""The scripts in examples/ run as a user would run them, and say ok."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_concurrent_ballots_counts_each_member_once(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "concurrent_ballots.py"), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "counted twice 0" in done.stdout
    assert "representatives present 25, ballots counted 25, distinct voters 25" in done.stdout
    assert done.stdout.rstrip().endswith("ok")
