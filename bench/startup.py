"""Start-up: ``yishi --help`` against a bare ``python -c pass``, in one run, interleaved.

    .venv/bin/python bench/startup.py [--rounds 11]

Four programs take turns, ``--rounds`` times each (median reported): the bare
interpreter; ``yishi --help`` answered from the remembered rendering (the usual
case, ``yishi/cli_fast.py``); the route before it, straight into click with the
plugins' commands remembered (``from yishi.cli import main``, as the entry point
was); and ``yishi --help`` with an empty cache folder
each time, which imports click, loads the plugins to list their commands,
renders the help and writes both caches (the first ``--help`` after an upgrade
or a plugin change). The aim is the remembered one ≤ 3 × the bare interpreter.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AIM = 3.0


def measure(rounds: int) -> dict[str, float]:
    script = shutil.which("yishi", path=str(Path(sys.executable).parent)) or "yishi"
    # bytecode cached, as in an installed yishi (pip compiles it; an editable
    # install writes it on first use): without it every run compiles yishi's modules
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as scratch:
        warm = {**base, "XDG_CACHE_HOME": str(Path(scratch, "warm"))}
        times: dict[str, list[float]] = {
            name: [] for name in ("bare", "remembered", "click", "rendered")
        }
        through_click = [sys.executable, "-c", "from yishi.cli import main; main()", "--help"]

        def timed(argv: list[str], env: dict[str, str]) -> float:
            started = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=False, env=env)
            return time.perf_counter() - started

        timed([script, "--help"], warm)  # warms the page cache, writes the remembered text
        for turn in range(rounds):
            times["bare"].append(timed([sys.executable, "-c", "pass"], warm))
            times["remembered"].append(timed([script, "--help"], warm))
            times["click"].append(timed(through_click, warm))
            cold = {**base, "XDG_CACHE_HOME": str(Path(scratch, f"cold{turn}"))}
            times["rendered"].append(timed([script, "--help"], cold))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=11)
    rounds = max(parser.parse_args().rounds, 1)
    found = measure(rounds)
    bare = found["bare"]
    print(f"start-up, median of {rounds} interleaved runs")
    print(f"  {'python -c pass':<34}  {bare * 1000:6.1f} ms")
    for name, words in (
        ("remembered", "yishi --help, remembered text"),
        ("click", "click, plugin list remembered"),
        ("rendered", "click, empty cache folder"),
    ):
        ratio = found[name] / bare
        print(f"  {words:<34}  {found[name] * 1000:6.1f} ms  {ratio:4.1f} ×")
    ratio = found["remembered"] / bare
    verdict = "met" if ratio <= AIM else "missed"
    print(f"aim: yishi --help ≤ {AIM:g} × python -c pass: {ratio:.2f} × ({verdict})")


if __name__ == "__main__":
    main()
