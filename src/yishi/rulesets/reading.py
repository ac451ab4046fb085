"""Reading a rule-set or scenario file with a bound on its size.

``Path.read_bytes`` on ``/dev/zero``, a FIFO or a runaway generated file never
returns; a TOML file a person wrote is a few kilobytes. The file is read up to
one byte past the limit, so a larger one is refused without reading it all.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from yishi.rulesets.problems import Problem, RuleSetError

MAX_FILE_BYTES = 8 * 1024 * 1024  # docs/limits.md


NUL_DETAIL = "路径含有空字符 / the path contains a NUL character"


def shown(path: str) -> str:
    """A path as a message prints it: a NUL shown as ``\\0``, which printed raw
    would cut the line in a terminal."""
    return path.replace("\x00", "\\0")


def read_limited(path: str | os.PathLike[str], key: str = "", limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; otherwise a
    :class:`RuleSetError` naming the file (``key``: the setting that named it)."""
    file = str(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not wait forever.
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _error(file, key, exc.strerror or str(exc)) from None
    except ValueError:  # a NUL character: no file can have such a name
        raise _error(shown(file), key, NUL_DETAIL) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _error(file, key, "不是普通文件 / not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise _error(file, key, exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise _error(file, key, f"超过 {limit} 字节的上限 / larger than the limit of {limit} bytes")
    return data


def _error(file: str, key: str, detail: str) -> RuleSetError:
    name = Path(file).name
    return RuleSetError([Problem("unreadable", key, file=file, detail=f"{name}: {detail}")])
