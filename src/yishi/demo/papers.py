"""The paper records the demo attaches as evidence, generated as bytes.

Offline meetings leave paper behind: the written proposal, a sign-in sheet, the
minutes, a photo of the notice on the 村务公开栏. The demo makes small but
realistic stand-ins for them, deterministically, with nothing beyond the
standard library (the photo is a PNG drawn pixel by pixel).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Mapping


def text_file(lines: Iterable[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def csv_file(rows: Iterable[Iterable[object]]) -> bytes:
    """A CSV that opens in spreadsheet programs on Chinese Windows too (UTF-8 with BOM)."""

    def cell(value: object) -> str:
        text = str(value)
        if any(c in text for c in ',"\n'):
            text = '"' + text.replace('"', '""') + '"'
        return text

    body = "\r\n".join(",".join(cell(v) for v in row) for row in rows) + "\r\n"
    return b"\xef\xbb\xbf" + body.encode("utf-8")


def sign_in_sheet(title: str, rows: Iterable[tuple[str, str, str, bool, str]]) -> bytes:
    """A meeting's sign-in sheet: name, capacity, 村民小组, signed or not, remark."""
    table: list[list[object]] = [[title], ["序号", "姓名", "身份", "村民小组", "签到", "备注"]]
    for number, (name, capacity, group, present, remark) in enumerate(rows, start=1):
        table.append([number, name, capacity, group, "已签到" if present else "未到", remark])
    return csv_file(table)


# -- a photo of the notice on the board -------------------------------------------

_WALL = (176, 164, 146)
_BOARD = (128, 42, 36)
_PAPER = (246, 243, 232)
_INK = (70, 70, 78)
_RED = (200, 30, 32)


def notice_photo(seed_text: str, width: int = 160, height: int = 120) -> bytes:
    """A small PNG: a red 村务公开栏 with a posted white notice, lines of text and a seal.

    The pattern of "text" lines follows ``seed_text`` so that different notices
    give different (but always the same) pictures.
    """
    pixels = [[_WALL] * width for _ in range(height)]

    def fill(x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int]) -> None:
        for y in range(max(0, y0), min(height, y1)):
            row = pixels[y]
            for x in range(max(0, x0), min(width, x1)):
                row[x] = colour

    fill(8, 6, width - 8, height - 6, _BOARD)  # the board
    fill(30, 16, width - 30, height - 14, _PAPER)  # the notice
    fill(52, 22, width - 52, 27, _INK)  # its title
    digest = zlib.crc32(seed_text.encode("utf-8"))
    y = 34
    line = 0
    while y < height - 34:
        length = 40 + (digest >> (line % 24)) % 50
        fill(38, y, min(38 + length, width - 38), y + 2, _INK)
        y += 6
        line += 1
    cx, cy, r = width - 52, height - 30, 11  # the committee's red seal
    for yy in range(cy - r, cy + r + 1):
        for xx in range(cx - r, cx + r + 1):
            d = (xx - cx) ** 2 + (yy - cy) ** 2
            if (r - 2) ** 2 <= d <= r * r or (d <= 9):
                pixels[yy][xx] = _RED
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in pixels)
    return _png(width, height, raw)


def _png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def minutes(
    heading: str, fields: Mapping[str, str], body: Iterable[str], signatures: Iterable[str]
) -> bytes:
    lines = [heading, ""]
    lines += [f"{key}：{value}" for key, value in fields.items()]
    lines.append("")
    lines += list(body)
    lines.append("")
    lines += list(signatures)
    return text_file(lines)
