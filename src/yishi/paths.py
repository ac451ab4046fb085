"""Where the command line looks for the log when none is given."""

from __future__ import annotations

import os
from pathlib import Path

DB_CANDIDATES = ("yishi.db", "yishi-demo/yishi.db")


def default_db() -> Path:
    """``$YISHI_DB``, else ``./yishi.db``, else the demo's log, so that ``yishi verify``
    right after ``yishi demo`` checks what the demo wrote."""
    if os.environ.get("YISHI_DB"):
        return Path(os.environ["YISHI_DB"])
    for candidate in DB_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    return Path(DB_CANDIDATES[0])
