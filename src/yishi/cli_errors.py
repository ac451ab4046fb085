"""The command line's answer to a failing disk or database: a message, never a traceback.

A full disk, a log locked by another program, a folder that cannot be made,
a log of a layout this yishi does not know: each is named in the user's
language with the file concerned, and a log this command created and could
not finish is removed with its SQLite companions, so no empty or half-written
database is left behind (issue 13).
"""

from __future__ import annotations

import errno
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import click

from yishi.i18n import message
from yishi.store.base import StoreError

EXIT_IO = 3  # the disk or the database failed; distinct from refused input (1) and usage (2)
LOCK_WAIT = 30  # seconds SQLiteStore waits for a lock before giving up (busy_timeout)


def ensure_folder(path: Path, lang: str) -> list[Path]:
    """Create the folder a new log goes into, or explain why it cannot be; returns
    the folders made (deepest first), for :func:`reported` to remove on failure."""
    folder = path.parent
    made = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        click.echo(message("cli_no_folder", lang, path=folder, detail=_reason(exc)), err=True)
        sys.exit(2)
    return made


def remove_log(db: Path) -> None:
    for leftover in (db, *(Path(f"{db}{s}") for s in ("-wal", "-shm", "-journal", "-writer"))):
        with suppress(OSError):
            leftover.unlink(missing_ok=True)


@contextmanager
def reported(
    path: Path | None, lang: str, created: Sequence[Path] = (), folders: Sequence[Path] = ()
) -> Iterator[None]:
    """Turn disk and database failures inside the block into a message and exit 3.

    ``created`` are logs this command made and ``folders`` the folders it made
    for them: on failure they are removed (a folder only if left empty)."""
    try:
        yield
    except (OSError, sqlite3.Error, StoreError) as exc:
        for db in created:
            remove_log(db)
            evidence = db.parent / "evidence"
            if evidence.is_dir():
                _remove_empty(evidence)
        for folder in folders:
            _remove_empty(folder)
        cleanup = message("cli_removed", lang) if created else ""
        click.echo(describe(exc, path, lang, cleanup), err=True)
        sys.exit(EXIT_IO)


def describe(exc: BaseException, path: Path | None, lang: str, cleanup: str = "") -> str:
    where = str(path) if path is not None else "?"
    text = str(exc).lower()
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return message("cli_disk_full", lang, path=where, detail=_reason(exc), cleanup=cleanup)
    if isinstance(exc, sqlite3.Error) and ("full" in text and "disk" in text):
        return message("cli_disk_full", lang, path=where, detail=str(exc), cleanup=cleanup)
    if isinstance(exc, sqlite3.OperationalError) and "locked" in text:
        return message("cli_locked", lang, path=where, seconds=LOCK_WAIT, cleanup=cleanup)
    if isinstance(exc, StoreError):
        return message("cli_store_refused", lang, path=where, detail=str(exc))
    detail = _reason(exc) if isinstance(exc, OSError) else str(exc)
    return message("cli_io_error", lang, path=where, detail=detail, cleanup=cleanup)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _remove_empty(folder: Path) -> None:
    """Remove ``folder`` and its subfolders if they hold no file."""
    try:
        for sub in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if sub.is_dir() and not sub.is_symlink():
                sub.rmdir()
        folder.rmdir()
    except OSError:
        pass  # not empty: something in it is not ours to remove
