"""The flowchart as SVG, laid out here: one column of boxes, arrows in the gutters.

Readable on a phone: the boxes are narrow, every path is also written inside
the box it leaves (so a label never floats over a line), and the drawing
scales to the screen through its viewBox. Chinese renders through the CJK
fonts named in ``font-family`` (Noto Sans CJK from fonts-noto-cjk, with
common fallbacks).
"""

from __future__ import annotations

import re
import unicodedata
from html import escape

from yishi.publish.graph import Flow, Node

FONT = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif"
BOX_W = 300
GUTTER = 64
LANE = 8
SIZE = 14
LINE_H = 19
PAD = 10
GAP = 34
COLOURS = {
    "pass": "#1f2937",
    "reject": "#b91c1c",
    "no_quorum": "#6b7280",
    "objection": "#c2410c",
    "handoff": "#1d4ed8",
}


# The drawing's styles: inside the SVG for a file opened on its own, and in the
# board's style sheet (page_css) for a page served with a Content-Security-Policy
# that refuses inline styles, as the web does.
_RULES = (
    ("text", f"font-family:{FONT};font-size:{SIZE - 1}px;fill:#111827"),
    (".t", f"font-size:{SIZE + 2}px;font-weight:700"),
    (".p", "fill:#374151"),
    (".h", "font-size:18px;font-weight:700"),
    (".here", "fill:#92400e;font-weight:700"),
    (".box", "fill:#fff;stroke:#374151;stroke-width:1.5"),
    (".end", "fill:#ecfdf5;stroke:#047857;stroke-width:1.5"),
    (".stop", "fill:#fef2f2;stroke:#b91c1c;stroke-width:1.5"),
    (".current", "fill:#fde68a;stroke:#b45309;stroke-width:4"),
)


def page_css(scope: str = ".chart svg") -> str:
    """The drawing's styles for a page's style sheet, limited to the drawing."""
    return "".join(f"{scope} {selector}{{{rule}}}\n" for selector, rule in _RULES)


def _width(text: str, size: int) -> float:
    return sum(size if unicodedata.east_asian_width(c) in "WFA" else size * 0.55 for c in text)


_TOKEN = re.compile(r"[A-Za-z0-9'’.,:;()/%-]+ ?|.", re.S)


def wrap(text: str, size: int, limit: float) -> list[str]:
    """Lines no wider than ``limit``: Chinese breaks between any two characters,
    a Latin word only at a space (or mid-word, if it alone is too wide)."""
    lines, current = [], ""
    for token in _TOKEN.findall(text):
        if _width(current + token.rstrip(), size) <= limit or not current:
            current += token
        else:
            lines.append(current.rstrip())
            current = token.lstrip()
        while _width(current.rstrip(), size) > limit and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and _width(current[:cut], size) > limit:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    current = current.rstrip()
    return [*lines, current] if current else lines


def _box_lines(node: Node, out_labels: list[str], here: str) -> list[tuple[str, str]]:
    """(css class, text) for every wrapped line of a box."""
    inner = BOX_W - 2 * PAD - 4
    rows = [("here", f"▶ {here}")] if here else []
    rows += [("t", line) for line in wrap(node.title, SIZE + 2, inner)]
    for text in node.lines:
        rows += [("l", line) for line in wrap(text, SIZE - 1, inner)]
    for label in out_labels:
        rows += [("p", line) for line in wrap("→ " + label, SIZE - 1, inner)]
    return rows


