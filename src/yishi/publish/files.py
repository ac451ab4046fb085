"""A publisher that writes each disclosure (公示) as a Markdown file in a directory.

The simplest channel there is: a folder that a village clerk prints from, or a
web server serves. Each notice is written whole or not at all (a temporary file
in the same directory, flushed and fsynced, then renamed over the target), so a
reader never sees half a notice, and it carries the log's checkpoint so a
printed copy can later be checked with ``yishi verify --checkpoint``.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from yishi.hookspecs import hookimpl
from yishi.publish.code import verification_code
from yishi.publish.notice import Notice, checkpoint_line
from yishi.publish.privacy import mask_text

KINDS = {
    "resolution": ("决议公开", "resolution"),
    "result": ("实施结果公开", "implementation result"),
    "other": ("公示", "notice"),
}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def notice_filename(disclosure: str) -> str:
    """``公示-<disclosure id>.md``, with characters no file system accepts replaced."""
    return f"公示-{_UNSAFE.sub('_', disclosure)}.md"


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data``: whole or not at all, and (``durable``) on disk
    once this returns. Pages rebuilt from the log at will (the board) skip the fsyncs:
    a reader still never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # a notice is public: readable like any file, not 0600 as mkstemp makes it
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable, where the platform lets a directory be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(fd)


def render_markdown(notice: Notice, lang: str = "zh", *, db: str = "") -> str:
    """The notice as Markdown: its text line by line, then the record check."""
    en = lang == "en"
    kind = KINDS.get(notice.kind, (notice.kind, notice.kind))[1 if en else 0]
    check = checkpoint_line(notice.checkpoint, "zh") if notice.checkpoint else None
    title = _public(notice.title)
    lines = [f"# Notice: {title}" if en else f"# 公示：{title}", ""]
    facts = (
        [
            ("Notice", notice.disclosure),
            ("Matter", notice.matter),
            ("Kind", kind),
            ("Posted on", notice.posted_on.isoformat()),
            ("Log record", f"#{notice.position}"),
        ]
        if en
        else [
            ("公示编号", notice.disclosure),
            ("事项编号", notice.matter),
            ("类别", kind),
            ("张贴日期", notice.posted_on.isoformat()),
            ("记录位置", f"第 {notice.position} 条"),
        ]
    )
    lines += [f"- {key}{': ' if en else '：'}{value}" for key, value in facts]
    lines.append("")
    body = notice.text.splitlines()
    if body and body[0].startswith("公示："):
        body = body[1:]  # the title is the heading
    body = [line for line in body if line != check]
    while body and not body[0].strip():
        body = body[1:]
    while body and not body[-1].strip():
        body = body[:-1]
    lines += _markdown_lines([_public(line) for line in body])
    lines.append("")
    lines.append("## Record check" if en else "## 存证核验")
    lines.append("")
    lines += _checkpoint_section(notice.checkpoint, lang, db, notice.disclosure)
    return "\n".join(lines).rstrip("\n") + "\n"


def _public(text: str) -> str:
    """Typed text as it may appear in public Markdown: ID and phone numbers masked,
    and ``<``, ``>``, ``&`` as entities, so markup shows as the characters typed."""
    return html.escape(mask_text(text), quote=False)


def _markdown_lines(text: list[str]) -> list[str]:
    """Plain notice lines as Markdown that keeps every line break.

    Headings such as ``决策过程：`` become bold; list items stay list items, and
    their indented continuation lines stay under them; within a paragraph each
    line ends in a hard break."""
    out: list[str] = []
    for index, line in enumerate(text):
        following = text[index + 1] if index + 1 < len(text) else ""
        if not line.strip():
            out.append("")
            continue
        if line.endswith(("：", ":")) and not line.startswith(("-", " ")):
            out.append(f"**{line}**")
            out.append("")
            continue
        if line.startswith("  ") and not line.startswith("  -"):
            line = "  " + line.strip()  # continuation of the list item above
        # a hard break keeps the next line on its own line, unless a new item starts there
        hard_break = following.strip() and not following.startswith("-")
        out.append(line + ("\\" if hard_break else ""))
    return out


def _checkpoint_section(
    checkpoint: Mapping[str, Any] | None, lang: str, db: str, disclosure: str = ""
) -> list[str]:
    en = lang == "en"
    if not checkpoint:
        return [
            "(no checkpoint: made by an engine without a log)"
            if en
            else "（无存证：生成时未接入记录）"
        ]
    point = f"{checkpoint['size']}:{checkpoint['head']}"
    where = f" --db {db}" if db else ""
    code = verification_code(disclosure, checkpoint) if disclosure else ""
    if en:
        return [
            *(
                [f"- Verification code: **{code}** (`yishi verify{where} --code {code}`)"]
                if code
                else []
            ),
            f"- Records in the log when made: {checkpoint['size']}",
            f"- Head digest: `{checkpoint['head']}`",
            "",
            f"To check a printed copy against the record: `yishi verify{where} --checkpoint {point}`",
        ]
    return [
        *([f"- 核验码：**{code}**（`yishi verify{where} --code {code}`）"] if code else []),
        f"- 生成时日志条数：{checkpoint['size']}",
        f"- 链头摘要：`{checkpoint['head']}`",
        "",
        f"核对纸质公示与记录是否一致：`yishi verify{where} --checkpoint {point}`",
    ]


class FilePublisher:
    """Writes ``公示-<id>.md`` into ``directory`` for every disclosure published.

    Register it with a plugin host; the engine calls it after the publication
    is durably in the log. It returns nothing; an error propagates, and the
    engine records it against this plugin so the call can be retried.
    """

    def __init__(
        self, directory: str | os.PathLike[str], *, lang: str = "zh", db: str = ""
    ) -> None:
        self.directory = Path(directory)
        self.lang = lang
        self.db = db  # shown in the verify command printed on the notice
        self.written: list[Path] = []

    @hookimpl
    def yishi_disclosure_published(self, engine: Any, notice: Notice) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / notice_filename(notice.disclosure)
        write_atomic(path, render_markdown(notice, self.lang, db=self.db).encode("utf-8"))
        if path not in self.written:
            self.written.append(path)
