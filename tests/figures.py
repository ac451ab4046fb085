"""Figures the durability and integrity tests collect (reliability plan §8).

Tests print nothing. With ``YISHI_FIGURES_DIR`` set, each named set of figures
is written there as JSON, for a report; without it they are dropped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def save(name: str, data: Any) -> None:
    directory = os.environ.get("YISHI_FIGURES_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
        (Path(directory) / f"{name}.json").write_text(text + "\n", encoding="utf-8")
