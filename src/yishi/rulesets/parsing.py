"""Bytes → TOML document, with the line and column of any fault.

Shared by rule sets and scenario files: a file that is not UTF-8 or not TOML
is one problem located where the fault is, never a traceback.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from yishi.rulesets.problems import Problem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_toml(data: bytes, file: str) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """Decode and parse; problems carry the line and column of the fault."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 BOM from Windows Notepad is harmless
    line: int | None
    column: int | None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        detail = f"0x{data[exc.start]:02x}"
        return (
            None,
            "",
            [
                Problem(
                    "encoding",
                    "",
                    file=file,
                    line=line,
                    column=column,
                    detail=detail,
                    hint="请用 UTF-8 保存文件",
                    hint_en="save the file as UTF-8",
                )
            ],
        )
    try:
        return tomllib.loads(text), text, []
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _POSITION.search(message)
        line = int(found.group(1)) if found else getattr(exc, "lineno", None)
        column = int(found.group(2)) if found else getattr(exc, "colno", None)
        detail = _POSITION.sub("", message).strip()
        if line is None:  # "(at end of document)": point at the last written line
            line, column = _end_of(text)
        return (
            None,
            text,
            [Problem("toml_syntax", "", file=file, line=line, column=column, detail=detail)],
        )
    except (RecursionError, ValueError) as exc:  # pathological nesting, odd numbers
        return (
            None,
            text,
            [Problem("toml_syntax", "", file=file, line=1, detail=type(exc).__name__)],
        )


def _end_of(text: str) -> tuple[int, int]:
    """Line and column just after the last non-blank character."""
    written = text.rstrip()
    start = written.rfind("\n") + 1
    return written.count("\n") + 1, len(written) - start + 1