def to_svg(
    f: Flow, current: str | None = None, *, title: str | None = None, here: str = "当前步骤"
) -> str:
    """The flowchart; ``current`` (a stage id) is highlighted and marked ``here``."""
    labels: dict[str, list[str]] = {n.id: [] for n in f.nodes}
    order = [n.id for n in f.nodes]
    for e in f.edges:
        if e.label and not (e.kind == "pass" and _adjacent(order, e.source, e.target)):
            labels[e.source].append(e.label)
    x = GUTTER
    y = 48
    boxes: dict[str, tuple[float, float, float]] = {}  # id -> (top, height, centre)
    parts: list[str] = []
    for node in f.nodes:
        rows = _box_lines(node, labels[node.id], here if node.id == current else "")
        height = 2 * PAD + len(rows) * LINE_H
        boxes[node.id] = (y, height, y + height / 2)
        cls = {"stage": "box", "start": "end", "done": "end", "stop": "stop", "handoff": "end"}[
            node.kind
        ]
        if node.id == current:
            cls += " current"
        radius = 18 if node.kind != "stage" else 6
        parts.append(
            f'<g class="node" id="step-{escape(node.id)}"><rect class="{cls}" x="{x}" y="{y}" '
            f'width="{BOX_W}" height="{height}" rx="{radius}"/>'
        )
        ty = y + PAD + LINE_H - 5
        for css, text in rows:
            anchor = ' text-anchor="middle"' if node.kind != "stage" else ""
            tx = x + BOX_W / 2 if node.kind != "stage" else x + PAD
            parts.append(f'<text class="{css}" x="{tx}" y="{ty}"{anchor}>{escape(text)}</text>')
            ty += LINE_H
        parts.append("</g>")
        y += height + GAP
    arrows = _arrows(f, order, boxes, x)
    height_total = y + 8
    width_total = BOX_W + 2 * GUTTER
    heading = escape(title if title is not None else f.title)
    style = "".join(f"{selector}{{{rule}}}" for selector, rule in _RULES)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width_total} {height_total}" '
        f'width="{width_total}" height="{height_total}" role="img" aria-label="{heading}">'
        f"<title>{heading}</title><style>{style}</style>"
        "<defs>"
        + "".join(
            f'<marker id="a-{k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="{c}"/></marker>'
            for k, c in COLOURS.items()
        )
        + "</defs>"
        f'<text class="h" x="{width_total / 2}" y="28" text-anchor="middle">{heading}</text>'
        + "".join(arrows)
        + "".join(parts)
        + "</svg>\n"
    )


def _adjacent(order: list[str], source: str, target: str) -> bool:
    return order.index(target) == order.index(source) + 1


def _arrows(
    f: Flow, order: list[str], boxes: dict[str, tuple[float, float, float]], x: float
) -> list[str]:
    out = []
    lanes = {"left": 0, "right": 0}
    seen: set[tuple[str, str, str]] = set()
    for e in f.edges:
        if (e.source, e.target, e.kind) in seen:
            continue
        seen.add((e.source, e.target, e.kind))
        colour = COLOURS.get(e.kind, "#1f2937")
        dash = "" if e.kind == "pass" else ' stroke-dasharray="6 4"'
        marker = f'marker-end="url(#a-{e.kind if e.kind in COLOURS else "pass"})"'
        s_top, s_h, s_mid = boxes[e.source]
        t_top, _t_h, t_mid = boxes[e.target]
        cx = x + BOX_W / 2
        if _adjacent(order, e.source, e.target):
            d = f"M{cx},{s_top + s_h} L{cx},{t_top - 2}"
        elif e.source == e.target:  # the same step again: a loop on the left
            lx = x - 18
            d = f"M{x},{s_mid - 8} L{lx},{s_mid - 8} L{lx},{s_mid + 8} L{x - 2},{s_mid + 8}"
        else:
            side = "right" if order.index(e.target) > order.index(e.source) else "left"
            lanes[side] += 1
            offset = min(lanes[side], (GUTTER - 12) // LANE) * LANE + 4
            if side == "right":
                gx = x + BOX_W + offset
                d = f"M{x + BOX_W},{s_mid} L{gx},{s_mid} L{gx},{t_mid} L{x + BOX_W + 2},{t_mid}"
            else:
                gx = x - 26 - min(lanes[side] - 1, 4) * LANE
                d = f"M{x},{s_mid + 4} L{gx},{s_mid + 4} L{gx},{t_mid - 4} L{x - 2},{t_mid - 4}"
        out.append(
            f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.6"{dash} {marker}/>'
        )
    return out
