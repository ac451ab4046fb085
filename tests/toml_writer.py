"""A tiny TOML writer for tests: enough for rule sets and their mutations.

Handles str, int, bool, float, date, datetime, time, list and dict. Tables are
written as ``[a.b]`` headers and lists of tables as ``[[a]]``, the way people
write rule sets, so that line numbers in problems mean something; anything
else nests inline.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def dumps(document: dict[str, Any]) -> str:
    lines: list[str] = []
    _table(document, (), lines)
    return "\n".join(lines) + "\n"


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _table(table: dict[str, Any], path: tuple[str, ...], lines: list[str]) -> None:
    tables = {k: v for k, v in table.items() if isinstance(v, dict)}
    arrays = {k: v for k, v in table.items() if _is_table_array(v)}
    for key, value in table.items():
        if key not in tables and key not in arrays:
            lines.append(f"{key_text(key)} = {value_text(value)}")
    for key, value in tables.items():
        lines += ["", f"[{'.'.join(map(key_text, (*path, key)))}]"]
        _table(value, (*path, key), lines)
    for key, items in arrays.items():
        for item in items:
            lines += ["", f"[[{'.'.join(map(key_text, (*path, key)))}]]"]
            _table(item, (*path, key), lines)


def key_text(key: str) -> str:
    return key if _BARE.match(key) else string_text(key)


def string_text(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return string_text(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{key_text(k)} = {value_text(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
