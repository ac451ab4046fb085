"""Files a scenario names (evidence attachments, a shared community file): confined to
the scenario's folder.

A scenario is often written by someone else (a township template, a file sent
over WeChat). Its attachments are copied into the log's evidence store and
their digests recorded for ever, so a path must not reach outside the folder
the scenario lives in: no absolute path, no ``..``, no symbolic link that
leads out, nothing but a regular file of bounded size.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

from yishi.rulesets.locate import PathKey, dotted
from yishi.rulesets.problems import Problem
from yishi.rulesets.reading import shown
from yishi.store.evidence import MAX_EVIDENCE_BYTES


def check_evidence_path(base_dir: Path, name: str, path: PathKey, out: list[Problem]) -> None:
    """Append a located problem unless ``name`` is a regular file inside ``base_dir``."""
    _check(
        base_dir,
        name,
        path,
        out,
        "附件须放在场景文件所在的文件夹（或其子文件夹）中，用相对路径书写",
        "keep attachments in the scenario's folder (or below it), named by relative path",
    )


def check_community_path(base_dir: Path, name: str, path: PathKey, out: list[Problem]) -> bool:
    """Like :func:`check_evidence_path`, for ``community_file``: a scenario sent by
    someone else must not read a file from elsewhere on the machine into the log
    (names, birth dates) by pointing outside its folder. True when it may be read."""
    return _check(
        base_dir,
        name,
        path,
        out,
        "共用的村（社区）名单文件须放在场景文件所在的文件夹（或其子文件夹）中，用相对路径书写",
        "keep the shared community file in the scenario's folder (or below it), named by relative path",
    )


def _check(
    base_dir: Path, name: str, path: PathKey, out: list[Problem], hint: str, hint_en: str
) -> bool:
    reason = _problem(base_dir, name)
    if reason is None:
        return True
    zh, en = reason
    out.append(
        Problem(
            "unreadable",
            dotted(path),
            detail=f"{shown(name)}: {zh} / {en}",
            hint=hint,
            hint_en=hint_en,
        )
    )
    return False


def _problem(base_dir: Path, name: str) -> tuple[str, str] | None:
    if not name or "\x00" in name:
        return "路径为空或含有空字符", "empty path or a NUL character"
    posix, windows = PurePosixPath(name), PureWindowsPath(name)
    if posix.is_absolute() or windows.is_absolute() or windows.drive:
        return "不能使用绝对路径", "absolute paths are not allowed"
    if ".." in posix.parts or ".." in windows.parts:
        return "不能使用 ..", "'..' is not allowed"
    root = base_dir.resolve()
    target = base_dir / name
    try:
        resolved = target.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return "文件不存在", "no such file"
    if not resolved.is_relative_to(root):
        return "符号链接指向场景文件夹之外", "a symbolic link leads outside the scenario's folder"
    try:
        info = os.stat(resolved)
    except OSError as exc:
        return "无法读取", exc.strerror or "unreadable"
    if not stat.S_ISREG(info.st_mode):
        return "不是普通文件", "not a regular file"
    if info.st_size > MAX_EVIDENCE_BYTES:
        return (
            f"超过 {MAX_EVIDENCE_BYTES // (1024 * 1024)} MiB 的上限",
            f"larger than the limit of {MAX_EVIDENCE_BYTES // (1024 * 1024)} MiB",
        )
    return None
