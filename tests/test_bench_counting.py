"""A tiny run of bench/counting.py: it runs, compares winners and prints its ratios.

The bench itself (100,000 ballots) is not part of the test run; this only
keeps the script from rotting."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "counting.py"


def test_bench_script_smoke(capsys):
    spec = importlib.util.spec_from_file_location("bench_counting", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--ballots", "500", "--repeat", "1"])  # too small for the aims to mean much
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "ratio" in line]
    assert len(lines) == 4  # IRV and STV, on the blocs and the uniform profiles
    assert all("identical" in line for line in lines), out
