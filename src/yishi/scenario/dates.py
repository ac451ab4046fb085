"""Dates in a scenario as TOML gives them, kept as dates through the structural check.

The structural check (``rulesets.fields``) types ``at``, ``born`` and the like as
strings; a TOML date is wrapped so that it passes that check and is unwrapped
again when a command is built. A day alone stands for 09:00 that day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class _Date(str):
    """A TOML date kept as a date but passing the string-typed structural check."""

    value: dt.date

    def __new__(cls, value: dt.date) -> _Date:
        made = super().__new__(cls, value.isoformat())
        made.value = value
        return made


def retype_dates(node: Any, keys: frozenset[str]) -> None:
    """Wrap, in place, every date held under one of ``keys``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys and isinstance(value, dt.date):
                node[key] = _Date(value)
            else:
                retype_dates(value, keys)
    elif isinstance(node, list):
        for item in node:
            retype_dates(item, keys)


def undate(value: Any) -> Any:
    return value.value if isinstance(value, _Date) else value


def when(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(9, 0))
    raise TypeError(value)


def date_values(
    node: Any, keys: frozenset[str], path: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], Any]]:
    """Every value held under one of ``keys``, with its key path."""
    found: list[tuple[tuple[str | int, ...], Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys:
                found.append(((*path, key), value))
            else:
                found += date_values(value, keys, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += date_values(item, keys, (*path, index))
    return found
