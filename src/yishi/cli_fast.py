"""The ``yishi`` program's entry point: ``yishi --help`` from a remembered rendering.

Importing click alone takes several times as long as starting Python, and
``yishi --help`` is typed often. So a help request (``yishi --help``, or plain
``yishi``, which click answers with the help on stderr and status 2) is answered
from the text click printed last time, when nothing that shapes that text has
changed; anything else, and any miss, goes on to click (``yishi.cli``), which
renders the help as always and this module remembers it.

This module imports nothing beyond ``os`` and ``sys`` on the fast path: the
key is built from ``os.scandir`` and ``os.stat`` (``pathlib``, ``json`` and
``importlib.util`` each cost more than the rest). It covers the yishi and click
versions, yishi's command-line modules and built-in plugins (a working copy
changes them without a new version), every installed ``[yishi]`` entry point
with the module it names (as ``cli_help_cache``), the width click would wrap
at, ``YISHI_DISABLE_PLUGIN_AUTOLOAD``, the locale variables click's gettext
reads, and the program name click puts in "Usage:". Any error reading the
file, or a file that does not match, means a miss.
"""

from __future__ import annotations

import os
import sys

LAYOUT = "yishi-help 1"  # of the file's layout
_HERE = os.path.dirname(os.path.abspath(__file__))
# What click's gettext looks at ("Usage:", "Options:", "Commands:").
_LOCALE = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def cache_folder() -> str:
    """The user's cache folder for yishi (shared with ``cli_help_cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "yishi")


def _cache_file(request: list[str]) -> str:
    # One file per request, so ``yishi`` and ``yishi --help`` do not evict each other.
    return os.path.join(cache_folder(), "help.txt" if request else "help-bare.txt")


def width() -> int:
    """The width click's help formatter wraps at, worked out as click does
    (``shutil.get_terminal_size``, then at most 80, less 2, at least 50)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return max(min(columns, 80) - 2, 50)


def _stamp(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}:missing"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def _entry_modules(text: str) -> list[str]:
    """The modules named in an ``entry_points.txt``'s ``[yishi]`` section."""
    names, inside = [], False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            inside = line == "[yishi]"
        elif inside and "=" in line:
            names.append(line.split("=", 1)[1].strip().split(":")[0].strip())
    return names


def _module_file(module: str) -> str:
    """Where ``module`` would be loaded from, asked of the import system's finders
    for the top-level name only (a dotted name would import its package)."""
    top, _, rest = module.partition(".")
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        spec = find(top, None) if find is not None else None
        if spec is None:
            continue
        if not rest:
            return spec.origin or module
        for folder in spec.submodule_search_locations or []:
            base = os.path.join(folder, *rest.split("."))
            for candidate in (base + ".py", os.path.join(base, "__init__.py")):
                if os.path.exists(candidate):
                    return candidate
        return module
    return module


def _installed(parts: list[str]) -> None:
    """yishi's and click's versions and the ``[yishi]`` entry points, from the
    ``*.dist-info`` / ``*.egg-info`` folders on ``sys.path``."""
    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            folder = os.path.join(entry or ".", name)
            if name.startswith(("yishi-", "click-")):
                parts.append(_stamp(os.path.join(folder, "METADATA")))
            points = os.path.join(folder, "entry_points.txt")
            try:
                with open(points, encoding="utf-8", errors="replace") as file:
                    text = file.read()
            except OSError:
                continue
            if "[yishi]" in text:
                parts.append(_stamp(points))
                parts.extend(_stamp(_module_file(m)) for m in _entry_modules(text))


def key(request: list[str]) -> str:
    """Everything the help text depends on, as one string (hashing would load
    OpenSSL, which costs more than comparing the string)."""
    main = sys.modules.get("__main__")
    parts = [
        LAYOUT,
        " ".join(request),
        # what click derives the program name in "Usage:" from
        os.path.basename(sys.argv[0] if sys.argv else ""),
        repr(getattr(main, "__package__", None)),
        f"width={width()}",
        "autoload-off=" + os.environ.get("YISHI_DISABLE_PLUGIN_AUTOLOAD", ""),
        *(f"{name}={os.environ.get(name, '')}" for name in _LOCALE),
    ]
    for folder in (_HERE, os.path.join(_HERE, "web"), os.path.join(_HERE, "plugins")):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        wanted = (lambda n: n.endswith(".py")) if folder.endswith("plugins") else _is_cli
        parts.extend(_stamp(os.path.join(folder, n)) for n in names if wanted(n))
    _installed(parts)
    return "\n".join(parts)


def _is_cli(name: str) -> bool:
    return name.startswith("cli") and name.endswith(".py")


def read(wanted: str, request: list[str]) -> tuple[int, str] | None:
    """(exit status, text) remembered for ``wanted``, or None on any miss."""
    try:
        with open(_cache_file(request), encoding="utf-8", newline="") as file:
            stored, sep, rest = file.read().partition("\0")
    except (OSError, ValueError):  # ValueError: not UTF-8
        return None
    status, sep2, text = rest.partition("\0")
    if not sep or not sep2 or stored != wanted or status not in ("0", "2"):
        return None
    return int(status), text


def write(wanted: str, request: list[str], status: int, text: str) -> None:
    """Best effort, replaced in one step so a reader never sees half a file."""
    try:
        path = _cache_file(request)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8", newline="") as file:
            file.write(f"{wanted}\0{status}\0{text}")
        os.replace(temporary, path)
    except (OSError, RuntimeError):
        pass


def _help_request(argv: list[str]) -> bool:
    return argv in ([], ["--help"])


def _utf8(stream: object) -> bool:
    encoding = str(getattr(stream, "encoding", "") or "").lower().replace("-", "")
    return encoding.replace("_", "") == "utf8"


def main() -> None:
    request = sys.argv[1:]
    if not _help_request(request) or not (_utf8(sys.stdout) and _utf8(sys.stderr)):
        from yishi.cli import main as cli

        cli()
        return
    try:
        wanted = key(request)
    except Exception:  # an odd entry on sys.path: click, as without the file
        wanted = ""
    found = read(wanted, request) if wanted else None
    if found is not None:
        status, text = found
        stream = sys.stdout if status == 0 else sys.stderr
        stream.write(text)
        stream.flush()
        sys.exit(status)
    _render_and_remember(wanted, request)


def _render_and_remember(wanted: str, request: list[str]) -> None:
    """Click as always, remembering the top-level help it prints."""
    from yishi.cli import main as cli

    rendered: list[str] = []
    original = cli.get_help

    def recording(ctx: object) -> str:
        text = original(ctx)  # type: ignore[arg-type]
        if getattr(ctx, "parent", None) is None:
            rendered.append(text)
        return text

    cli.get_help = recording  # type: ignore[method-assign]
    try:
        cli()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
        # click writes the help and one newline; nothing else on that stream
        if wanted and len(rendered) == 1 and code in (0, 2):
            write(wanted, request, code, rendered[0] + "\n")
        raise
    finally:
        cli.get_help = original  # type: ignore[method-assign]
