"""A locked SQLite log, as a typed error for the Python API.

SQLite answers "database is locked" when another program holds the file
longer than the busy timeout (a backup tool, a stray ``sqlite3`` shell, another
writer in EXCLUSIVE mode). Through the API that used to surface as a bare
``sqlite3.OperationalError``, which a portal cannot tell from a damaged file.
:class:`StoreLocked` names the condition; it is also an ``OperationalError`` so
handlers written against SQLite's own error still catch it. Nothing was written
when it is raised: send the same command again later (docs/python-api.md).
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from yishi.store.base import StoreError

T = TypeVar("T")

RETRY_AFTER = 5.0  # seconds: a lock held past the busy timeout is not a matter of milliseconds


class StoreLocked(StoreError, sqlite3.OperationalError):
    """The log file is locked by another program beyond the busy timeout; nothing was written."""

    def __init__(self, path: Path | str, detail: str) -> None:
        super().__init__(f"{path}: database is locked ({detail})")
        self.path = Path(path)
        self.detail = detail
        self.retry_after = RETRY_AFTER


def _is_lock(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _translated(self: Any, exc: sqlite3.OperationalError) -> sqlite3.OperationalError:
    """SQLite's lock error as :class:`StoreLocked`; any other error as it was."""
    if isinstance(exc, StoreLocked) or not _is_lock(exc):
        return exc
    return StoreLocked(getattr(self, "path", "?"), str(exc))


def _typed(function: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.isgeneratorfunction(function):

        @functools.wraps(function)
        def generator(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            try:
                yield from function(self, *args, **kwargs)
            except sqlite3.OperationalError as exc:
                raise _translated(self, exc) from exc

        return generator

    @functools.wraps(function)
    def plain(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(self, *args, **kwargs)
        except sqlite3.OperationalError as exc:
            raise _translated(self, exc) from exc

    return plain


def typed_locks(*names: str) -> Callable[[type[T]], type[T]]:
    """Class decorator: the named methods raise :class:`StoreLocked` for SQLite's lock errors."""

    def decorate(cls: type[T]) -> type[T]:
        for name in names:
            setattr(cls, name, _typed(getattr(cls, name)))
        return cls

    return decorate
