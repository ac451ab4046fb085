"""The installed plugins' commands, remembered for ``yishi --help``.

``yishi --help`` must list the commands plugins add (``yishi wecom-remind``), but
loading the plugins to learn them imports pluggy, ``importlib.metadata``, the
domain and each plugin with its libraries: several times the rest of ``--help``.
So the first ``--help`` after a plugin is installed, removed or changed loads
them and writes their commands' names and help lines to a small JSON file in the
user's cache folder; later ones read that file. Running a plugin command always
loads the plugins themselves: the file only ever feeds the help listing.

The file is keyed by what the listing depends on: the yishi version, every
``entry_points.txt`` declaring ``[yishi]`` (path, size, mtime) and the module
each entry point names, where a plugin registers its commands (an editable
install changes it in place). Any difference, or any error reading it, means a
miss; a plugin that builds its commands in another of its modules may show
stale help words until its entry module changes too.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

VERSION = 1  # of the file's layout


def cache_file() -> Path:
    from yishi.cli_fast import cache_folder  # beside the remembered help text

    return Path(cache_folder()) / "plugin-commands.json"


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
    """The modules named in the file's ``[yishi]`` section."""
    names, inside = [], False
    for line in entry_points.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if line.startswith("["):
            inside = line == "[yishi]"
        elif inside and "=" in line:
            names.append(line.split("=", 1)[1].strip().split(":")[0].strip())
    return names


def _module_file(module: str) -> Path | None:
    """Where ``module`` would be loaded from, found without importing anything
    (``find_spec`` of a dotted name would import its package)."""
    import importlib.util

    top, _, rest = module.partition(".")
    spec = importlib.util.find_spec(top)  # a top-level name: finds, imports nothing
    if spec is None:
        return None
    if not rest:
        return Path(spec.origin) if spec.origin else None
    for folder in spec.submodule_search_locations or []:
        base = Path(folder, *rest.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.exists():
                return candidate
    return None


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def key(files: list[Path]) -> str:
    """What the plugins' commands depend on, as one string (not hashed: hashlib
    would load OpenSSL, which costs more than comparing the string): the yishi
    version, each entry-point file and each plugin module it names (where a
    plugin registers its commands), with their sizes and times."""
    parts = [f"v{VERSION}", _yishi_version()]
    # The built-in plugins add commands too (publish, graph): their modules, for
    # a working copy whose version does not change with every edit.
    builtin = Path(__file__).parent / "plugins"
    parts.extend(_stamp(p) for p in sorted(builtin.glob("*.py")))
    for entry_points in sorted(files):
        parts.append(_stamp(entry_points))
        for module in _modules(entry_points):
            found = _module_file(module)
            parts.append(_stamp(found) if found is not None and found.exists() else module)
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
    except (OSError, ValueError, RuntimeError):  # RuntimeError: no home directory
        return None
    if not isinstance(data, dict) or data.get("key") != wanted:
        return None
    commands = data.get("commands")
    return commands if isinstance(commands, dict) else None


def write(wanted: str, commands: dict[str, dict[str, object]]) -> None:
    """Best effort: a read-only home only means the next ``--help`` loads again."""
    try:
        path = cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"key": wanted, "commands": commands}), encoding="utf-8")
        os.replace(temporary, path)
    except (OSError, RuntimeError):
        pass
