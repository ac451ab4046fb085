from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# The web application is an extra (`pip install -e '.[web]'`, included in `.[test]`).
# Without it the web modules are left out of collection rather than failing to
# import, so the core's tests still run on a bare install.
try:
    import starlette  # noqa: F401
except ImportError:
    collect_ignore_glob = ["test_web_*.py", "test_board_languages.py"]

settings.register_profile("ci", deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def scenario_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("[0-9][0-9]_*.toml"))


@pytest.fixture
def update_golden() -> bool:
    return os.environ.get("YISHI_UPDATE_GOLDEN") == "1"
