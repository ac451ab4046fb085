"""The installed plugins' commands, remembered for ``yishi --help``.

``yishi --help`` must list the commands plugins add (``yishi wecom-remind``), but
loading the plugins to learn them imports pluggy, ``importlib.metadata``, the
domain and each plugin with its libraries: several times the rest of ``--help``.
So the first ``--help`` after a plugin is installed, removed or changed loads
them and writes their commands' names and help lines to a small JSON file in the
user's cache folder; later ones read that file. Running a plugin command always
loads the plugins themselves: the file only ever feeds the help listing.

The file is keyed by what the listing depends on: the yishi version, every
``entry_points.txt`` declaring ``[yishi]`` (path, size, mtime) and the files of
the packages those entry points name (an editable install changes them in
place). Any difference, or any error reading it, means a miss.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

VERSION = 1  # of the file's layout


def cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "yishi" / "plugin-commands.json"


def declared() -> list[Path]:
    """The ``entry_points.txt`` files on ``sys.path`` that declare yishi plugins,
    read without importing ``importlib.metadata``."""
    found = []
    for entry in sys.path:
        folder = Path(entry or ".")
        if not folder.is_dir():
            continue
        for path in folder.glob("*.*-info/entry_points.txt"):
            if "[yishi]" in path.read_text(encoding="utf-8", errors="replace"):
                found.append(path)
    return found


def _modules(entry_points: Path) -> list[str]:
    """The top-level packages named in the file's ``[yishi]`` section."""
    names, inside = [], False
    for line in entry_points.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if line.startswith("["):
            inside = line == "[yishi]"
        elif inside and "=" in line:
            names.append(line.split("=", 1)[1].strip().split(":")[0].split(".")[0])
    return names


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def key(files: list[Path]) -> str:
    """What the plugins' commands depend on, as one string (not hashed: hashlib
    would load OpenSSL, which costs more than comparing the string)."""
    import importlib.util

    parts = [f"v{VERSION}", _yishi_version()]
    for entry_points in sorted(files):
        parts.append(_stamp(entry_points))
        for module in _modules(entry_points):
            spec = importlib.util.find_spec(module)  # top-level: finds, imports nothing
            if spec is None:
                parts.append(f"{module}:missing")
                continue
            for where in spec.submodule_search_locations or [spec.origin or ""]:
                place = Path(where)
                sources = sorted(place.rglob("*.py")) if place.is_dir() else [place]
                parts.extend(_stamp(p) for p in sources if p.exists())
    return "\n".join(parts)


def _yishi_version() -> str:
    """The version from yishi's own dist-info, found like the entry points."""
    for entry in sys.path:
        folder = Path(entry or ".")
        if folder.is_dir():
            for meta in folder.glob("yishi-*.dist-info/METADATA"):
                return _stamp(meta)
    return "yishi:unknown"


def read(wanted: str) -> dict[str, dict[str, object]] | None:
    """The remembered commands (name → help fields), or None on any miss."""
    try:
        data = json.loads(cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != wanted:
        return None
    commands = data.get("commands")
    return commands if isinstance(commands, dict) else None


def write(wanted: str, commands: dict[str, dict[str, object]]) -> None:
    """Best effort: a read-only home only means the next ``--help`` loads again."""
    path = cache_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"key": wanted, "commands": commands}), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass
