"""Finding the line of a key path in TOML text.

tomllib returns plain data without positions, so a light scanner maps key
paths to the line where they are written: table headers (``[a.b]``, ``[[a]]``
with their array index) and ``key =`` lines, dotted keys included. It is used
only for error messages; when it cannot place a key it falls back to the
nearest enclosing table.
"""

from __future__ import annotations

import re

PathKey = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*="""
)


def _split_key(text: str) -> list[str]:
    parts = re.findall(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_\-]+)""", text)
    return [a or b or c for a, b, c in parts]


def key_lines(text: str) -> dict[PathKey, int]:
    lines: dict[PathKey, int] = {}
    counters: dict[PathKey, int] = {}
    table: PathKey = ()
    in_multiline: str | None = None
    # Split on "\n" only, as TOML and tomllib count lines: str.splitlines()
    # also breaks at U+2028, U+0085 and others, which TOML allows in comments
    # and strings, and would shift every later line number.
    for number, line in enumerate(text.split("\n"), start=1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header and "=" not in header.group(2):
            keys = _split_key(header.group(2))
            if header.group(1) == "[[":
                array: PathKey = (*_resolve(tuple(keys[:-1]), counters), keys[-1])
                index = counters.get(array, -1) + 1
                counters[array] = index
                table = (*array, index)
                lines.setdefault(array, number)  # the array as a whole: its first item
            else:
                table = _resolve(tuple(keys), counters)
            lines.setdefault(table, number)
            continue
        match = _KEY.match(line)
        if match:
            path = (*table, *_split_key(match.group(1)))
            lines.setdefault(path, number)
            rest = line[match.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return lines


def _resolve(keys: PathKey, counters: dict[PathKey, int]) -> PathKey:
    """Insert array-of-tables indices: [stages.x] after [[stages]] means stages[last].x."""
    resolved: PathKey = ()
    for key in keys:
        resolved = (*resolved, key)
        if resolved in counters:
            resolved = (*resolved, counters[resolved])
    return resolved


def find_line(lines: dict[PathKey, int], path: PathKey) -> int | None:
    probe = tuple(path)
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return None


def dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def undotted(path: str) -> PathKey:
    """The key path a :func:`dotted` string names: ``stages[2].id`` → ``("stages", 2, "id")``."""
    out: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        out.append(int(index) if index else name)
    return tuple(out)
