"""Architecture: imports point down the layers of design.md; modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "yishi"

# package -> modules it must never import
# Only the engine and the shells load plugins. The domain and the rule sets are not
# plugins either; a store backend or a publisher may be one (it may use the marker).
PLUGINS = ("yishi.plugins", "yishi.hookspecs")
FORBIDDEN = {
    "domain": (
        "yishi.engine",
        "yishi.cli",
        "yishi.rulesets",
        "yishi.store",
        "yishi.scenario",
        "yishi.publish",
        "yishi.report",
        *PLUGINS,
    ),
    "rulesets": (
        "yishi.engine",
        "yishi.cli",
        "yishi.store",
        "yishi.scenario",
        "yishi.report",
        *PLUGINS,
    ),
    "store": (
        "yishi.engine",
        "yishi.cli",
        "yishi.rulesets",
        "yishi.scenario",
        "yishi.report",
        "yishi.plugins",
    ),
    "publish": (
        "yishi.engine",
        "yishi.cli",
        "yishi.store",
        "yishi.scenario",
        "yishi.report",
        "yishi.plugins",
    ),
    # Plugins are loaded by the engine and the shells; they never import them back.
    "plugins": ("yishi.engine", "yishi.cli", "yishi.scenario", "yishi.report"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_down(package):
    for path in (SRC / package).rglob("*.py"):
        for module in _imports(path):
            assert not module.startswith(FORBIDDEN[package]), f"{path.name} imports {module}"


def test_the_name_pools_import_nothing_of_yishi():
    """yishi.names serves the demo and the scenario layer alike, so it stands on nothing."""
    assert not {m for m in _imports(SRC / "names.py") if m.startswith("yishi")}


def test_domain_reads_no_clock_and_does_no_io():
    for path in (SRC / "domain").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for banned in (
            "datetime.now",
            "dt.datetime.now",
            "date.today",
            "time.time(",
            "open(",
            "sqlite3",
        ):
            assert banned not in text, f"{path.name} uses {banned}"


def test_no_god_modules():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in SRC.rglob("*.py")}
    assert max(sizes.values()) < 1000, sizes


def test_only_the_system_clock_reads_the_wall_clock():
    """design.md §4: the engine takes a clock; only the CLI's default clock reads the time."""
    reads = (".now(", ".today(", "time.time(", "utcnow(", "time.monotonic(")
    for path in SRC.rglob("*.py"):
        if path == SRC / "clock.py":
            continue
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if any(r in line for r in reads):
                # The engine asks its clock; that is the one allowed call.
                asks_a_clock = ("self.clock.now()", "self.now()", ".engine.now()")
                assert any(a in line for a in asks_a_clock), f"{path.name}: {line}"
